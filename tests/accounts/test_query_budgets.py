"""Every signed-in page has a fixed query budget: the same count whether the person has
2 or 20 of everything a page might list (DESIGN.md §7)."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import dashboard
from accounts.models import User
from tests.accounts.factories import MembershipFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

# Page name -> queries. The first two are always the session and the user.
BUDGETS = {
    "accounts:dashboard": 3,  # + the second-factor check
    "accounts:onboarding": 2,
    "accounts:settings": 3,  # + the second-factor check
    "accounts:email_preferences": 3,  # + the preference row
    "accounts:export": 2,
    # allauth's own page reads the addresses three times and checks the primary once:
    # wasteful, but fixed.
    "account_email": 6,
    "account_change_password": 2,
    "mfa_index": 4,  # + the authenticators, and whether there are any
    "usersessions_list": 5,  # + the records, their session rows, removing ended ones
}


def _person_with(size: int) -> User:
    user = UserFactory()
    TOTP.activate(user, generate_totp_secret())
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=f"alias{i}.{user.pk}@example.org", verified=False)
        for i in range(size)
    )
    UserSession.objects.bulk_create(
        UserSession(
            user=user,
            session_key=f"s{user.pk}x{i}",
            ip="192.0.2.1",
            user_agent="Test",
            created_at=timezone.now(),
            last_seen_at=timezone.now(),
        )
        for i in range(size)
    )
    MembershipFactory.create_batch(size, user=user)
    NotificationFactory.create_batch(size, user=user)
    return user


@pytest.mark.parametrize("name", sorted(BUDGETS))
@pytest.mark.parametrize("size", [2, 20])
def test_signed_in_page_query_budget(
    client: Client,
    django_assert_num_queries: object,
    name: str,
    size: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # accounts' own pages; the dashboard panels other apps register (accounts/dashboard.py)
    # have budgets in those apps' tests (tests/courses/test_query_budgets.py).
    monkeypatch.setattr(dashboard, "_panels", {})
    user = _person_with(size)
    client.force_login(user)
    # A sign-in within the last few minutes, so allauth shows the pages that would
    # otherwise ask for the password again.
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": timezone.now().timestamp()}
    ]
    session.save()
    with django_assert_num_queries(BUDGETS[name]):  # type: ignore[operator]
        response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK, response.get("Location")
