"""Make the audit log append-only in the database itself.

`AuditEvent.save()`, `.delete()` and `AppendOnlyQuerySet` refuse changes made through
the ORM. These triggers refuse the rest: raw SQL, a `_base_manager` update, a shell
session, another program pointed at the database. They guard against mistakes in
application code, not against the database owner, who can always drop a trigger.

Row-level triggers do not fire on PostgreSQL's TRUNCATE, and Django's `flush` uses
TRUNCATE there, so test flushing keeps working on PostgreSQL. On SQLite `flush` is a
DELETE, which the trigger refuses once the table holds rows; see pyproject.toml
(`--no-migrations`) and tests/accounts/test_audit.py for how the tests live with that.

SQLite drops a table's triggers when Django rebuilds the table, which its schema editor
does for most column changes. A later migration that alters `accounts_auditevent`
must run `install_triggers` again (import it with `importlib`). The test
`test_triggers_exist_after_every_migration` fails if one forgets.

The SQL is idempotent so that it can also be applied to a database built without
migrations (the tests do that inside a transaction).
"""

from typing import Any

from django.db import migrations

MESSAGE = "accounts_auditevent is append-only"

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS accounts_auditevent_no_update
    BEFORE UPDATE ON accounts_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS accounts_auditevent_no_delete
    BEFORE DELETE ON accounts_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_update",
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_delete",
]

# SQLSTATE 23001 (restrict_violation) makes the refusal an IntegrityError in Django on
# both databases, as SQLite's RAISE(ABORT) already is.
POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE OR REPLACE TRIGGER accounts_auditevent_no_update
    BEFORE UPDATE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse_change()
    """,
    """
    CREATE OR REPLACE TRIGGER accounts_auditevent_no_delete
    BEFORE DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse_change()
    """,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_update ON accounts_auditevent",
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_delete ON accounts_auditevent",
    "DROP FUNCTION IF EXISTS accounts_auditevent_refuse_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
}


def _statements(vendor: str, *, install: bool) -> list[str]:
    try:
        install_sql, remove_sql = STATEMENTS[vendor]
    except KeyError:
        # Steadfast runs on SQLite and PostgreSQL only; an append-only promise that
        # silently vanishes on another database would be worse than no migration.
        raise RuntimeError(f"No append-only triggers for the {vendor!r} database.") from None
    return install_sql if install else remove_sql


def install_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in _statements(schema_editor.connection.vendor, install=True):
        schema_editor.execute(statement, params=None)


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in _statements(schema_editor.connection.vendor, install=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers, elidable=False),
    ]
