"""The embedded default is tuned the way DESIGN.md §3 says."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_immediate_transactions() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite tuning applies only when SQLite is the engine")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_tasks_survive_worker_death_and_speak_json_only() -> None:
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT
    if settings.REDIS_URL:
        # A redelivered message must not overtake a task still inside its time limit.
        visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert visibility > settings.CELERY_TASK_TIME_LIMIT


def test_csp_uses_nonces_and_never_unsafe_inline() -> None:
    policy = settings.SECURE_CSP
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "<CSP_NONCE_SENTINEL>" in policy[directive]


def _database_options(**env: str) -> dict[str, object]:
    """The database OPTIONS the settings module builds from this environment."""
    script = (
        "import json, config.settings as s; "
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {}), default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


def test_prepared_statements_are_on_for_postgresql_unless_turned_off() -> None:
    postgres = "postgres://steadfast@127.0.0.1:5432/steadfast"
    assert _database_options(DATABASE_URL=postgres)["prepare_threshold"] == 5
    off = _database_options(DATABASE_URL=postgres, DJANGO_DB_PREPARED_STATEMENTS="false")
    assert "prepare_threshold" not in off
