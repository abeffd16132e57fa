"""How allauth fits Steadfast: neutral email subjects, the profile step after the first
sign-in, and the welcome email queued through the outbox once an address is verified."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return _profile_step_if_needed(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # Used when confirming the address signs the newcomer in.
        return _profile_step_if_needed(request) or super().get_signup_redirect_url(request)

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> Any:
        result = super().confirm_email(request, email_address)
        # Imported here: notifications imports the outbox, which imports Celery.
        from accounts.notifications import queue_welcome_email

        queue_welcome_email(user=email_address.user)
        return result


def _profile_step_if_needed(request: HttpRequest) -> str | None:
    """Send someone who has not chosen a professional role to that step first."""
    user = request.user
    if isinstance(user, User) and not user.has_completed_profile:
        return reverse("accounts:onboarding")
    return None
