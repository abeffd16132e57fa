"""Sign-up, mandatory verification and the first sign-in, through allauth's real views."""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import OutboxMessage, User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


def _sign_up(client: Client, email: str = "new.person@example.org") -> None:
    response = client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND


def _verification_link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+?(/accounts/confirm-email/\S+?/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_sign_up_requires_verification_before_anything_else(client: Client) -> None:
    _sign_up(client)
    user = User.objects.get(email="new.person@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Steadfast: ")
    # Without verifying, the dashboard is out of reach.
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_verifying_signs_in_queues_the_welcome_email_and_asks_for_a_role(client: Client) -> None:
    _sign_up(client)
    link = _verification_link(mail.outbox[0])
    assert client.get(link).status_code == HTTPStatus.OK  # confirmation needs a POST
    response = client.post(link)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:onboarding")
    user = User.objects.get(email="new.person@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert (
        OutboxMessage.objects.filter(
            task_name="accounts.send_welcome_email", kwargs__user_id=user.pk
        ).count()
        == 1
    )


def test_sign_up_with_an_existing_email_does_not_reveal_the_account(client: Client) -> None:
    existing = UserFactory(email="taken@example.org")
    EmailAddress.objects.create(user=existing, email=existing.email, verified=True, primary=True)
    _sign_up(client, email="TAKEN@example.org")
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    # The owner is told someone tried; the visitor sees the same page as any sign-up.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.org"]


def test_password_reset_email_has_a_neutral_subject(client: Client) -> None:
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Steadfast: ")
    assert "abuse" not in mail.outbox[0].subject.lower()
