"""Rate limits are on, and with a trusted proxy they key on the real client address."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fail_login(client: Client, email: str, **headers: str) -> int:
    response = client.post(
        reverse("account_login"), {"login": email, "password": "wrong password"}, **headers
    )
    return response.status_code


def test_repeated_failed_logins_for_one_account_are_refused(client: Client) -> None:
    user = UserFactory()
    for _ in range(5):
        assert _fail_login(client, user.email) == HTTPStatus.OK
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery staple"}
    )
    # Even the right password is refused while the account's failure limit holds.
    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_behind_a_trusted_proxy_limits_follow_the_forwarded_client_address(
    client: Client, settings: object
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    # Thirty login attempts a minute per address: one client exhausts its own allowance...
    statuses = [
        _fail_login(client, f"nobody{i}@example.org", HTTP_X_FORWARDED_FOR="203.0.113.7")
        for i in range(31)
    ]
    assert statuses[:30] == [HTTPStatus.OK] * 30
    assert statuses[30] == HTTPStatus.TOO_MANY_REQUESTS
    # ...while another client behind the same proxy is unaffected.
    assert (
        _fail_login(client, "someone@example.org", HTTP_X_FORWARDED_FOR="198.51.100.9")
        == HTTPStatus.OK
    )
