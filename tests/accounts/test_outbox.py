"""The outbox and the task base: rows are handed over after the commit, never before
and never when rolled back; a broker outage leaves them for the relay; reconcile
re-queues stale ones; tasks mark their row complete and retry only transient errors.
The broker is replaced by a recorder here; tests/services/ uses a real one."""

import smtplib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts import outbox
from accounts.models import OutboxMessage
from accounts.tasks import OutboxTask
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


class FakeBroker:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], str]] = []
        self.down = False

    def send_task(self, name: str, *, kwargs: dict[str, Any], task_id: str, **options: Any) -> None:
        if self.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append((name, kwargs, task_id))


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> FakeBroker:
    fake = FakeBroker()
    monkeypatch.setattr(celery_app, "send_task", fake.send_task)
    return fake


def enqueue(**kwargs: Any) -> OutboxMessage:
    with transaction.atomic():
        return outbox.enqueue(task_name="accounts.send_welcome_email", kwargs=kwargs)


def make_row(**fields: Any) -> OutboxMessage:
    return OutboxMessage.objects.create(
        task_name="accounts.send_welcome_email", kwargs={"user_id": 1}, **fields
    )


def test_enqueue_hands_the_row_to_celery_after_the_commit(
    broker: FakeBroker, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = enqueue(user_id=7)
    assert broker.sent == []

    for callback in callbacks:
        callback()

    assert broker.sent == [
        (
            "accounts.send_welcome_email",
            {"user_id": 7, "outbox_id": message.pk},
            f"outbox-{message.pk}-1",
        )
    ]
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert message.dispatch_count == 1
    assert message.completed_at is None


def test_enqueue_hands_over_nothing_when_the_transaction_rolls_back(
    broker: FakeBroker, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        outbox.enqueue(task_name="accounts.send_welcome_email", kwargs={"user_id": 7})
        _ = 1 / 0

    assert broker.sent == []
    assert not OutboxMessage.objects.exists()


def test_enqueue_refuses_to_run_outside_the_callers_transaction(broker: FakeBroker) -> None:
    # The test's own transaction does not count: a service that forgot its own would
    # otherwise pass here and fail in production.
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        outbox.enqueue(task_name="accounts.send_welcome_email", kwargs={"user_id": 7})
    assert not OutboxMessage.objects.exists()


def test_enqueue_refuses_an_outbox_id_of_the_callers(broker: FakeBroker) -> None:
    with pytest.raises(ValueError, match="outbox_id"):
        enqueue(user_id=7, outbox_id=3)


def test_broker_down_at_commit_leaves_the_row_for_the_relay(
    broker: FakeBroker, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    broker.down = True

    # No exception reaches the caller: the commit has happened.
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(user_id=7)

    message.refresh_from_db()
    assert message.dispatched_at is None
    assert message.dispatch_count == 0
    assert "Connection refused" in message.last_error
    assert "the relay will retry" in caplog.text

    broker.down = False
    assert outbox.relay_pending() == 1

    assert broker.sent == [
        (
            "accounts.send_welcome_email",
            {"user_id": 7, "outbox_id": message.pk},
            f"outbox-{message.pk}-1",
        )
    ]
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert message.last_error == ""


def test_relay_hands_over_only_rows_never_dispatched_and_due(broker: FakeBroker) -> None:
    pending = make_row()
    make_row(dispatched_at=timezone.now(), dispatch_count=1)
    make_row(completed_at=timezone.now())
    make_row(available_at=timezone.now() + timedelta(hours=1))

    assert outbox.relay_pending() == 1

    assert [kwargs["outbox_id"] for _, kwargs, _ in broker.sent] == [pending.pk]
    assert outbox.relay_pending() == 0


def test_relay_respects_its_limit_in_row_order(broker: FakeBroker) -> None:
    rows = [make_row() for _ in range(3)]

    assert outbox.relay_pending(limit=2) == 2

    assert [kwargs["outbox_id"] for _, kwargs, _ in broker.sent] == [rows[0].pk, rows[1].pk]


def test_relay_stops_at_the_first_broker_error(broker: FakeBroker) -> None:
    for _ in range(3):
        make_row()
    broker.down = True

    assert outbox.relay_pending() == 0

    # One failed try, not one per row: the rest would fail the same way.
    assert OutboxMessage.objects.exclude(last_error="").count() == 1


def test_reconcile_hands_over_again_rows_dispatched_long_ago_and_not_completed(
    broker: FakeBroker,
) -> None:
    long_ago = timezone.now() - outbox.RECONCILE_AFTER - timedelta(minutes=1)
    stale = make_row(dispatched_at=long_ago, dispatch_count=1)
    make_row(dispatched_at=timezone.now(), dispatch_count=1)
    make_row(dispatched_at=long_ago, dispatch_count=1, completed_at=timezone.now())
    make_row()  # never dispatched: the relay's job

    assert outbox.reconcile_stale() == 1

    assert broker.sent == [
        (
            "accounts.send_welcome_email",
            {"user_id": 1, "outbox_id": stale.pk},
            f"outbox-{stale.pk}-2",
        )
    ]
    stale.refresh_from_db()
    assert stale.dispatch_count == 2
    assert stale.dispatched_at is not None
    assert stale.dispatched_at > long_ago


def test_reconcile_gives_up_loudly_after_the_last_hand_over(
    broker: FakeBroker, caplog: pytest.LogCaptureFixture
) -> None:
    long_ago = timezone.now() - outbox.RECONCILE_AFTER - timedelta(minutes=1)
    make_row(dispatched_at=long_ago, dispatch_count=outbox.MAX_DISPATCHES)

    assert outbox.reconcile_stale() == 0

    assert broker.sent == []
    assert "no longer retried" in caplog.text


def test_mark_completed_is_idempotent() -> None:
    message = make_row()

    assert outbox.mark_completed(outbox_id=message.pk) is True
    message.refresh_from_db()
    first = message.completed_at

    assert outbox.mark_completed(outbox_id=message.pk) is False
    message.refresh_from_db()
    assert first is not None
    assert message.completed_at == first


# --- The task base ---------------------------------------------------------------------

calls: list[dict[str, Any]] = []
failures: list[Exception] = []


@celery_app.task(name="tests.outbox_probe", base=OutboxTask, bind=False)
def outbox_probe(**kwargs: Any) -> str:
    calls.append(kwargs)
    if failures:
        raise failures.pop(0)
    return "done"


@pytest.fixture(autouse=True)
def _reset_probe() -> None:
    calls.clear()
    failures.clear()


def test_outbox_task_marks_its_row_complete_and_hides_the_outbox_id() -> None:
    message = make_row()

    result = outbox_probe.apply(kwargs={"user_id": 5, "outbox_id": message.pk})

    assert result.successful()
    assert calls == [{"user_id": 5}]
    message.refresh_from_db()
    assert message.completed_at is not None


def test_outbox_task_retries_transient_errors_then_completes() -> None:
    message = make_row()
    failures.extend([smtplib.SMTPServerDisconnected("gone"), ConnectionRefusedError()])

    result = outbox_probe.apply(kwargs={"user_id": 5, "outbox_id": message.pk})

    assert result.successful()
    assert len(calls) == 3
    message.refresh_from_db()
    assert message.completed_at is not None


def test_outbox_task_does_not_retry_or_complete_on_other_errors() -> None:
    message = make_row()
    failures.append(ValueError("a bug"))

    result = outbox_probe.apply(kwargs={"user_id": 5, "outbox_id": message.pk})

    assert result.failed()
    assert len(calls) == 1
    message.refresh_from_db()
    assert message.completed_at is None
    assert "a bug" in message.last_error


def test_outbox_task_gives_up_after_its_retries() -> None:
    message = make_row()
    failures.extend([smtplib.SMTPConnectError(421, "busy")] * (OutboxTask.max_retries + 1))

    result = outbox_probe.apply(kwargs={"user_id": 5, "outbox_id": message.pk})

    assert result.failed()
    assert len(calls) == OutboxTask.max_retries + 1
    message.refresh_from_db()
    assert message.completed_at is None


@pytest.fixture
def eager_celery() -> Iterator[None]:
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def test_dispatch_runs_the_task_in_process_in_eager_mode(
    broker: FakeBroker, eager_celery: None
) -> None:
    message = make_row()
    message.task_name = "tests.outbox_probe"

    assert outbox.dispatch(message)

    assert broker.sent == []
    assert calls == [{"user_id": 1}]
    message.refresh_from_db()
    assert message.completed_at is not None
