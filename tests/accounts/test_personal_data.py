"""The export and erasure framework: what a download holds, what erasure removes and
keeps, registered sections, and the guard that no model holding personal data is missed."""

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps
from django.utils import timezone

from accounts import audit, personal_data
from accounts.models import (
    AuditEvent,
    EmailPreference,
    Membership,
    Notification,
    Organisation,
    User,
)
from tests.accounts.factories import (
    EmailPreferenceFactory,
    MembershipFactory,
    NotificationFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TOTP_SECRET = generate_totp_secret()


def _session_for(user: User) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    assert store.session_key is not None
    UserSession.objects.create(
        user=user,
        session_key=store.session_key,
        ip="192.0.2.10",
        user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    )
    return store.session_key


@pytest.fixture
def person() -> User:
    """Someone with a row in every table accounts knows about."""
    user = UserFactory(
        email="sam@example.org",
        display_name="Sam",
        certificate_name="Sam Example",
        time_zone="Europe/Dublin",
        country="IE",
    )
    address = EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    EmailConfirmation.create(address)
    EmailAddress.objects.create(user=user, email="sam.work@example.org", verified=False)
    TOTP.activate(user, TOTP_SECRET)
    RecoveryCodes.activate(user)
    _session_for(user)
    MembershipFactory(user=user, role=Membership.Role.FACILITATOR)
    MembershipFactory(user=user)
    EmailPreferenceFactory(user=user, reminders=False)
    NotificationFactory(user=user)
    audit.record_event(actor=user, action=audit.ACCOUNT_EXPORTED, target=user)
    return user


@pytest.fixture
def fake_section() -> Iterator[list[tuple[str, int]]]:
    calls: list[tuple[str, int]] = []

    def export(user: User) -> list[dict[str, Any]]:
        calls.append(("export", user.pk))
        return [{"hours": Decimal("1.5"), "on": dt.date(2026, 3, 3)}]

    def erase(user: User) -> None:
        calls.append(("erase", user.pk))

    personal_data.register(name="fake", export=export, erase=erase, description="Fake things.")
    yield calls
    personal_data.unregister(name="fake")


# --- Export ------------------------------------------------------------------------------


def test_export_holds_the_account_and_every_row_about_it(person: User) -> None:
    data = personal_data.export_user_data(user=person)

    assert data["format_version"] == personal_data.FORMAT_VERSION
    assert dt.datetime.fromisoformat(data["generated_at"]) <= timezone.now()
    assert data["account"]["email"] == "sam@example.org"
    assert data["account"]["certificate_name"] == "Sam Example"
    assert data["account"]["country"] == "IE"
    assert data["account"]["time_zone"] == "Europe/Dublin"
    assert data["email_addresses"] == [
        {"email": "sam@example.org", "verified": True, "primary": True},
        {"email": "sam.work@example.org", "verified": False, "primary": False},
    ]
    assert sorted(a["type"] for a in data["authenticators"]) == ["recovery_codes", "totp"]
    assert set(data["authenticators"][0]) == {"type", "created_at", "last_used_at"}
    assert data["sessions"] == [
        {
            "ip": "192.0.2.10",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
            "created_at": data["sessions"][0]["created_at"],
            "last_seen_at": data["sessions"][0]["last_seen_at"],
        }
    ]
    assert [m["role"] for m in data["memberships"]] == ["facilitator", "learner"]
    assert all(m["organisation"].startswith("Agency ") for m in data["memberships"])
    assert data["email_preferences"]["reminders"] is False
    assert [n["subject"] for n in data["notifications"]] == [
        "Steadfast: your course is due on 3 March"
    ]
    assert [e["action"] for e in data["audit_events"]] == ["account.exported"]
    assert [e["action"] for e in data["audit_events_about_you"]] == ["account.exported"]
    assert "actor_id" not in data["audit_events_about_you"][0]


def test_export_is_plain_json(person: User) -> None:
    data = personal_data.export_user_data(user=person)
    assert json.loads(json.dumps(data)) == data


def test_export_holds_no_secrets(person: User) -> None:
    text = json.dumps(personal_data.export_user_data(user=person))

    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)
    )
    secrets = [
        TOTP_SECRET,
        totp.data["secret"],
        codes.instance.data["seed"],
        *codes.get_unused_codes(),
        person.password,
        *UserSession.objects.filter(user=person).values_list("session_key", flat=True),
        *EmailConfirmation.objects.filter(email_address__user=person).values_list("key", flat=True),
    ]
    leaked = [secret for secret in secrets if secret and secret in text]
    assert leaked == []


def test_export_holds_no_one_elses_data(person: User) -> None:
    other = UserFactory(email="someone.else@example.org")
    NotificationFactory(user=other, subject="Steadfast: for someone else")
    # Someone else acting on the person's membership: the event is about the person,
    # but who acted is not theirs to see.
    membership = person.memberships.first()
    assert membership is not None
    audit.record_event(
        actor=other,
        action=audit.MEMBERSHIP_ROLE_CHANGED,
        target=membership,
        details={"user_id": person.pk, "old_role": "learner", "new_role": "facilitator"},
    )

    data = personal_data.export_user_data(user=person)
    text = json.dumps(data)

    assert "someone.else" not in text
    assert "for someone else" not in text
    role_change = data["audit_events_about_you"][-1]
    assert role_change["action"] == "membership.role_changed"
    assert "actor_id" not in role_change


def test_export_lists_the_admin_actions_a_staff_member_took_without_naming_the_objects() -> None:
    staff = UserFactory(is_staff=True)
    learner = UserFactory(email="learner@example.org")
    LogEntry.objects.log_actions(
        staff.pk, [learner], CHANGE, change_message="[]", single_object=True
    )
    data = personal_data.export_user_data(user=staff)
    assert data["admin_actions"] == [
        {
            "action_time": data["admin_actions"][0]["action_time"],
            "action": "changed",
            "object_type": "accounts.user",
            "object_id": str(learner.pk),
        }
    ]
    assert "learner@example.org" not in json.dumps(data)


def test_export_includes_registered_sections(
    person: User, fake_section: list[tuple[str, int]]
) -> None:
    data = personal_data.export_user_data(user=person)
    assert fake_section == [("export", person.pk)]
    assert data["fake"] == [{"hours": "1.5", "on": "2026-03-03"}]


def test_export_account_records_the_export(person: User) -> None:
    before = AuditEvent.objects.count()
    data = personal_data.export_account(user=person)
    assert data["account"]["id"] == person.pk
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert (event.action, event.actor_id, event.target_id) == (
        audit.ACCOUNT_EXPORTED,
        person.pk,
        str(person.pk),
    )


def test_export_runs_a_fixed_number_of_queries(
    django_assert_num_queries: Any, person: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # accounts' own part; each app's registered section has its budget in its own tests.
    monkeypatch.setattr(personal_data, "_sections", {})
    for _ in range(10):
        MembershipFactory(user=person)
        NotificationFactory(user=person)
        audit.record_event(actor=person, action=audit.ACCOUNT_EXPORTED, target=person)
    # Groups, email addresses, authenticators, sessions, memberships, preferences,
    # notifications, two audit queries, admin log: the same with 2 or 20 rows each.
    with django_assert_num_queries(10):
        personal_data.export_user_data(user=person)


@pytest.mark.parametrize("name", ["account", "sessions", "fake"])
def test_register_refuses_a_name_already_taken(
    name: str, fake_section: list[tuple[str, int]]
) -> None:
    with pytest.raises(ImproperlyConfigured, match="already exists"):
        personal_data.register(
            name=name, export=lambda user: {}, erase=lambda user: None, description="Things."
        )


# --- Erasure ---------------------------------------------------------------------------


def test_erasure_removes_the_person_and_every_row_about_them(person: User) -> None:
    session_key = UserSession.objects.get(user=person).session_key
    person_id = person.pk

    personal_data.erase_account(user=person, erased_by=person)

    assert not User.objects.filter(pk=person_id).exists()
    for model in (
        EmailAddress,
        Authenticator,
        UserSession,
        Membership,
        EmailPreference,
        Notification,
    ):
        assert not model.objects.filter(user_id=person_id).exists(), model.__name__
    assert not EmailConfirmation.objects.exists()
    assert not import_module(settings.SESSION_ENGINE).SessionStore().exists(session_key)


def test_erasure_keeps_the_audit_log_with_only_the_number(person: User) -> None:
    person_id = person.pk
    earlier = AuditEvent.objects.get(actor_id=person_id)
    staff = UserFactory(is_staff=True)

    personal_data.erase_account(user=person, erased_by=staff)

    # The earlier event is untouched and now points at nobody.
    kept = AuditEvent.objects.get(pk=earlier.pk)
    assert (kept.actor_id, kept.target_id) == (person_id, str(person_id))
    erased = AuditEvent.objects.get(action=audit.ACCOUNT_ERASED)
    assert erased.actor_id == staff.pk
    assert (erased.target_type, erased.target_id) == ("accounts.user", str(person_id))
    assert erased.details == {}
    assert "sam" not in json.dumps([erased.details, kept.details]).lower()


def test_erasure_leaves_other_people_alone(person: User) -> None:
    other = UserFactory()
    organisation = Membership.objects.filter(user=person).first().organisation
    MembershipFactory(user=other, organisation=organisation)
    NotificationFactory(user=other)
    EmailPreferenceFactory(user=other)
    _session_for(other)

    personal_data.erase_account(user=person, erased_by=person)

    assert User.objects.filter(pk=other.pk).exists()
    assert Membership.objects.filter(user=other, organisation=organisation).exists()
    assert Notification.objects.filter(user=other).exists()
    assert EmailPreference.objects.filter(user=other).exists()
    assert UserSession.objects.filter(user=other).exists()


def test_erasure_runs_registered_erasers(person: User, fake_section: list[tuple[str, int]]) -> None:
    person_id = person.pk
    personal_data.erase_account(user=person, erased_by=None)
    assert fake_section == [("erase", person_id)]


def test_erasure_runs_erasers_newest_registration_first(person: User) -> None:
    order: list[str] = []
    for name in ("lower_app", "higher_app"):
        personal_data.register(
            name=name,
            export=lambda user: {},
            erase=lambda user, name=name: order.append(name),
            description="Things.",
        )
    try:
        personal_data.erase_account(user=person, erased_by=None)
    finally:
        personal_data.unregister(name="lower_app")
        personal_data.unregister(name="higher_app")
    assert order == ["higher_app", "lower_app"]


def test_erasure_is_all_or_nothing(person: User) -> None:
    def failing_erase(user: User) -> None:
        Notification.objects.filter(user=user).delete()
        raise RuntimeError("storage is down")

    personal_data.register(
        name="failing", export=lambda user: {}, erase=failing_erase, description="Things."
    )
    try:
        with pytest.raises(RuntimeError):
            personal_data.erase_account(user=person, erased_by=person)
    finally:
        personal_data.unregister(name="failing")

    assert User.objects.filter(pk=person.pk).exists()
    assert Notification.objects.filter(user=person).exists()
    assert not AuditEvent.objects.filter(action=audit.ACCOUNT_ERASED).exists()


def test_erasure_reduces_the_admin_log_to_the_number(person: User) -> None:
    staff = UserFactory(is_staff=True)
    membership = person.memberships.first()
    assert membership is not None
    LogEntry.objects.log_actions(staff.pk, [person], CHANGE, single_object=True)
    LogEntry.objects.log_actions(staff.pk, [membership], CHANGE, single_object=True)
    untouched = LogEntry.objects.log_actions(staff.pk, [staff], CHANGE, single_object=True)
    person_id = person.pk

    personal_data.erase_account(user=person, erased_by=staff)

    reprs = set(LogEntry.objects.exclude(pk=untouched.pk).values_list("object_repr", flat=True))
    assert reprs == {f"erased account {person_id}"}
    assert LogEntry.objects.get(pk=untouched.pk).object_repr == staff.email
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(person_id)
    ).exists()


def test_erasure_removes_a_staff_members_own_admin_history() -> None:
    staff = UserFactory(is_staff=True)
    LogEntry.objects.log_actions(staff.pk, [UserFactory()], CHANGE, single_object=True)
    personal_data.erase_account(user=staff, erased_by=None)
    assert not LogEntry.objects.exists()


# --- The guard -------------------------------------------------------------------------------


def test_every_model_related_to_user_is_covered_by_export_and_erasure() -> None:
    uncovered = [model._meta.label for model in personal_data.find_uncovered_models()]
    assert uncovered == [], (
        f"{', '.join(uncovered)} relate to User but no personal-data section covers them. "
        "Register export and erasure for them with accounts.personal_data.register("
        "name=..., export=..., erase=..., models=[...]) from the app's AppConfig.ready()."
    )


def test_only_the_audit_log_is_retained_on_erasure() -> None:
    assert set(personal_data.RETAINED_ON_ERASURE) == {AuditEvent}


@isolate_apps("tests")
def test_the_guard_names_a_model_no_section_covers() -> None:
    class Diary(models.Model):  # noqa: DJ008
        author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "tests"

    class Badge(models.Model):  # noqa: DJ008
        holder = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "tests"

    class Cohort(models.Model):  # noqa: DJ008
        facilitators = models.ManyToManyField(User, related_name="+")

        class Meta:
            app_label = "tests"

    class Course(models.Model):  # noqa: DJ008
        title = models.CharField(max_length=10)

        class Meta:
            app_label = "tests"

    candidates = [Diary, Badge, Cohort, Course, Membership, AuditEvent, EmailAddress]
    assert personal_data.find_uncovered_models(candidates) == [Badge, Cohort, Diary]

    personal_data.register(
        name="diary",
        export=lambda user: [],
        erase=lambda user: None,
        models=[Diary, Badge, Cohort],
        description="Diaries, badges and cohorts.",
    )
    try:
        assert personal_data.find_uncovered_models(candidates) == []
    finally:
        personal_data.unregister(name="diary")


def test_the_built_in_keys_match_the_export(person: User) -> None:
    sections = {section.name for section in personal_data.registered_sections()}
    keys = set(personal_data.export_user_data(user=person))
    assert keys - sections == personal_data.BUILT_IN_KEYS


def test_erasing_a_member_keeps_the_organisation() -> None:
    membership = MembershipFactory(organisation=OrganisationFactory(name="North Agency"))
    personal_data.erase_account(user=membership.user, erased_by=None)
    assert Organisation.objects.filter(name="North Agency").exists()
