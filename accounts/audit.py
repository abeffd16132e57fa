"""The audit log's one way in, and the names of the actions it records.

DESIGN.md §5: every privileged action (invite, extension, accommodation, export,
revocation, role change, staff read of organisation data) leaves an `AuditEvent`.
Each app calls `record_event` inside the transaction of the action itself, so that the
action and its record commit or roll back together.

An action is named `<subject>.<what happened>`. Each name below is listed in
`DETAIL_KEYS` with the keys its `details` may hold. Details hold ids, codes, numbers
and dates, never names, email addresses or free text about people: the log outlives
erased accounts and must stay pseudonymous. A new privileged action adds its constant
and its entry here, in the one vocabulary, rather than inventing a name at the call
site; `record_event` refuses names and detail keys it does not know.
"""

from collections.abc import Mapping
from typing import Any

from django.db import models

from accounts.models import AuditEvent, Organisation, User

# A membership was granted, changed role or removed. Target: the membership.
# details: user_id, old_role, new_role (old_role is null when the membership was
# created, new_role when it was removed).
MEMBERSHIP_ROLE_CHANGED = "membership.role_changed"

# A person downloaded their own data. Target: their account.
ACCOUNT_EXPORTED = "account.exported"

# An account and its personal data were erased. Target: the account, by numeric id
# only. Actor: the person themselves, or the staff member who erased it; none for an
# automated job.
ACCOUNT_ERASED = "account.erased"

# A staff member opened an organisation's member, cohort or record data.
# Target: the organisation. details: page (the URL name of what was read).
STAFF_READ_ORGANISATION = "staff.read_organisation"

DETAIL_KEYS: Mapping[str, frozenset[str]] = {
    MEMBERSHIP_ROLE_CHANGED: frozenset({"user_id", "old_role", "new_role"}),
    ACCOUNT_EXPORTED: frozenset(),
    ACCOUNT_ERASED: frozenset(),
    STAFF_READ_ORGANISATION: frozenset({"page"}),
}

# Long enough for an id, a role code or a URL name; short enough that prose does not fit.
MAX_DETAIL_STRING_LENGTH = 100

Scalar = str | int | float | bool | None


def _check_detail_value(action: str, key: str, value: Any) -> None:
    values = value if isinstance(value, list) else [value]
    for item in values:
        if not isinstance(item, Scalar):
            raise ValueError(
                f"Audit detail {key!r} of {action!r} must be an id, code or number, "
                f"not {type(item).__name__}."
            )
        if isinstance(item, str) and len(item) > MAX_DETAIL_STRING_LENGTH:
            raise ValueError(f"Audit detail {key!r} of {action!r} is too long for an id or code.")


def check_event(*, action: str, details: Mapping[str, Any]) -> None:
    """Raise ValueError unless the action is in the vocabulary and its details fit it."""
    try:
        allowed = DETAIL_KEYS[action]
    except KeyError:
        raise ValueError(
            f"{action!r} is not an audit action; add it to accounts/audit.py."
        ) from None
    unknown = set(details) - allowed
    if unknown:
        raise ValueError(f"Audit action {action!r} has no detail keys {sorted(unknown)}.")
    for key, value in details.items():
        _check_detail_value(action, key, value)


def record_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    organisation: Organisation | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one privileged action in the append-only audit log."""
    details = details or {}
    check_event(action=action, details=details)
    target_type = target_id = ""
    if target is not None:
        if target.pk is None:
            raise ValueError("An audit event's target must be saved first.")
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        organisation=organisation,
        details=details,
    )
