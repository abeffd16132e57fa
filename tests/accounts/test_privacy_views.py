"""The person's own data pages: download it, delete the account, the page after."""

import json
import zoneinfo
from http import HTTPStatus
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Membership, User
from tests.accounts.factories import MembershipFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
UNTICKED_ERROR = "Tick the box to confirm that you understand your account cannot be restored once it is deleted."


def _reauthenticate(client: Client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("accounts:export", "get"),
        ("accounts:export", "post"),
        ("accounts:delete", "get"),
        ("accounts:delete", "post"),
    ],
)
def test_pages_need_a_signed_in_user(client: Client, name: str, method: str) -> None:
    response = getattr(client, method)(reverse(name))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


# --- Export -----------------------------------------------------------------------------


@pytest.mark.parametrize("memberships", [2, 20])
def test_export_page_explains_the_download(
    user_client: Client, user: User, django_assert_num_queries: Any, memberships: int
) -> None:
    MembershipFactory.create_batch(memberships, user=user)
    # Session and user. No query depends on how much data the person has.
    with django_assert_num_queries(2):
        response = user_client.get(reverse("accounts:export"))
    assert response.status_code == HTTPStatus.OK
    assert "What the file contains" in response.text
    assert 'method="post"' in response.text
    assert response["Cache-Control"].startswith("max-age=0")


def test_export_downloads_the_data_as_an_attachment(user_client: Client, user: User) -> None:
    response = user_client.post(reverse("accounts:export"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(user.time_zone))
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="steadfast-data-{today.isoformat()}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["format_version"] == 1


def test_export_is_recorded_in_the_audit_log(user_client: Client, user: User) -> None:
    user_client.post(reverse("accounts:export"))
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        audit.ACCOUNT_EXPORTED,
        user.pk,
        "accounts.user",
        str(user.pk),
    )


def test_export_does_not_need_a_completed_profile(client: Client) -> None:
    client.force_login(UserFactory(profile_completed_at=None, professional_role=""))
    assert client.post(reverse("accounts:export")).status_code == HTTPStatus.OK


def test_export_runs_the_same_queries_with_2_or_20_rows(user_client: Client, user: User) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert user_client.post(reverse("accounts:export")).status_code == HTTPStatus.OK
        return len(queries)

    # The first request records the session with allauth; count from the second.
    user_client.get(reverse("accounts:export"))
    for _ in range(2):
        MembershipFactory(user=user)
        NotificationFactory(user=user)
    few = count()
    for _ in range(18):
        MembershipFactory(user=user)
        NotificationFactory(user=user)
    assert count() == few


# --- Deletion ---------------------------------------------------------------------------


@pytest.mark.parametrize("memberships", [2, 20])
def test_delete_page_explains_what_goes_and_what_stays_without_a_password(
    user_client: Client, user: User, django_assert_num_queries: Any, memberships: int
) -> None:
    MembershipFactory.create_batch(memberships, user=user)
    with django_assert_num_queries(2):
        response = user_client.get(reverse("accounts:delete"))
    assert response.status_code == HTTPStatus.OK
    assert "What we delete" in response.text
    assert "What stays, without your name" in response.text
    assert 'type="checkbox" name="confirm"' in response.text
    assert UNTICKED_ERROR not in response.text


def test_delete_asks_for_the_password_again_before_deleting(
    user_client: Client, user: User
) -> None:
    response = user_client.post(reverse("accounts:delete"), {"confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_without_the_box_ticked_shows_why_and_deletes_nothing(
    user_client: Client, user: User
) -> None:
    _reauthenticate(user_client)
    response = user_client.post(reverse("accounts:delete"), {})
    assert response.status_code == HTTPStatus.OK
    assert UNTICKED_ERROR in response.text
    assert 'aria-invalid="true"' in response.text
    assert User.objects.filter(pk=user.pk).exists()
    assert not AuditEvent.objects.filter(action=audit.ACCOUNT_ERASED).exists()


def test_delete_erases_the_account_and_signs_out(user_client: Client, user: User) -> None:
    MembershipFactory(user=user, role=Membership.Role.ADMIN)
    user_id = user.pk
    _reauthenticate(user_client)

    response = user_client.post(reverse("accounts:delete"), {"confirm": "on"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:deleted")
    assert not User.objects.filter(pk=user_id).exists()
    assert not Membership.objects.filter(user_id=user_id).exists()
    event = AuditEvent.objects.get(action=audit.ACCOUNT_ERASED)
    assert (event.actor_id, event.target_id) == (user_id, str(user_id))
    # Signed out: a page that needs an account now asks to sign in.
    settings_response = user_client.get(reverse("accounts:settings"))
    assert settings_response["Location"].startswith(reverse("account_login"))


def test_delete_goes_ahead_after_the_password_is_confirmed(user_client: Client, user: User) -> None:
    # allauth keeps the confirmed POST while it asks for the password, then replays it.
    delete_url = reverse("accounts:delete")
    first = user_client.post(delete_url, {"confirm": "on"})
    assert first.status_code == HTTPStatus.FOUND

    response = user_client.post(first["Location"], {"password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:deleted")
    assert not User.objects.filter(pk=user.pk).exists()


def test_deleted_page_is_calm_and_public(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get(reverse("accounts:deleted"))
    assert response.status_code == HTTPStatus.OK
    assert "Your account is deleted" in response.text
