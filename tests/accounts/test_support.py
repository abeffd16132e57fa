"""The support page: open to everyone, the learner's country first, agencies' own
services only for their members, and honest when the directory is empty."""

import datetime
from http import HTTPStatus

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from accounts.models import SupportService
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHECKED = datetime.date(2026, 11, 1)


def _service(name: str, **fields: object) -> SupportService:
    fields.setdefault("url", "https://support.example.org/")
    return SupportService.objects.create(
        name=name, description="Confidential listening.", checked_on=CHECKED, **fields
    )


def test_support_is_open_without_signing_in_and_says_so_when_no_service_is_listed(
    client: Client,
) -> None:
    response = client.get(reverse("support"))
    assert response.status_code == HTTPStatus.OK
    assert "No services have been listed here yet" in response.text
    assert "employee assistance programme" in response.text


def test_the_learners_country_comes_first_then_services_for_any_country(client: Client) -> None:
    _service("Canada line", country="CA")
    _service("Anywhere chat")
    _service("Irish line", country="IE")
    client.force_login(UserFactory(country="IE"))
    response = client.get(reverse("support"))
    names = [service.name for service in response.context["services"]]
    assert names == ["Irish line", "Anywhere chat", "Canada line"]


def test_an_agencys_own_service_is_shown_only_to_its_members(client: Client) -> None:
    agency = OrganisationFactory()
    _service("Agency EAP", organisation=agency)
    _service("Public line")
    member = MembershipFactory(organisation=agency).user
    client.force_login(UserFactory())
    assert [s.name for s in client.get(reverse("support")).context["services"]] == ["Public line"]
    client.force_login(member)
    assert {s.name for s in client.get(reverse("support")).context["services"]} == {
        "Agency EAP",
        "Public line",
    }


def test_hidden_services_are_not_listed(client: Client) -> None:
    _service("Retired line", is_active=False)
    assert list(client.get(reverse("support")).context["services"]) == []


def test_a_service_needs_a_phone_or_a_web_address() -> None:
    with pytest.raises(IntegrityError):
        SupportService.objects.create(
            name="Nowhere", description="-", url="", phone="", checked_on=CHECKED
        )


@pytest.mark.parametrize("count", [2, 20])
def test_support_page_query_budget(
    client: Client, django_assert_num_queries: object, count: int
) -> None:
    agency = OrganisationFactory()
    for i in range(count):
        _service(
            f"Service {i}",
            country="GB" if i % 2 else "",
            organisation=agency if i % 3 == 0 else None,
        )
    user = MembershipFactory(organisation=agency).user
    client.force_login(user)
    # Session, user, services with their organisations.
    with django_assert_num_queries(3):  # type: ignore[operator]
        response = client.get(reverse("support"))
    assert len(response.context["services"]) == count
