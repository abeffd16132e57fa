"""The audit log: one way in (`record_event`), and no way to change or remove a row,
neither through the ORM nor, with migration 0002's triggers, through SQL."""

import importlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts import audit
from accounts.models import AuditEvent, Organisation, User
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("accounts.migrations.0002_auditevent_append_only")
TRIGGERS = {"accounts_auditevent_no_update", "accounts_auditevent_no_delete"}


@pytest.fixture
def event() -> AuditEvent:
    user = UserFactory()
    return audit.record_event(actor=user, action=audit.ACCOUNT_EXPORTED, target=user)


# --- record_event ------------------------------------------------------------------------


def test_record_event_names_the_target_by_label_and_id() -> None:
    staff = UserFactory(is_staff=True)
    membership = MembershipFactory()
    event = audit.record_event(
        actor=staff,
        action=audit.MEMBERSHIP_ROLE_CHANGED,
        target=membership,
        organisation=membership.organisation,
        details={"user_id": membership.user_id, "old_role": "learner", "new_role": "admin"},
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id == staff.pk
    assert (event.target_type, event.target_id) == ("accounts.membership", str(membership.pk))
    assert event.organisation_id == membership.organisation_id
    assert event.details == {
        "user_id": membership.user_id,
        "old_role": "learner",
        "new_role": "admin",
    }


def test_record_event_without_actor_or_target() -> None:
    event = audit.record_event(actor=None, action=audit.ACCOUNT_ERASED)
    assert (event.actor_id, event.target_type, event.target_id, event.details) == (None, "", "", {})


def test_record_event_refuses_an_action_outside_the_vocabulary() -> None:
    with pytest.raises(ValueError, match="not an audit action"):
        audit.record_event(actor=None, action="membership.rolechanged")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"name": "Alex Example"}, "no detail keys"),
        ({"page": {"nested": 1}}, "must be an id, code or number"),
        ({"page": "x" * 101}, "too long"),
    ],
)
def test_record_event_refuses_details_that_could_hold_prose(
    details: dict[str, Any], message: str
) -> None:
    organisation = OrganisationFactory()
    with pytest.raises(ValueError, match=message):
        audit.record_event(
            actor=None,
            action=audit.STAFF_READ_ORGANISATION,
            target=organisation,
            details=details,
        )


def test_record_event_refuses_an_unsaved_target() -> None:
    with pytest.raises(ValueError, match="saved first"):
        audit.record_event(actor=None, action=audit.ACCOUNT_EXPORTED, target=User(email="x@y.z"))


def test_every_action_in_the_vocabulary_is_a_dotted_name_that_fits_the_column() -> None:
    max_length = AuditEvent._meta.get_field("action").max_length
    assert max_length is not None
    for action in audit.DETAIL_KEYS:
        subject, _, verb = action.partition(".")
        assert subject and verb and len(action) <= max_length, action


# --- append-only through the ORM ------------------------------------------------------------


def test_saving_an_existing_event_again_is_refused(event: AuditEvent) -> None:
    event.action = audit.ACCOUNT_ERASED
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.get(pk=event.pk).save(update_fields=["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == audit.ACCOUNT_EXPORTED


def test_deleting_an_event_is_refused(event: AuditEvent) -> None:
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action=audit.ACCOUNT_ERASED)
    # bulk_update opens its own atomic block; a savepoint keeps the test's usable.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == audit.ACCOUNT_EXPORTED


@pytest.mark.parametrize("scope", ["all", "filtered"])
def test_queryset_delete_is_refused(event: AuditEvent, scope: str) -> None:
    queryset = AuditEvent.objects.all()
    if scope == "filtered":
        queryset = queryset.filter(pk=event.pk)
    with pytest.raises(TypeError, match="append-only"):
        queryset.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- append-only in the database ---------------------------------------------------------------


class _Editor:
    """Just enough of a schema editor to run the migration's own functions inside the
    test's transaction (a real SQLite schema editor refuses to open inside one)."""

    connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.fixture
def triggers(db: None) -> Iterator[None]:
    # The test database is built without migrations (pyproject.toml), so this installs
    # migration 0002's triggers for one test; the test's rollback removes them.
    MIGRATION.install_triggers(None, _Editor())
    yield


def _refused(sql: str, params: list[Any]) -> DatabaseError:
    # Each attempt in its own savepoint: on PostgreSQL an error aborts the transaction.
    with (
        pytest.raises(DatabaseError) as excinfo,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return excinfo.value


@pytest.mark.usefixtures("triggers")
@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("UPDATE accounts_auditevent SET action = %s WHERE id = %s", ["tampered"]),
        ("UPDATE accounts_auditevent SET details = %s WHERE id = %s", ["{}"]),
        ("DELETE FROM accounts_auditevent WHERE id = %s", []),
        ("DELETE FROM accounts_auditevent", None),
    ],
)
def test_database_refuses_raw_update_and_delete(
    event: AuditEvent, sql: str, params: list[Any] | None
) -> None:
    error = _refused(sql, [*params, event.pk] if params is not None else [])
    assert isinstance(error, IntegrityError)
    assert "append-only" in str(error)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.details) == (audit.ACCOUNT_EXPORTED, {})


@pytest.mark.usefixtures("triggers")
def test_database_refuses_an_update_that_goes_around_the_queryset(event: AuditEvent) -> None:
    # The base manager is a plain Manager: only the trigger stands in its way.
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).update(action="tampered")
    # save() always inserts, so a forged event with an existing id hits the primary key.
    with pytest.raises(IntegrityError, match=r"UNIQUE|duplicate key"), transaction.atomic():
        AuditEvent(pk=event.pk, action="tampered", created_at=event.created_at).save()
    assert AuditEvent.objects.get(pk=event.pk).action == audit.ACCOUNT_EXPORTED


@pytest.mark.usefixtures("triggers")
def test_database_still_accepts_new_events() -> None:
    organisation: Organisation = OrganisationFactory()
    audit.record_event(
        actor=UserFactory(is_staff=True),
        action=audit.STAFF_READ_ORGANISATION,
        target=organisation,
        organisation=organisation,
        details={"page": "courses:cohort_dashboard"},
    )
    assert AuditEvent.objects.count() == 1


def test_removing_the_triggers_allows_changes_again(event: AuditEvent) -> None:
    MIGRATION.install_triggers(None, _Editor())
    MIGRATION.remove_triggers(None, _Editor())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET action = %s WHERE id = %s", ["x", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "x"


def _sqlite_triggers(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accounts_auditevent'"
        )
        return {name for (name,) in rows}


def _migrate(path: Path, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )


def test_triggers_exist_after_every_migration(tmp_path: Path) -> None:
    # SQLite drops a table's triggers when Django rebuilds the table for a column change,
    # so a later migration that alters accounts_auditevent must install them again.
    # This runs the real migrations on a scratch SQLite file, forwards and back.
    path = tmp_path / "migrated.sqlite3"
    _migrate(path)
    assert _sqlite_triggers(path) == TRIGGERS
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO accounts_auditevent (action, target_type, target_id, created_at, details)"
            " VALUES ('account.erased', '', '', '2026-01-01', '{}')"
        )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE accounts_auditevent SET action = 'tampered'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM accounts_auditevent")

    _migrate(path, "accounts", "0001")
    assert _sqlite_triggers(path) == set()
