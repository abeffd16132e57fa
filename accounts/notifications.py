"""Email to people. `deliver_email` is the one way any app sends a person a message: it
claims a `Notification` row by its deduplication key before sending, honours email
preferences, and renders plain-text and HTML bodies in the person's language with
links built from `settings.SITE_URL` (never from a request: tasks have none).

Delivery is at-least-once. The only duplicate left is a worker dying inside the send
itself, after the mail server may have accepted the message and before the row says
so; the next attempt logs a warning when it sends again."""

import logging
import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import outbox
from accounts.models import EmailPreference, Notification, OutboxMessage, User

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "accounts.notifications.unsubscribe"
# Only these categories can be switched off; transactional mail (verification, security
# notices, the welcome email) always goes out.
UNSUBSCRIBABLE = frozenset({Notification.Category.REMINDER})

# How long a claim keeps other workers off a message. Longer than the hard time limit,
# so a worker still holding a claim after it is either finished or was killed; only then
# is it safe to assume the send will not complete and to send again.
CLAIM_MARGIN = timedelta(seconds=30)


class EmailInFlight(outbox.RetryLater):
    """Another worker claimed this message moments ago and may be sending it now."""


def queue_welcome_email(*, user: User) -> OutboxMessage:
    """Queue the welcome email through the outbox; it is sent after the commit."""
    with transaction.atomic():
        return outbox.enqueue(task_name="accounts.send_welcome_email", kwargs={"user_id": user.pk})


def send_welcome_email(*, user_id: int) -> Notification | None:
    """Send the welcome email to a person, once."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        # Erased or deactivated since it was queued: nothing to send, nothing to retry.
        return None
    return deliver_email(
        user=user,
        kind="welcome",
        # One welcome per person, however many addresses they confirm.
        dedup_key=f"welcome:{user.pk}",
        category=Notification.Category.TRANSACTIONAL,
        subject=_("Steadfast: welcome"),
        template_prefix="accounts/email/welcome",
        context={},
    )


def deliver_email(
    *,
    user: User,
    kind: str,
    dedup_key: str,
    category: Notification.Category,
    subject: str | Promise,
    template_prefix: str,
    context: dict[str, Any],
) -> Notification:
    """Send one email, rendered from `<template_prefix>.txt` and `.html`, once per key."""
    # Raises EmailInFlight while another worker holds a fresh claim on the key, and
    # re-raises whatever the send raised, after releasing the claim so a retry can send.
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject_text = str(subject)
    notification, claimed = _claim(
        user=user, kind=kind, dedup_key=dedup_key, category=category, subject=subject_text
    )
    if not claimed:
        return notification
    try:
        with translation.override(language):
            message = _build_message(
                user=user,
                category=category,
                subject=subject_text,
                template_prefix=template_prefix,
                context=context,
            )
        message.send()
    except Exception:
        # The send did not complete (or we cannot know it did): release the claim so the
        # task's retry, or a later hand-over, can send.
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
            status=Notification.Status.FAILED
        )
        raise
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=now
    )
    notification.status, notification.sent_at = Notification.Status.SENT, now
    return notification


def claim_lease() -> timedelta:
    """Return how long a claim on a message keeps other workers from sending it."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + CLAIM_MARGIN


def wants_reminders(*, user: User) -> bool:
    """Return whether a person receives reminder emails (yes until they say otherwise)."""
    choice = EmailPreference.objects.filter(user=user).values_list("reminders", flat=True).first()
    return True if choice is None else choice


def get_email_preference(*, user: User) -> EmailPreference:
    """Return a person's email preferences, unsaved defaults if they never chose."""
    preference = EmailPreference.objects.filter(user=user).first()
    return preference if preference is not None else EmailPreference(user=user)


@transaction.atomic
def update_email_preferences(*, user: User, reminders: bool) -> EmailPreference:
    """Save whether a person receives reminder emails."""
    preference, _created = EmailPreference.objects.update_or_create(
        user=user, defaults={"reminders": reminders}
    )
    return preference


def make_unsubscribe_token(*, user: User, category: str) -> str:
    """Return the signed token of a one-click unsubscribe link."""
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT)


def check_unsubscribe_token(*, token: str) -> tuple[User, str]:
    """Return the person and category of an unsubscribe token, or raise BadSignature."""
    # Also refused: a category that cannot be switched off, an account that is gone.
    # No max_age: a link in an email from last year must still work, and all it can do
    # is switch reminders off. Rotating SECRET_KEY (with SECRET_KEY_FALLBACKS) retires
    # old links.
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or data.get("c") not in UNSUBSCRIBABLE:
        raise signing.BadSignature("Not an unsubscribe token.")
    user_id = data.get("u")
    if not isinstance(user_id, int):
        raise signing.BadSignature("Not an unsubscribe token.")
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise signing.BadSignature("The account no longer exists.")
    return user, data["c"]


def unsubscribe(*, user: User, category: str) -> EmailPreference:
    """Switch off one category of email for a person."""
    if category not in UNSUBSCRIBABLE:
        raise ValueError(f"{category!r} email cannot be switched off.")
    return update_email_preferences(user=user, reminders=False)


def _claim(
    *, user: User, kind: str, dedup_key: str, category: str, subject: str
) -> tuple[Notification, bool]:
    """Take the right to send `dedup_key`, or say why not: return (row, claimed)."""
    skip = category in UNSUBSCRIBABLE and not wants_reminders(user=user)
    now = timezone.now()
    with transaction.atomic():
        # The lock makes the decision below one at a time per key on PostgreSQL; on
        # SQLite the immediate transaction already does.
        notification, created = Notification.objects.select_for_update().get_or_create(
            dedup_key=dedup_key,
            defaults={
                "user": user,
                "kind": kind,
                "category": category,
                "subject": subject,
                "status": Notification.Status.SKIPPED if skip else Notification.Status.SENDING,
                "attempts": 0 if skip else 1,
                "claimed_at": now,
            },
        )
        if created:
            return notification, not skip
        if notification.status in (Notification.Status.SENT, Notification.Status.SKIPPED):
            return notification, False
        if notification.status == Notification.Status.SENDING:
            held_for = now - notification.claimed_at
            lease = claim_lease()
            if held_for < lease:
                raise EmailInFlight(
                    f"Notification {dedup_key!r} is being sent by another worker.",
                    retry_after=math.ceil((lease - held_for).total_seconds()),
                )
            logger.warning(
                "Notification %s (%s) was claimed %s ago and never finished: the worker "
                "died while sending. Sending again; the person may receive it twice.",
                notification.pk,
                dedup_key,
                held_for,
            )
        if skip:
            notification.status = Notification.Status.SKIPPED
            notification.save(update_fields=["status"])
            return notification, False
        notification.status = Notification.Status.SENDING
        notification.claimed_at = now
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "attempts"])
        return notification, True


def _build_message(
    *,
    user: User,
    category: str,
    subject: str,
    template_prefix: str,
    context: dict[str, Any],
) -> EmailMultiAlternatives:
    headers: dict[str, str] = {}
    full_context = {
        **context,
        "user": user,
        "subject": subject,
        "site_url": settings.SITE_URL,
        "dashboard_url": _absolute_url("accounts:dashboard"),
        "privacy_url": _absolute_url("privacy"),
        "preferences_url": _absolute_url("accounts:email_preferences"),
        "unsubscribe_url": "",
    }
    if category in UNSUBSCRIBABLE:
        token = make_unsubscribe_token(user=user, category=category)
        unsubscribe_url = _absolute_url("accounts:unsubscribe", token=token)
        full_context["unsubscribe_url"] = unsubscribe_url
        # RFC 8058 one-click unsubscribe: mail clients show an "Unsubscribe" button
        # that POSTs "List-Unsubscribe=One-Click" to this address.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template_prefix}.txt", full_context),
        to=[user.email],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"{template_prefix}.html", full_context), "text/html"
    )
    return message


def _absolute_url(viewname: str, **kwargs: str) -> str:
    return f"{settings.SITE_URL}{reverse(viewname, kwargs=kwargs or None)}"
