"""The transactional outbox: work that must happen after a commit, and must not be lost.

A service writes an `OutboxMessage` in the same transaction as the change that needs
the work, so the two commit or roll back together. Three paths hand the row to Celery:

1. `enqueue` registers an on-commit hook that dispatches it at once (the usual path);
2. `relay_pending`, run by beat every 30 seconds, dispatches rows that path missed
   (the broker was down at commit, or the process died between commit and hook);
3. `reconcile_stale`, run by beat every 5 minutes, dispatches again rows handed over
   long ago that never reported done (a message lost with a dead worker, a task that
   failed for good).

So a message can reach a worker more than once; every outbox task is idempotent and
calls `mark_completed` when it has done its work (accounts/tasks.py does that for it).
"""

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import OutboxMessage
from config.celery import app as celery_app

logger = logging.getLogger(__name__)

# Kept short: the on-commit hook runs inside a web request, and the relay is the real
# retry. Celery's default would make a request wait about a second for a broker that
# refuses connections.
PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}

# What a broker outage raises: kombu wraps transport errors in OperationalError; the
# filesystem transport (embedded) raises OSError when its folders are missing.
BROKER_ERRORS = (OperationalError, OSError)

# Longer than a healthy message can take: queue wait, the task's own retries with
# backoff (accounts/tasks.py), and Redis redelivering a dead worker's message after the
# visibility timeout. Re-dispatching earlier would only add duplicate runs.
RECONCILE_AFTER = timedelta(minutes=15)

# A message that still has not completed after this many hand-overs is failing for a
# reason another try will not fix; reconcile stops and says so loudly instead of
# re-queueing it every five minutes forever.
MAX_DISPATCHES = 5

RELAY_BATCH = 100


class RetryLater(Exception):
    """Raised by a service whose work cannot be done yet; its outbox task runs again
    after `retry_after` seconds instead of failing or completing."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def enqueue(*, task_name: str, kwargs: dict[str, Any]) -> OutboxMessage:
    """Write an outbox row in the caller's transaction and hand it to Celery on commit."""
    if not _in_callers_transaction():
        # Outside a transaction the row and the change that needs it would be saved
        # apart, and a crash in between would lose the work for a change that happened.
        raise RuntimeError("outbox.enqueue() must be called inside transaction.atomic().")
    if "outbox_id" in kwargs:
        raise ValueError("'outbox_id' is added by the outbox; do not pass it.")
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    # robust: the commit has happened and the user's change is safe; whatever goes
    # wrong while handing over is logged, never turned into an error page. The relay
    # picks the row up.
    transaction.on_commit(partial(dispatch, message), robust=True)
    return message


def dispatch(message: OutboxMessage) -> bool:
    """Send one outbox row to Celery; return whether the broker took it."""
    attempt = message.dispatch_count + 1
    kwargs = {**message.kwargs, "outbox_id": message.pk}
    # Names each hand-over, so a worker's log line leads back to its row.
    task_id = f"outbox-{message.pk}-{attempt}"
    try:
        if celery_app.conf.task_always_eager:
            # Eager mode (a test that needs the effect in-process): send_task ignores
            # it, so run the task here as .delay() would.
            celery_app.tasks[message.task_name].apply(kwargs=kwargs, task_id=task_id)
        else:
            celery_app.send_task(
                message.task_name, kwargs=kwargs, task_id=task_id, retry_policy=PUBLISH_RETRY_POLICY
            )
    except BROKER_ERRORS as exc:
        logger.warning(
            "Outbox message %s (%s) not handed to the broker; the relay will retry: %s",
            message.pk,
            message.task_name,
            exc,
        )
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=f"dispatch: {exc}"[:2000])
        return False
    # Recorded after the send: if this process dies in between, the row still looks
    # undispatched and the relay sends it again, which idempotent tasks absorb. The
    # other order could record a hand-over that never happened.
    OutboxMessage.objects.filter(pk=message.pk).update(
        dispatched_at=timezone.now(), dispatch_count=F("dispatch_count") + 1, last_error=""
    )
    message.dispatch_count = attempt
    return True


def relay_pending(*, limit: int = RELAY_BATCH) -> int:
    """Hand over rows that were never dispatched; return how many the broker took."""
    pending = OutboxMessage.objects.filter(
        completed_at__isnull=True, dispatched_at__isnull=True, available_at__lte=timezone.now()
    )
    return _dispatch_batch(pending, limit=limit)


def reconcile_stale(*, older_than: timedelta = RECONCILE_AFTER) -> int:
    """Hand over again rows dispatched long ago but never completed; return how many."""
    stale = OutboxMessage.objects.filter(
        completed_at__isnull=True, dispatched_at__lt=timezone.now() - older_than
    )
    given_up = stale.filter(dispatch_count__gte=MAX_DISPATCHES).count()
    if given_up:
        logger.error(
            "%s outbox message(s) did not complete after %s hand-overs and are no longer "
            "retried; see OutboxMessage.last_error in the admin.",
            given_up,
            MAX_DISPATCHES,
        )
    return _dispatch_batch(stale.filter(dispatch_count__lt=MAX_DISPATCHES), limit=RELAY_BATCH)


def mark_completed(*, outbox_id: int) -> bool:
    """Record that an outbox row's work is done; return False if it already was."""
    return bool(
        OutboxMessage.objects.filter(pk=outbox_id, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
    )


def record_failure(*, outbox_id: int, error: str) -> None:
    """Keep the latest task error on the row, for the operator reading the admin."""
    OutboxMessage.objects.filter(pk=outbox_id).update(last_error=error[:2000])


def _in_callers_transaction() -> bool:
    # Django's TestCase wraps each test in atomic blocks of its own, marked the way its
    # durable check reads them; they must not count, or a service that forgot its
    # transaction would pass its tests and fail in production.
    return any(
        not getattr(block, "_from_testcase", False)
        for block in transaction.get_connection().atomic_blocks
    )


def _dispatch_batch(rows: QuerySet[OutboxMessage], *, limit: int) -> int:
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            # Two relays (two beat hosts by mistake, or relay and reconcile at once)
            # then split the rows instead of both sending each one. SQLite has no row
            # locks; its write lock already serialises the two.
            rows = rows.select_for_update(skip_locked=True)
        handed_over = 0
        for message in rows.order_by("id")[:limit]:
            if not dispatch(message):
                # The broker is down: the rest would fail the same way, each after a
                # retry delay, while this transaction holds its locks.
                break
            handed_over += 1
    return handed_over
