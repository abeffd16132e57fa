"""Background work against a real Redis and a real Celery worker in a subprocess: the
promises of DESIGN.md §7 (no lost work, no doubled effects, worker death survived).

The worker sees this test's database (the SQLite file, or PostgreSQL's test database)
through DATABASE_URL, so the tests use committed transactions (transaction=True) and
wait, with bounded polling, for what the worker writes. A test knows nothing more will
happen when its outbox row is complete and the broker holds no message, queued or
unacknowledged; only then does it count what the SMTP server received."""

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection, transaction
from django.db.models import F

from accounts import notifications, outbox
from accounts.models import Notification, OutboxMessage, User
from config.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.service_fixtures import (
    TEST_REDIS_DB,
    CeleryWorker,
    RedisServer,
    SmtpSink,
    celery_broker,
    redis_url_with_db,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Short, so that Redis hands a killed worker's message to the next worker in seconds.
VISIBILITY_TIMEOUT = 2
WAIT = 30

StartWorker = Callable[..., CeleryWorker]


@pytest.fixture
def broker_url(redis_url: str) -> Iterator[str]:
    url = redis_url_with_db(redis_url, TEST_REDIS_DB)
    redis.Redis.from_url(url).flushdb()
    with celery_broker(url):
        yield url


@pytest.fixture
def start_worker(tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[StartWorker]:
    workers: list[CeleryWorker] = []

    def start(broker_url: str) -> CeleryWorker:
        worker = CeleryWorker(
            broker_url=broker_url,
            email_url=smtp_sink.url,
            log_path=tmp_path / f"worker-{len(workers)}.log",
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        )
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def person(transactional_db: None) -> User:
    return UserFactory(email="learner@example.org")


def broker_is_idle(url: str) -> bool:
    client = redis.Redis.from_url(url)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def wait_until_done(message: OutboxMessage, broker_url: str) -> None:
    """Wait until the row's work is complete and no copy of it is left in the broker."""

    def done() -> bool:
        message.refresh_from_db()
        return message.completed_at is not None and broker_is_idle(broker_url)

    wait_until(done, timeout=WAIT, message=f"outbox message {message.pk} to complete")


def test_welcome_email_is_sent_exactly_once(
    broker_url: str, start_worker: StartWorker, smtp_sink: SmtpSink, person: User
) -> None:
    start_worker(broker_url)

    message = notifications.queue_welcome_email(user=person)

    wait_until_done(message, broker_url)
    assert len(smtp_sink.messages) == 1
    sent = smtp_sink.messages[0]
    assert sent["Subject"] == "Steadfast: welcome"
    assert sent["To"] == "learner@example.org"
    notification = Notification.objects.get(dedup_key=f"welcome:{person.pk}")
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)


def test_welcome_email_is_sent_once_when_its_task_runs_twice(
    broker_url: str, start_worker: StartWorker, smtp_sink: SmtpSink, person: User
) -> None:
    worker = start_worker(broker_url)
    message = notifications.queue_welcome_email(user=person)
    message.refresh_from_db()

    # A second hand-over of the same row, as the relay and reconcile jobs may make.
    assert outbox.dispatch(message)

    wait_until(
        lambda: all(f"[outbox-{message.pk}-{n}] succeeded" in worker.log() for n in (1, 2)),
        timeout=WAIT,
        message="both runs of the task to finish",
    )
    wait_until_done(message, broker_url)
    assert len(smtp_sink.messages) == 1
    assert Notification.objects.get().attempts == 1


def test_welcome_email_is_sent_after_redis_was_down_at_commit(
    private_redis: RedisServer, start_worker: StartWorker, smtp_sink: SmtpSink, person: User
) -> None:
    with celery_broker(private_redis.url):
        private_redis.stop()

        # The commit succeeds and nothing is raised: the work waits in the outbox.
        message = notifications.queue_welcome_email(user=person)

        message.refresh_from_db()
        assert message.dispatched_at is None
        assert message.last_error.startswith("dispatch:")

        private_redis.start()
        start_worker(private_redis.url)
        # What beat does every 30 seconds.
        celery_app.send_task("accounts.relay_outbox")

        wait_until_done(message, private_redis.url)
    assert len(smtp_sink.messages) == 1
    assert message.dispatch_count == 1


def test_welcome_email_is_sent_when_the_worker_is_killed_inside_the_send(
    broker_url: str, start_worker: StartWorker, smtp_sink: SmtpSink, person: User
) -> None:
    smtp_sink.stall_next_message()
    first = start_worker(broker_url)
    message = notifications.queue_welcome_email(user=person)
    assert smtp_sink.stalled.wait(WAIT), "the worker never reached the mail server"

    first.kill()

    notification = Notification.objects.get()
    assert notification.status == Notification.Status.SENDING
    # Stand in for waiting out the claim (the hard time limit and a margin, minutes):
    # afterwards, the worker holding it cannot still be running.
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=F("claimed_at") - notifications.claim_lease()
    )
    second = start_worker(broker_url)

    # Redis hands the unacknowledged message over after the visibility timeout.
    wait_until_done(message, broker_url)
    assert len(smtp_sink.messages) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 2)
    assert "the person may receive it twice" in second.log()
    assert message.dispatch_count == 1


def test_two_relays_split_the_rows_without_waiting_for_each_other(
    postgres: dict[str, object], transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with transaction.atomic():
        rows = [OutboxMessage(task_name="accounts.noop", kwargs={}) for _ in range(20)]
        OutboxMessage.objects.bulk_create(rows)
    sent: dict[str, list[int]] = {"first": [], "second": []}
    first_is_sending = threading.Event()
    second_has_chosen = threading.Event()
    second_chose_meanwhile: list[bool] = []

    def fake_send_task(name: str, *, kwargs: dict[str, int], **options: object) -> None:
        relay = threading.current_thread().name
        sent[relay].append(kwargs["outbox_id"])
        if relay == "first":
            if not first_is_sending.is_set():
                first_is_sending.set()
                # Keep the first relay's rows locked until the second has chosen its own.
                second_chose_meanwhile.append(second_has_chosen.wait(timeout=5))
        else:
            second_has_chosen.set()

    monkeypatch.setattr(celery_app, "send_task", fake_send_task)

    def relay() -> None:
        try:
            outbox.relay_pending(limit=10)
        finally:
            if threading.current_thread().name == "second":
                second_has_chosen.set()  # also when it chose nothing
            connection.close()

    first = threading.Thread(target=relay, name="first")
    second = threading.Thread(target=relay, name="second")
    first.start()
    assert first_is_sending.wait(timeout=10)
    second.start()
    first.join(timeout=20)
    second.join(timeout=20)

    # The second relay skipped the rows the first had locked instead of waiting.
    assert second_chose_meanwhile == [True]
    assert len(sent["first"]) == 10
    assert len(sent["second"]) == 10
    assert set(sent["first"]).isdisjoint(sent["second"])
