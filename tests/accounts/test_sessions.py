"""The sessions list keeps live sessions, forgets ended ones, and can sign others out."""

from http import HTTPStatus

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.sessions import list_live_sessions
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in_session(user: User, *, auth_hash: str | None = None) -> UserSession:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[HASH_SESSION_KEY] = auth_hash or user.get_session_auth_hash()
    store.create()
    return UserSession.objects.create(
        user=user,
        session_key=store.session_key,
        ip="192.0.2.10",
        user_agent="Firefox",
        created_at=timezone.now(),
        last_seen_at=timezone.now(),
    )


def test_live_sessions_are_listed_and_ended_ones_forgotten() -> None:
    user = UserFactory()
    live = _signed_in_session(user)
    ended = UserSession.objects.create(
        user=user,
        session_key="gone",
        ip="192.0.2.11",
        user_agent="Safari",
        created_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    stale_password = _signed_in_session(user, auth_hash="from-an-old-password")
    someone_else = _signed_in_session(UserFactory())

    assert list_live_sessions(user=user) == [live]
    assert not UserSession.objects.filter(pk__in=[ended.pk, stale_password.pk]).exists()
    assert UserSession.objects.filter(pk=someone_else.pk).exists()


def test_sessions_page_lists_this_browser_and_signs_out_the_others(client: Client) -> None:
    user = UserFactory()
    other = _signed_in_session(user)
    client.force_login(user)
    UserSession.objects.create(
        user=user,
        session_key=client.session.session_key,
        ip="127.0.0.1",
        user_agent="This browser",
        created_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["session_count"] == 2
    assert "192.0.2.10" in response.text

    response = client.post(reverse("usersessions_list"))
    assert response.status_code == HTTPStatus.FOUND
    assert not SessionStore().exists(other.session_key)
    assert client.get(reverse("accounts:dashboard")).status_code == HTTPStatus.OK
