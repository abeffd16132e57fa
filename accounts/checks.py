"""Deploy checks of our own, run by `manage.py check --deploy`."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    if not settings.SITE_URL:
        return [
            Error(
                "SITE_URL is not set.",
                hint="Set SITE_URL to the public https:// address; links in emails, QR codes "
                "and credentials are built from it.",
                id="steadfast.E001",
            )
        ]
    if not settings.DEBUG and not settings.SITE_URL.startswith("https://"):
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL!r}, not an https:// address.",
                hint="Certificates and verification links must use https in production.",
                id="steadfast.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_no_mfa_bypass(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    if getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None):
        return [
            Error(
                "MFA_TOTP_INSECURE_BYPASS_CODE is set: anyone with the code passes two-factor authentication.",
                hint="Unset MFA_TOTP_INSECURE_BYPASS_CODE; it exists for browser tests only.",
                id="steadfast.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_no_demo_users(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    from accounts.models import User

    try:
        demo = list(User.objects.filter(is_demo=True).values_list("email", flat=True)[:5])
    except DatabaseError:
        # No database yet (a check before the first migrate): nothing to refuse.
        return []
    if demo:
        return [
            Error(
                f"Demo accounts exist: {', '.join(demo)}.",
                hint="Delete them with `manage.py delete_demo_users`; they have printed passwords.",
                id="steadfast.E004",
            )
        ]
    return []
