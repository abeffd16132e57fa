"""The admin site for accounts: every list opens with a fixed number of queries, the
logs are read-only, and the privileged changes it allows leave an audit event."""

from collections.abc import Callable
from http import HTTPStatus

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from accounts import audit
from accounts.models import AuditEvent, Membership, User
from tests.accounts.factories import (
    AuditEventFactory,
    EmailPreferenceFactory,
    MembershipFactory,
    NotificationFactory,
    OrganisationFactory,
    OutboxMessageFactory,
    UserFactory,
)
from tests.helpers import assert_page_queries_do_not_grow

pytestmark = pytest.mark.django_db


ROWS: dict[str, Callable[[], object]] = {
    "user": UserFactory,
    "organisation": OrganisationFactory,
    "membership": MembershipFactory,
    "auditevent": AuditEventFactory,
    "notification": NotificationFactory,
    "outboxmessage": OutboxMessageFactory,
    "emailpreference": EmailPreferenceFactory,
}


@pytest.mark.parametrize("model", ROWS)
def test_each_changelist_opens_with_the_same_queries_for_2_or_20_rows(
    staff_client: Client, model: str
) -> None:
    assert_page_queries_do_not_grow(
        staff_client, reverse(f"admin:accounts_{model}_changelist"), ROWS[model]
    )


@pytest.mark.parametrize("model", ROWS)
def test_each_change_page_opens(staff_client: Client, model: str) -> None:
    row = ROWS[model]()
    response = staff_client.get(reverse(f"admin:accounts_{model}_change", args=[row.pk]))  # type: ignore[attr-defined]
    assert response.status_code == HTTPStatus.OK


def test_staff_without_a_second_factor_cannot_open_the_admin(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:accounts_auditevent_changelist"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_index")


# --- The audit log is read-only -----------------------------------------------------------


def test_audit_log_cannot_be_added_to_changed_or_deleted_in_the_admin(staff_client: Client) -> None:
    event = AuditEventFactory()

    assert (
        staff_client.get(reverse("admin:accounts_auditevent_add")).status_code
        == HTTPStatus.FORBIDDEN
    )
    delete_url = reverse("admin:accounts_auditevent_delete", args=[event.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    change_url = reverse("admin:accounts_auditevent_change", args=[event.pk])
    assert staff_client.post(change_url, {"action": "tampered"}).status_code == HTTPStatus.FORBIDDEN
    changelist = staff_client.get(reverse("admin:accounts_auditevent_changelist"))
    assert "delete_selected" not in changelist.text
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_audit_log_shows_an_erased_actor_by_number(staff_client: Client) -> None:
    AuditEvent.objects.create(actor_id=987654, action=audit.ACCOUNT_EXPORTED)
    response = staff_client.get(reverse("admin:accounts_auditevent_changelist"))
    assert "#987654 (erased)" in response.text


def test_audit_log_can_be_filtered_by_action(staff_client: Client) -> None:
    AuditEventFactory(action=audit.ACCOUNT_EXPORTED)
    AuditEvent.objects.create(
        action=audit.ACCOUNT_ERASED, target_type="accounts.user", target_id="424242"
    )
    url = reverse("admin:accounts_auditevent_changelist")
    response = staff_client.get(url, {"action": audit.ACCOUNT_ERASED})
    assert response.status_code == HTTPStatus.OK
    assert "424242" in response.text
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("model", ["notification", "outboxmessage"])
def test_logs_are_read_only(staff_client: Client, model: str) -> None:
    assert (
        staff_client.get(reverse(f"admin:accounts_{model}_add")).status_code == HTTPStatus.FORBIDDEN
    )


# --- Privileged changes leave an audit event ------------------------------------------------


def test_changing_a_role_records_who_changed_it_from_what_to_what(
    staff_client: Client, staff: User
) -> None:
    membership = MembershipFactory(role=Membership.Role.LEARNER)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])

    response = staff_client.post(url, {"role": Membership.Role.ADMIN})

    assert response.status_code == HTTPStatus.FOUND
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN
    event = AuditEvent.objects.get(action=audit.MEMBERSHIP_ROLE_CHANGED)
    assert event.actor_id == staff.pk
    assert (event.target_type, event.target_id) == ("accounts.membership", str(membership.pk))
    assert event.organisation_id == membership.organisation_id
    assert event.details == {
        "user_id": membership.user_id,
        "old_role": "learner",
        "new_role": "admin",
    }


def test_saving_a_membership_without_changing_the_role_records_nothing(
    staff_client: Client,
) -> None:
    membership = MembershipFactory(role=Membership.Role.FACILITATOR)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    assert (
        staff_client.post(url, {"role": Membership.Role.FACILITATOR}).status_code
        == HTTPStatus.FOUND
    )
    assert not AuditEvent.objects.exists()


def test_a_membership_cannot_be_moved_to_someone_else(staff_client: Client) -> None:
    membership = MembershipFactory()
    other = UserFactory()
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    response = staff_client.post(url, {"role": membership.role, "user": other.pk})
    assert response.status_code == HTTPStatus.FOUND
    membership.refresh_from_db()
    assert membership.user_id != other.pk


def test_granting_and_removing_a_membership_are_recorded(staff_client: Client) -> None:
    person = UserFactory()
    organisation = OrganisationFactory()

    response = staff_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": person.pk, "organisation": organisation.pk, "role": Membership.Role.FACILITATOR},
    )
    assert response.status_code == HTTPStatus.FOUND
    membership = Membership.objects.get(user=person)
    staff_client.post(
        reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert not Membership.objects.filter(user=person).exists()
    changes = [
        (event.details["old_role"], event.details["new_role"])
        for event in AuditEvent.objects.filter(action=audit.MEMBERSHIP_ROLE_CHANGED).order_by("id")
    ]
    assert changes == [(None, "facilitator"), ("facilitator", None)]


# --- People ------------------------------------------------------------------------------------


def test_staff_can_add_a_person_by_email(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.ORG",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    person = User.objects.get(email__iexact="new.person@example.org")
    assert person.check_password("a long enough passphrase")
    assert not person.is_staff


def test_privileges_and_the_profile_are_read_only_in_the_admin(staff_client: Client) -> None:
    person = UserFactory(professional_role=User.ProfessionalRole.THERAPIST)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = staff_client.post(
        url,
        {
            "email": "changed@example.org",
            "display_name": "Renamed",
            "time_zone": "UTC",
            "language": "en-gb",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "professional_role": User.ProfessionalRole.PROSECUTOR,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert person.display_name == "Renamed"
    assert (person.is_staff, person.is_superuser) == (False, False)
    assert person.professional_role == User.ProfessionalRole.THERAPIST
    assert person.email != "changed@example.org"


def test_deleting_a_person_in_the_admin_erases_the_account(
    staff_client: Client, staff: User
) -> None:
    person = UserFactory(email="leaving@example.org")
    MembershipFactory(user=person)
    # A row in a read-only log must not stand in the way of erasure.
    NotificationFactory(user=person)
    person_id = person.pk

    response = staff_client.post(
        reverse("admin:accounts_user_delete", args=[person_id]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=person_id).exists()
    event = AuditEvent.objects.get(action=audit.ACCOUNT_ERASED)
    assert (event.actor_id, event.target_id) == (staff.pk, str(person_id))
    # The admin's own history of the deletion keeps the number, not the address.
    assert not LogEntry.objects.filter(object_repr__icontains="leaving@example.org").exists()
