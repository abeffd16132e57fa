"""Celery tasks of the accounts app, and `OutboxTask`, the base every outbox-driven task
in any app uses.

Tasks are thin: keyword-only primitive ids in, one service call, done. `acks_late`,
`reject_on_worker_lost` and the soft and hard time limits apply to every task from the
CELERY_* settings, so a task cannot forget them."""

import smtplib
from typing import Any

from billiard.einfo import ExceptionInfo
from celery import Task
from celery.utils.time import get_exponential_backoff_interval

from accounts import notifications, outbox
from config.celery import app

# Worth another try soon: the mail server or the network hiccuped. Anything else (a bug,
# a refused address) fails the task; the outbox's reconcile job tries it again much
# later, and gives up loudly after a few hand-overs.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    ConnectionError,
    TimeoutError,
)
RETRY_BACKOFF_SECONDS = 10
# Below the broker's visibility timeout: Redis hands a message held longer than that
# (a retry waiting for its countdown) to a second worker.
RETRY_BACKOFF_MAX_SECONDS = 120


class OutboxTask(Task):
    """A task handed over by the outbox: it marks its row complete after it succeeds.

    `dispatch` adds `outbox_id` to the task's keyword arguments; the task body never
    sees it. Retries (`self.retry`) re-send the original keyword arguments, so a retried
    run still completes the right row."""

    max_retries = 5

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outbox_id = kwargs.pop("outbox_id", None)
        try:
            # self.run, not super().__call__: the worker has already pushed this run's
            # request (retry count, original kwargs); Task.__call__ would push a bare one.
            result = self.run(*args, **kwargs)
        except outbox.RetryLater as exc:
            raise self.retry(exc=exc, countdown=exc.retry_after) from exc
        except TRANSIENT_ERRORS as exc:
            countdown = get_exponential_backoff_interval(
                factor=RETRY_BACKOFF_SECONDS,
                retries=self.request.retries,
                maximum=RETRY_BACKOFF_MAX_SECONDS,
                full_jitter=True,
            )
            raise self.retry(exc=exc, countdown=countdown) from exc
        if outbox_id is not None:
            outbox.mark_completed(outbox_id=outbox_id)
        return result

    def on_failure(
        self,
        exc: Exception,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: ExceptionInfo,
    ) -> None:
        outbox_id = kwargs.get("outbox_id")
        if outbox_id is not None:
            outbox.record_failure(outbox_id=outbox_id, error=f"{task_id}: {exc!r}")


@app.task(name="accounts.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Hand over outbox rows the on-commit hook could not."""
    return outbox.relay_pending()


@app.task(name="accounts.reconcile_outbox", ignore_result=True)
def reconcile_outbox() -> int:
    """Hand over again outbox rows that were dispatched long ago and never completed."""
    return outbox.reconcile_stale()


@app.task(name="accounts.send_welcome_email", base=OutboxTask, ignore_result=True)
def send_welcome_email(*, user_id: int) -> None:
    """Send the welcome email once to a person who has just verified their address."""
    notifications.send_welcome_email(user_id=user_id)
