"""Shared fixtures. Service and browser fixtures live in tests/service_fixtures.py and tests/e2e/."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from config.memo import clear_local_memos
from tests.accounts.factories import UserFactory

pytest_plugins = ["tests.service_fixtures"]


@pytest.fixture(autouse=True)
def _test_settings(settings: object) -> None:
    # A fast hasher: tests make many users and never need a slow hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # The test client and live server speak plain HTTP; production redirects to HTTPS.
    settings.SECURE_SSL_REDIRECT = False  # type: ignore[attr-defined]
    # Query budgets count database queries; with REDIS_URL set, cached_db sessions would
    # make the count depend on whether the session happened to be cached.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"  # type: ignore[attr-defined]
    # Templates resolve {% static %} without a collectstatic manifest.
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters live in the cache; one test's sign-ups must not limit the next.
    # Process-local memos go with it: a rebuilt test database can reuse their keys.
    cache.clear()
    clear_local_memos()


@pytest.fixture
def user(db: None) -> User:
    return UserFactory()


@pytest.fixture
def user_client(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def staff(db: None) -> User:
    user = UserFactory(is_staff=True, is_superuser=True)
    # Staff reach the admin only with a second factor (StaffMFAMiddleware).
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def staff_client(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client
