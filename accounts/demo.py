"""Demo accounts for `make run` on a developer's machine, never for production."""

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import DEMO_EMAIL_DOMAIN, User


class DemoUsersRefused(Exception):
    """Raised when demo accounts are requested where they must not exist."""


@dataclass(frozen=True)
class DemoCredential:
    label: str
    email: str
    password: str


DEMO_ACCOUNTS = (
    ("learner", f"learner@{DEMO_EMAIL_DOMAIN}", False),
    ("staff", f"staff@{DEMO_EMAIL_DOMAIN}", True),
)


@transaction.atomic
def create_demo_users() -> list[DemoCredential]:
    """Create (or reset) the demo learner and staff user with fresh random passwords."""
    if not settings.DEBUG:
        # Printed passwords are fine on a laptop and unacceptable anywhere else.
        raise DemoUsersRefused("Demo accounts are only created with DJANGO_DEBUG=1.")
    credentials = []
    for label, email, is_staff in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        user, _created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": f"Demo {label}",
                "is_staff": is_staff,
                "is_superuser": is_staff,
                "professional_role": User.ProfessionalRole.OTHER,
                "country": "GB",
                "profile_completed_at": timezone.now(),
            },
        )
        user.is_demo = True
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        credentials.append(DemoCredential(label=label, email=email, password=password))
    return credentials


@transaction.atomic
def delete_demo_users() -> int:
    """Delete every demo account; return how many there were."""
    count, _ = User.objects.filter(is_demo=True).delete()
    return count
