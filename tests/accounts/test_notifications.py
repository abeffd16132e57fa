"""Email delivery: the welcome email's content and links, sending once per key, the
claim taken before sending and its lease, preferences for reminders, the RFC 8058
headers, and the unsubscribe token."""

import smtplib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from celery.exceptions import Retry
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone

from accounts import notifications, tasks
from accounts.adapter import AccountAdapter
from accounts.models import EmailPreference, Notification, OutboxMessage, User
from config.celery import app as celery_app
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://steadfast.example"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE_URL


@pytest.fixture
def sent_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        celery_app, "send_task", lambda name, *, kwargs, **options: sent.append((name, kwargs))
    )
    return sent


def deliver_reminder(user: User, dedup_key: str = "reminder:1") -> Notification:
    return notifications.deliver_email(
        user=user,
        kind="due_date_reminder",
        dedup_key=dedup_key,
        category=Notification.Category.REMINDER,
        subject="Steadfast: your course is due on 3 March",
        # Any pair of templates will do; reminders' own belong to the courses app.
        template_prefix="accounts/email/welcome",
        context={},
    )


def claim(user: User, *, status: Notification.Status, claimed_ago: timedelta) -> Notification:
    return Notification.objects.create(
        user=user,
        dedup_key=f"welcome:{user.pk}",
        kind="welcome",
        category=Notification.Category.TRANSACTIONAL,
        subject="Steadfast: welcome",
        status=status,
        attempts=1,
        claimed_at=timezone.now() - claimed_ago,
    )


def html_body(message: mail.EmailMessage) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(content)


# --- The welcome email ---------------------------------------------------------------


def test_queue_welcome_email_writes_an_outbox_row_handed_over_after_commit(
    user: User,
    sent_tasks: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = notifications.queue_welcome_email(user=user)

    assert (message.task_name, message.kwargs) == (
        "accounts.send_welcome_email",
        {"user_id": user.pk},
    )
    assert sent_tasks == [
        ("accounts.send_welcome_email", {"user_id": user.pk, "outbox_id": message.pk})
    ]
    assert mail.outbox == []


def test_confirming_an_email_address_queues_the_welcome_email(
    user: User, sent_tasks: list[tuple[str, dict[str, Any]]], rf: RequestFactory
) -> None:
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    request = rf.get("/")
    request.user = user
    request._messages = CookieStorage(request)  # allauth says "You have confirmed …"

    AccountAdapter(request).confirm_email(request, address)

    assert OutboxMessage.objects.filter(
        task_name="accounts.send_welcome_email", kwargs={"user_id": user.pk}
    ).exists()


def test_welcome_email_is_warm_neutral_and_links_to_the_site(user: User) -> None:
    notifications.send_welcome_email(user_id=user.pk)

    [message] = mail.outbox
    assert message.subject == "Steadfast: welcome"
    assert message.to == [user.email]
    assert "List-Unsubscribe" not in message.extra_headers
    for body in (message.body, html_body(message)):
        assert f"{SITE_URL}/me/dashboard/" in body
        assert f"{SITE_URL}/privacy/" in body
        assert f"{SITE_URL}/me/email/" in body
        assert "content note" in body
        assert "take a break" in body
        assert "abuse" not in body.lower()
    assert message.body.startswith(f"Hello {user.display_name},")


def test_welcome_email_links_resolve_to_the_pages_they_name(user: User) -> None:
    notifications.send_welcome_email(user_id=user.pk)

    links = [word for word in mail.outbox[0].body.split() if word.startswith(SITE_URL)]
    names = {resolve(urlsplit(link).path).view_name for link in links}
    assert names == {"accounts:dashboard", "privacy", "accounts:email_preferences"}


def test_welcome_email_is_sent_once_per_person(user: User) -> None:
    notifications.send_welcome_email(user_id=user.pk)
    notifications.send_welcome_email(user_id=user.pk)

    assert len(mail.outbox) == 1
    notification = Notification.objects.get()
    assert notification.dedup_key == f"welcome:{user.pk}"
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None


def test_welcome_email_cannot_be_switched_off(user: User) -> None:
    EmailPreference.objects.create(user=user, reminders=False)

    notifications.send_welcome_email(user_id=user.pk)

    assert len(mail.outbox) == 1


@pytest.mark.parametrize("gone", ["deleted", "inactive"])
def test_welcome_email_is_not_sent_to_a_person_who_is_gone(gone: str) -> None:
    user = UserFactory(is_active=gone != "inactive")
    user_id = user.pk
    if gone == "deleted":
        user.delete()

    assert notifications.send_welcome_email(user_id=user_id) is None

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_send_welcome_email_task_completes_its_outbox_row(user: User) -> None:
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            task_name="accounts.send_welcome_email", kwargs={"user_id": user.pk}
        )

    result = tasks.send_welcome_email.apply(kwargs={"user_id": user.pk, "outbox_id": message.pk})

    assert result.successful()
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.completed_at is not None


# --- The claim and its lease -----------------------------------------------------------


def test_a_fresh_claim_of_another_worker_is_left_alone(user: User) -> None:
    claim(user, status=Notification.Status.SENDING, claimed_ago=timedelta(seconds=10))

    with pytest.raises(notifications.EmailInFlight) as raised:
        notifications.send_welcome_email(user_id=user.pk)

    assert mail.outbox == []
    lease = notifications.claim_lease().total_seconds()
    assert lease - 11 <= raised.value.retry_after <= lease - 9


def test_the_task_retries_an_email_in_flight_when_the_claim_would_expire(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim(user, status=Notification.Status.SENDING, claimed_ago=timedelta(seconds=10))
    countdowns: list[int] = []

    def retry(*, exc: Exception, countdown: int) -> Retry:
        countdowns.append(countdown)
        return Retry(exc=exc)

    monkeypatch.setattr(tasks.send_welcome_email, "retry", retry)

    with pytest.raises(Retry):
        tasks.send_welcome_email(user_id=user.pk, outbox_id=None)

    lease = notifications.claim_lease().total_seconds()
    assert len(countdowns) == 1
    assert lease - 11 <= countdowns[0] <= lease - 9
    assert mail.outbox == []


def test_the_lease_outlasts_the_hard_time_limit(settings: Any) -> None:
    assert notifications.claim_lease() > timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def test_an_expired_claim_is_sent_again_with_a_warning(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    notification = claim(
        user,
        status=Notification.Status.SENDING,
        claimed_ago=notifications.claim_lease() + timedelta(seconds=1),
    )

    notifications.send_welcome_email(user_id=user.pk)

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2
    assert "may receive it twice" in caplog.text


def test_a_failed_send_releases_the_claim_for_the_retry(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_send = EmailMultiAlternatives.send
    outcomes: Iterator[bool] = iter([False, True])

    def flaky_send(message: EmailMultiAlternatives, *args: Any, **kwargs: Any) -> int:
        if not next(outcomes):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)

    with pytest.raises(smtplib.SMTPServerDisconnected):
        notifications.send_welcome_email(user_id=user.pk)
    assert Notification.objects.get().status == Notification.Status.FAILED

    notifications.send_welcome_email(user_id=user.pk)

    assert len(mail.outbox) == 1
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 2)


# --- Reminders: preferences and one-click unsubscribe ----------------------------------


def test_reminder_is_skipped_and_recorded_when_reminders_are_off(user: User) -> None:
    EmailPreference.objects.create(user=user, reminders=False)

    notification = deliver_reminder(user)

    assert mail.outbox == []
    assert notification.status == Notification.Status.SKIPPED
    # Switching reminders back on later does not send the skipped one after all.
    EmailPreference.objects.filter(user=user).update(reminders=True)
    assert deliver_reminder(user).status == Notification.Status.SKIPPED
    assert mail.outbox == []


def test_reminder_carries_one_click_unsubscribe_headers(user: User) -> None:
    deliver_reminder(user)

    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{SITE_URL}/me/email/unsubscribe/")
    assert header.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    token = resolve(urlsplit(url).path).kwargs["token"]
    assert notifications.check_unsubscribe_token(token=token) == (user, "reminder")
    assert url in message.body
    assert url in html_body(message)


def test_unsubscribe_token_round_trips(user: User) -> None:
    token = notifications.make_unsubscribe_token(user=user, category="reminder")

    assert notifications.check_unsubscribe_token(token=token) == (user, "reminder")


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(
            lambda user: (
                notifications.make_unsubscribe_token(user=user, category="reminder")[:-1] + "x"
            ),
            id="tampered",
        ),
        pytest.param(
            lambda user: notifications.make_unsubscribe_token(user=user, category="transactional"),
            id="transactional",
        ),
        pytest.param(
            lambda user: signing.dumps({"u": user.pk, "c": "reminder"}, salt="another.purpose"),
            id="other-salt",
        ),
        pytest.param(
            lambda user: signing.dumps(
                {"u": str(user.pk), "c": "reminder"}, salt=notifications.UNSUBSCRIBE_SALT
            ),
            id="not-an-id",
        ),
        pytest.param(lambda user: "not-a-token", id="garbage"),
    ],
)
def test_unsubscribe_token_is_rejected(user: User, make_token: Any) -> None:
    with pytest.raises(signing.BadSignature):
        notifications.check_unsubscribe_token(token=make_token(user))


def test_unsubscribe_token_of_a_deleted_account_is_rejected(user: User) -> None:
    token = notifications.make_unsubscribe_token(user=user, category="reminder")
    user.delete()

    with pytest.raises(signing.BadSignature):
        notifications.check_unsubscribe_token(token=token)


def test_transactional_email_cannot_be_unsubscribed(user: User) -> None:
    with pytest.raises(ValueError, match="cannot be switched off"):
        notifications.unsubscribe(user=user, category="transactional")
