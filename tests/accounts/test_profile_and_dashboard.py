"""The profile step after verification, the dashboard, and account settings."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts import dashboard
from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["accounts:dashboard", "accounts:onboarding", "accounts:settings"])
def test_pages_need_a_signed_in_user(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_sends_a_new_user_to_the_profile_step_first(client: Client) -> None:
    client.force_login(UserFactory(profile_completed_at=None, professional_role=""))
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:onboarding")


def test_profile_step_saves_role_and_country_and_lands_on_the_dashboard(client: Client) -> None:
    user = UserFactory(profile_completed_at=None, professional_role="", country="")
    client.force_login(user)
    response = client.post(
        reverse("accounts:onboarding"), {"professional_role": "prosecutor", "country": "IE"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:dashboard")
    user.refresh_from_db()
    assert user.professional_role == User.ProfessionalRole.PROSECUTOR
    assert user.country.code == "IE"
    assert user.profile_completed_at is not None


def test_profile_step_rejects_a_missing_role_with_a_specific_error_and_saves_nothing(
    client: Client,
) -> None:
    user = UserFactory(profile_completed_at=None, professional_role="", country="")
    client.force_login(user)
    response = client.post(
        reverse("accounts:onboarding"), {"professional_role": "", "country": "FR"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "Choose the role closest to your work" in response.content.decode()
    user.refresh_from_db()
    assert user.profile_completed_at is None
    assert user.country == ""


def test_profile_step_rejects_an_unknown_role(client: Client) -> None:
    user = UserFactory(profile_completed_at=None, professional_role="")
    client.force_login(user)
    response = client.post(
        reverse("accounts:onboarding"), {"professional_role": "wizard", "country": "FR"}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["professional_role"]
    user.refresh_from_db()
    assert user.professional_role == ""


def test_completing_the_profile_again_keeps_the_first_completion_time(client: Client) -> None:
    user = UserFactory()
    first = user.profile_completed_at
    client.force_login(user)
    client.post(reverse("accounts:onboarding"), {"professional_role": "other", "country": "NZ"})
    user.refresh_from_db()
    assert user.profile_completed_at == first
    assert user.professional_role == "other"


def test_dashboard_greets_the_learner_and_suggests_two_factor(client: Client) -> None:
    client.force_login(UserFactory(display_name="Sam"))
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Sam" in body
    assert reverse("mfa_index") in body


@pytest.mark.parametrize("extra_users", [2, 20])
def test_dashboard_query_budget_does_not_grow_with_other_users(
    client: Client,
    django_assert_num_queries: object,
    extra_users: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # accounts' own part; panels registered by other apps have budgets in their own tests.
    monkeypatch.setattr(dashboard, "_panels", {})
    UserFactory.create_batch(extra_users)
    client.force_login(UserFactory())
    # session, user, MFA authenticators
    with django_assert_num_queries(3):  # type: ignore[operator]
        response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == HTTPStatus.OK


def test_settings_saves_names_and_time_zone(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": "Ari",
            "certificate_name": "Ariadne Example",
            "time_zone": "Europe/Dublin",
            "language": "en-gb",
            "professional_role": "therapist",
            "country": "IE",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert (user.display_name, user.certificate_name, user.time_zone) == (
        "Ari",
        "Ariadne Example",
        "Europe/Dublin",
    )


def test_settings_rejects_an_unknown_time_zone_and_changes_nothing(client: Client) -> None:
    user = UserFactory(time_zone="UTC")
    client.force_login(user)
    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": "X",
            "time_zone": "Mars/Olympus",
            "language": "en-gb",
            "professional_role": "other",
            "country": "GB",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["time_zone"]
    user.refresh_from_db()
    assert user.time_zone == "UTC"
    assert user.display_name != "X"
