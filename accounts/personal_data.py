"""A person's right to their data: the export every app contributes to, and erasure.

DESIGN.md §5: every model holding personal data is covered by the account's data
export and by erasure. accounts exports and erases its own rows and allauth's. Every
other app registers a *section* from its `AppConfig.ready()`:

    from accounts import personal_data

    personal_data.register(
        name="enrolments",
        export=export_enrolments,  # (user) -> list[dict] | dict
        erase=erase_enrolments,  # (user) -> None
        models=[Enrollment, EnrollmentCycle],
        description=_("Your courses and your progress in each."),
    )

`description` is one plain sentence shown on the export and delete-account pages, so
those pages list exactly what the installed apps hold, never more.

`models` names the models the section covers. `find_uncovered_models` (and the test
that calls it) fails for any model with a relation to User that no section covers, so
a new model holding personal data cannot ship without its export and erasure.

Exporters return plain data: ids, codes, numbers, dates (datetimes, decimals and UUIDs
become strings). They never include other people's data or secrets. Erasers delete (or,
for records that must outlive the account, pseudonymise) every row of the person; they
run inside `erase_account`'s transaction, newest registration first, so that an app
erases its rows before the apps it depends on erase theirs.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from accounts import audit
from accounts.models import AuditEvent, EmailPreference, Membership, Notification, User

# Bumped when a key is renamed or removed, so that people and tools reading an older
# download can tell.
FORMAT_VERSION = 1

Exporter = Callable[[User], list[dict[str, Any]] | dict[str, Any]]
Eraser = Callable[[User], None]


@dataclass(frozen=True)
class Section:
    name: str
    export: Exporter
    erase: Eraser
    models: tuple[type[Model], ...]
    description: StrOrPromise


_sections: dict[str, Section] = {}

# Top-level keys of the export that accounts fills itself.
BUILT_IN_KEYS = frozenset(
    {
        "format_version",
        "generated_at",
        "account",
        "email_addresses",
        "authenticators",
        "sessions",
        "memberships",
        "email_preferences",
        "notifications",
        "audit_events",
        "audit_events_about_you",
        "admin_actions",
    }
)

# Models with a relation to User that accounts exports and erases itself, below:
# its own, and those of allauth and the admin site.
HANDLED_BY_ACCOUNTS: tuple[type[Model], ...] = (
    Membership,
    EmailPreference,
    Notification,
    EmailAddress,
    Authenticator,
    UserSession,
    LogEntry,
)

# Models kept on erasure on purpose, and why. Nothing else may be listed here.
RETAINED_ON_ERASURE: dict[type[Model], str] = {
    AuditEvent: (
        "The audit log is append-only and pseudonymous: the actor is a bare id with no "
        "foreign-key constraint, details hold ids and codes. Exported where the person "
        "is the actor or the target; see erase_account for why it is kept."
    ),
}


def register(
    *,
    name: str,
    export: Exporter,
    erase: Eraser,
    models: Iterable[type[Model]] = (),
    description: StrOrPromise,
) -> None:
    """Add an app's section to every export and erasure; call from AppConfig.ready()."""
    if name in BUILT_IN_KEYS or name in _sections:
        raise ImproperlyConfigured(f"A personal-data section called {name!r} already exists.")
    _sections[name] = Section(
        name=name, export=export, erase=erase, models=tuple(models), description=description
    )


def unregister(*, name: str) -> None:
    """Remove a section (for tests that register a fake one)."""
    del _sections[name]


def registered_sections() -> tuple[Section, ...]:
    return tuple(_sections.values())


def covered_models() -> set[type[Model]]:
    """Return every model that export and erasure cover, or deliberately retain."""
    covered = set(HANDLED_BY_ACCOUNTS) | set(RETAINED_ON_ERASURE)
    for section in _sections.values():
        covered.update(section.models)
    return covered


def _relates_to_user(model: type[Model]) -> bool:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return any(
        field.is_relation
        and not field.auto_created
        and (field.many_to_one or field.one_to_one or field.many_to_many)
        and field.related_model is user_model
        for field in model._meta.get_fields()
    )


def find_uncovered_models(
    candidates: Iterable[type[Model]] | None = None,
) -> list[type[Model]]:
    """Return the models with a foreign key, one-to-one or many-to-many to User that
    no personal-data section covers (all installed models unless given)."""
    if candidates is None:
        candidates = apps.get_models()
    covered = covered_models()
    return sorted(
        (model for model in candidates if model not in covered and _relates_to_user(model)),
        key=lambda model: model._meta.label,
    )


# --- Export ---------------------------------------------------------------------------


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "certificate_name": user.certificate_name,
        "time_zone": user.time_zone,
        "language": user.language,
        "professional_role": user.professional_role,
        "country": str(user.country),
        "profile_completed_at": user.profile_completed_at,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "has_password": user.has_usable_password(),
        "groups": list(user.groups.order_by("name").values_list("name", flat=True)),
    }


def _email_addresses(user: User) -> list[Mapping[str, Any]]:
    return list(
        EmailAddress.objects.filter(user=user)
        .order_by("-primary", "email")
        .values("email", "verified", "primary")
    )


def _authenticators(user: User) -> list[Mapping[str, Any]]:
    # Types and dates only: `data` holds the TOTP secret, recovery-code seed and
    # passkey credentials.
    return list(
        Authenticator.objects.filter(user=user)
        .order_by("created_at", "id")
        .values("type", "created_at", "last_used_at")
    )


def _sessions(user: User) -> list[Mapping[str, Any]]:
    # Never the session key: it is a bearer credential.
    return list(
        UserSession.objects.filter(user=user)
        .order_by("-last_seen_at", "-id")
        .values("ip", "user_agent", "created_at", "last_seen_at")
    )


def _memberships(memberships: list[Membership]) -> list[dict[str, Any]]:
    return [
        {
            "organisation_id": membership.organisation_id,
            "organisation": membership.organisation.name,
            "role": membership.role,
            "created_at": membership.created_at,
        }
        for membership in memberships
    ]


def _email_preferences(user: User) -> Mapping[str, Any] | None:
    return EmailPreference.objects.filter(user=user).values("reminders", "updated_at").first()


def _notifications(user: User) -> list[Mapping[str, Any]]:
    return list(
        Notification.objects.filter(user=user)
        .order_by("created_at", "id")
        .values("kind", "category", "subject", "status", "created_at", "sent_at")
    )


def _audit_events_by(user: User) -> list[Mapping[str, Any]]:
    return list(
        AuditEvent.objects.filter(actor_id=user.pk)
        .order_by("created_at", "id")
        .values("action", "created_at", "target_type", "target_id", "organisation_id", "details")
    )


def _audit_events_about(user: User, memberships: list[Membership]) -> list[Mapping[str, Any]]:
    # Who acted stays out: the actor is another person.
    about = Q(target_type=User._meta.label_lower, target_id=str(user.pk))
    if memberships:
        about |= Q(
            target_type=Membership._meta.label_lower,
            target_id__in=[str(membership.pk) for membership in memberships],
        )
    return list(
        AuditEvent.objects.filter(about)
        .order_by("created_at", "id")
        .values("action", "created_at", "target_type", "target_id", "details")
    )


ADMIN_ACTION_NAMES = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _admin_actions(user: User) -> list[dict[str, Any]]:
    # Staff only. The object's name (object_repr) stays out: it can name other people.
    return [
        {
            "action_time": entry.action_time,
            "action": ADMIN_ACTION_NAMES.get(entry.action_flag, str(entry.action_flag)),
            "object_type": (
                f"{entry.content_type.app_label}.{entry.content_type.model}"
                if entry.content_type
                else ""
            ),
            "object_id": entry.object_id,
        }
        for entry in LogEntry.objects.filter(user=user)
        .select_related("content_type")
        .order_by("action_time", "id")
    ]


def export_user_data(*, user: User) -> dict[str, Any]:
    """Return everything Steadfast holds about the user, ready for json.dumps."""
    memberships = list(
        Membership.objects.filter(user=user).select_related("organisation").order_by("id")
    )
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "account": _account(user),
        "email_addresses": _email_addresses(user),
        "authenticators": _authenticators(user),
        "sessions": _sessions(user),
        "memberships": _memberships(memberships),
        "email_preferences": _email_preferences(user),
        "notifications": _notifications(user),
        "audit_events": _audit_events_by(user),
        "audit_events_about_you": _audit_events_about(user, memberships),
        "admin_actions": _admin_actions(user),
    }
    for section in _sections.values():
        data[section.name] = section.export(user)
    # One pass through the encoder turns dates, decimals and UUIDs, ours and the
    # sections', into strings, so the result is plain JSON data.
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


@transaction.atomic
def export_account(*, user: User) -> dict[str, Any]:
    """Return the person's own data for download, and record that it was exported."""
    data = export_user_data(user=user)
    audit.record_event(actor=user, action=audit.ACCOUNT_EXPORTED, target=user)
    return data


# --- Erasure --------------------------------------------------------------------------


def _end_sessions(user: User) -> None:
    # Through the session engine, so a cached_db session leaves the cache too.
    # Sessions that allauth never tracked still name the user's id, which no longer
    # exists once the account is gone, so they resolve to nobody.
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store_class().delete(key)
    UserSession.objects.filter(user=user).delete()


def _redact_admin_log(user: User) -> None:
    # The admin log names an object by its str(), which for the account (and for
    # models that show it, such as a membership) is the email address.
    user_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.filter(
        Q(content_type=user_type, object_id=str(user.pk)) | Q(object_repr__icontains=user.email)
    ).update(object_repr=f"erased account {user.pk}")


def erase_account(*, user: User, erased_by: User | None) -> None:
    """Erase the account and every piece of personal data held about the person.

    In one transaction: every registered section's eraser, then the allauth rows
    (email addresses and their confirmations, authenticators, tracked sessions and the
    sessions themselves), memberships, notifications, email preferences, the person's
    own admin-site history, and the account. References to the account in other
    people's admin-site history are reduced to its number.

    The audit log is kept. It records privileged actions (role changes, exports,
    extensions, revocations, staff reading an organisation's data), and those stay
    accountable after the people involved leave: an agency must still be able to show
    who granted an extension, and a learner's erasure must not erase the trace of what
    a facilitator did to them. The log already holds no names, email addresses or free
    text, only ids and codes; once the account is gone the ids point at nothing, so the
    entries are pseudonymous. An `account.erased` event holding only the account's
    number records the erasure itself. The privacy page says all of this.
    """
    with transaction.atomic():
        audit.record_event(actor=erased_by, action=audit.ACCOUNT_ERASED, target=user)
        for section in reversed(_sections.values()):
            section.erase(user)
        _end_sessions(user)
        # EmailConfirmation rows go with their EmailAddress.
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        Membership.objects.filter(user=user).delete()
        Notification.objects.filter(user=user).delete()
        EmailPreference.objects.filter(user=user).delete()
        _redact_admin_log(user)
        LogEntry.objects.filter(user=user).delete()
        user.delete()
