"""Staff cannot reach any staff page until two-factor authentication is on."""

from http import HTTPStatus

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from accounts.mfa import has_mfa, requires_mfa
from accounts.models import Membership
from tests.accounts.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_without_mfa_is_sent_to_set_it_up(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_index")


def test_staff_with_totp_reaches_the_admin(client: Client) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK


def test_learner_pages_are_not_blocked_for_staff_without_mfa(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("accounts:dashboard")).status_code == HTTPStatus.OK


def test_who_requires_mfa() -> None:
    learner = UserFactory()
    facilitator = MembershipFactory(role=Membership.Role.FACILITATOR).user
    agency_learner = MembershipFactory(role=Membership.Role.LEARNER).user
    assert not requires_mfa(learner)
    assert not requires_mfa(agency_learner)
    assert requires_mfa(facilitator)
    assert requires_mfa(UserFactory(is_staff=True))
    assert not has_mfa(facilitator)
