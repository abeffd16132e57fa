"""The email-choices page and the one-click unsubscribe endpoint, at their edges."""

import json
from http import HTTPStatus

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts import notifications
from accounts.models import EmailPreference, User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("accounts:email_preferences")


def reminders_on(user: User) -> bool:
    return notifications.wants_reminders(user=user)


def unsubscribe_url(user: User, category: str = "reminder") -> str:
    token = notifications.make_unsubscribe_token(user=user, category=category)
    return reverse("accounts:unsubscribe", kwargs={"token": token})


# --- Email choices -----------------------------------------------------------------------


def test_email_choices_need_a_signed_in_person(client: Client) -> None:
    response = client.get(PREFERENCES)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('account_login')}?next={PREFERENCES}"


def test_email_choices_show_reminders_on_until_switched_off(
    user_client: Client, user: User
) -> None:
    response = user_client.get(PREFERENCES)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"]["reminders"].value() is True
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "<legend>Reminders</legend>" in content
    assert "cannot be switched off" in content
    assert 'style="' not in content
    # Looking is not choosing: nothing is written until the person saves.
    assert not EmailPreference.objects.filter(user=user).exists()


def test_email_choices_switch_reminders_off_and_on(user_client: Client, user: User) -> None:
    response = user_client.post(PREFERENCES, {})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == PREFERENCES
    assert reminders_on(user) is False
    page = user_client.get(PREFERENCES)
    assert page.context["form"]["reminders"].value() is False
    assert "Your email choices are saved." in page.content.decode()

    user_client.post(PREFERENCES, {"reminders": "on"})

    assert reminders_on(user) is True
    assert EmailPreference.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("saved", [False, True])
def test_email_choices_page_query_count(
    client: Client,
    user: User,
    django_assert_num_queries: object,
    settings: object,
    saved: bool,
) -> None:
    client.force_login(user)
    if saved:
        EmailPreference.objects.create(user=user, reminders=False)
    # Session, user, and the preference; the same whether or not a choice was saved.
    with django_assert_num_queries(3):  # type: ignore[operator]
        response = client.get(PREFERENCES)
    assert response.status_code == HTTPStatus.OK


# --- One-click unsubscribe ---------------------------------------------------------------


def test_unsubscribe_link_asks_before_acting(client: Client, user: User) -> None:
    response = client.get(unsubscribe_url(user))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert 'name="confirm" value="yes"' in content
    assert content.count("<h1") == 1
    # Whoever holds a forwarded email sees no one's address.
    assert user.email not in content
    assert reminders_on(user) is True
    assert "no-cache" in response["Cache-Control"]


def test_unsubscribe_form_switches_reminders_off(client: Client, user: User) -> None:
    response = client.post(unsubscribe_url(user), {"confirm": "yes"})

    assert response.status_code == HTTPStatus.OK
    assert "Reminder emails stopped" in response.content.decode()
    assert reminders_on(user) is False


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_one_click_post_unsubscribes_without_session_or_csrf_token(
    user: User, encoding: str
) -> None:
    # A mail provider's POST: no cookies, no CSRF token, only the RFC 8058 body.
    client = Client(enforce_csrf_checks=True)
    url = unsubscribe_url(user)
    if encoding == "urlencoded":
        response = client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == HTTPStatus.OK
    assert reminders_on(user) is False


def test_other_people_keep_their_reminders(client: Client, user: User) -> None:
    other = UserFactory()

    client.post(unsubscribe_url(user), {"List-Unsubscribe": "One-Click"})

    assert reminders_on(other) is True


def test_unsubscribe_post_without_a_recognised_body_changes_nothing(
    client: Client, user: User
) -> None:
    response = client.post(unsubscribe_url(user), {"List-Unsubscribe": "Yes-Please"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert reminders_on(user) is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_unsubscribe_link_is_refused(client: Client, user: User, method: str) -> None:
    token = notifications.make_unsubscribe_token(user=user, category="reminder")
    other = UserFactory()
    # A valid token's payload pointed at someone else, keeping the old signature.
    payload, timestamp, signature = token.split(":")
    assert json.loads(signing.b64_decode(payload.encode())) == {"u": user.pk, "c": "reminder"}
    other_payload = signing.b64_encode(json.dumps({"u": other.pk, "c": "reminder"}).encode())
    forged = f"{other_payload.decode()}:{timestamp}:{signature}"
    assert forged != token
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        url = reverse("accounts:unsubscribe", kwargs={"token": bad})
        response = getattr(client, method)(url, {"List-Unsubscribe": "One-Click"})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "This link does not work" in response.content.decode()
    assert reminders_on(user) is True
    assert reminders_on(other) is True


def test_a_transactional_unsubscribe_link_is_refused(client: Client, user: User) -> None:
    response = client.post(
        unsubscribe_url(user, "transactional"), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert reminders_on(user) is True
