"""Shared fixtures. Service and browser fixtures live in tests/services.py and tests/e2e/."""

import pytest
from django.test import Client

from accounts.models import User
from tests.accounts.factories import UserFactory

pytest_plugins = ["tests.services"]


@pytest.fixture(autouse=True)
def _fast_hasher_and_locmem(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def user(db: None) -> User:
    return UserFactory()


@pytest.fixture
def user_client(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
