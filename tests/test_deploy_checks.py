"""`manage.py check --deploy` passes with production variables, and our own deploy
checks refuse what must never reach production."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from accounts import checks
from accounts.models import User
from tests.accounts.factories import UserFactory

ROOT = Path(django_settings.BASE_DIR)


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SITE_URL", "MFA_"))}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="steadfast.example.org",
        SITE_URL="https://steadfast.example.org",
        EMAIL_URL="smtp+tls://steadfast:secret@mail.example.org:587",
        # A database with no tables: the demo-user check has nothing to find.
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    env.update(extra)
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_variables(tmp_path: Path) -> None:
    result = _check_deploy(_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_site_url(tmp_path: Path) -> None:
    result = _check_deploy(_production_env(tmp_path, SITE_URL=""))
    assert result.returncode != 0
    assert "steadfast.E001" in result.stderr + result.stdout


def test_check_deploy_fails_when_email_would_only_be_printed(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["EMAIL_URL"]
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "email" in (result.stderr + result.stdout).lower()


def test_check_deploy_fails_with_the_embedded_secret_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_site_url_check_refuses_plain_http(settings: object) -> None:
    settings.SITE_URL = "http://steadfast.example.org"  # type: ignore[attr-defined]
    settings.DEBUG = False  # type: ignore[attr-defined]
    assert [e.id for e in checks.check_site_url(None)] == ["steadfast.E002"]


def test_mfa_bypass_code_check_fails_when_set(settings: object) -> None:
    settings.MFA_TOTP_INSECURE_BYPASS_CODE = "123456"  # type: ignore[attr-defined]
    assert [e.id for e in checks.check_no_mfa_bypass(None)] == ["steadfast.E003"]
    settings.MFA_TOTP_INSECURE_BYPASS_CODE = None  # type: ignore[attr-defined]
    assert checks.check_no_mfa_bypass(None) == []


@pytest.mark.django_db
def test_demo_user_check_fails_while_a_demo_account_exists() -> None:
    UserFactory()
    assert checks.check_no_demo_users(None) == []
    User.objects.filter(pk=UserFactory().pk).update(is_demo=True)
    assert [e.id for e in checks.check_no_demo_users(None)] == ["steadfast.E004"]
