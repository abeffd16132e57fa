"""DESIGN.md §4, flow 1, first steps: a newcomer signs up, verifies their email, turns on
two-factor authentication, chooses a role and reaches the dashboard, in real Chromium.

Locators are labels, roles and visible text only, so the test also checks that every
control has an accessible name, and survives any restyling that keeps them."""

import base64
import hashlib
import hmac
import re
import struct
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Notification, OutboxMessage, User

pytestmark = pytest.mark.browser

EMAIL = "new.learner@example.org"
PASSWORD = "a long and unusual passphrase"
TOTP_PERIOD = 30

AxeCheck = Callable[[Page], list[dict[str, Any]]]


def totp_now(secret: str) -> str:
    """RFC 6238 with allauth's defaults (SHA-1, 6 digits, 30 s), written out here so the
    test does not grade allauth with allauth's own code."""
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret) % 8))
    counter = int(time.time() // TOTP_PERIOD)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def wait_for_fresh_totp_window(margin: float = 5.0) -> None:
    # allauth accepts only the current 30-second window; a code computed just before the
    # window turns over would be stale when the form arrives.
    remaining = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if remaining < margin:
        time.sleep(remaining + 0.5)


def open_page(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.ok, f"{path} answered {response.status} {response.status_text}"


def verification_path(message: mail.EmailMessage) -> str:
    match = re.search(r"\S*/accounts/confirm-email/[^\s/]+/", str(message.body))
    assert match, f"No verification link in the email:\n{message.body}"
    # The link carries SITE_URL; the path is what the test opens on the live server.
    return urlsplit(match.group(0)).path


def test_newcomer_signs_up_verifies_turns_on_two_factor_and_chooses_a_role(
    page: Page, axe_check: AxeCheck, mailoutbox: list[mail.EmailMessage]
) -> None:
    # Home page, then the way to create an account (the header's link, or the page's own
    # call to action if it has one: both go to the same place).
    open_page(page, reverse("home"))
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"create an account", re.IGNORECASE)).first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("account_signup")) + "$"))
    axe_check(page)

    # Sign-up form.
    page.get_by_label(re.compile(r"^email( address)?$", re.IGNORECASE)).fill(EMAIL)
    page.get_by_label(re.compile(r"^password$", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_label(re.compile(r"password.*(again|confirm)", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role(
        "button", name=re.compile(r"^(sign up|create (an |your )?account)$", re.IGNORECASE)
    ).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("account_email_verification_sent"))))
    axe_check(page)

    # The verification email, then the confirmation page (a POST: links in email
    # scanners must not confirm by merely opening them).
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    verification = mailoutbox[0]
    assert verification.to == [EMAIL]
    open_page(page, verification_path(verification))
    axe_check(page)
    page.get_by_role("button", name=re.compile(r"^confirm", re.IGNORECASE)).click()
    # Verifying signs the person in and sends them to the profile step.
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:onboarding")) + "$"))

    user = User.objects.get(email=EMAIL)
    assert EmailAddress.objects.get(user=user, email=EMAIL).verified

    # Two-factor authentication with an authenticator app: the secret is shown as text
    # for people who cannot scan the QR code, and the code field accepts a pasted value.
    # allauth asks for the password first: the verification link proved the inbox, and
    # adding a second factor needs a fresh proof of the password too.
    open_page(page, reverse("mfa_activate_totp"))
    expect(page).to_have_url(re.compile(re.escape(reverse("account_reauthenticate"))))
    axe_check(page)
    page.get_by_label(re.compile(r"^password$", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^confirm", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_activate_totp")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7 ]{16,}=*", secret), secret
    code_field = page.get_by_label("Authenticator code")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    wait_for_fresh_totp_window()
    # fill() sets the whole value at once, as a paste does.
    code_field.fill(totp_now(secret))
    expect(code_field).to_have_value(re.compile(r"^\d{6}$"))
    page.get_by_role("button", name=re.compile(r"^activate", re.IGNORECASE)).click()
    # allauth shows the new recovery codes next.
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_view_recovery_codes")) + "$"))
    axe_check(page)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1

    # The dashboard is behind the profile step until a role is chosen.
    open_page(page, reverse("accounts:dashboard"))
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:onboarding")) + "$"))
    axe_check(page)
    page.get_by_role("group", name=re.compile(r"professional role", re.IGNORECASE)).get_by_role(
        "radio", name="Therapist or counsellor"
    ).check()
    page.get_by_label(re.compile(r"country", re.IGNORECASE)).select_option(label="United Kingdom")
    page.get_by_role("button", name=re.compile(r"^(save|continue)", re.IGNORECASE)).click()

    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:dashboard")) + "$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(user.get_short_name())
    axe_check(page)

    user.refresh_from_db()
    assert user.professional_role == User.ProfessionalRole.THERAPIST
    assert user.country == "GB"
    assert user.has_completed_profile

    # The welcome email: queued once through the outbox when the address was verified,
    # handed to Celery (eager here) and sent once.
    welcome = OutboxMessage.objects.get(
        task_name="accounts.send_welcome_email", kwargs__user_id=user.pk
    )
    assert welcome.completed_at is not None
    assert (
        Notification.objects.filter(
            user=user, kind="welcome", status=Notification.Status.SENT
        ).count()
        == 1
    )
    to_user = [m for m in mailoutbox if m.to == [EMAIL]]
    assert len(to_user) == 2, [m.subject for m in to_user]
    assert to_user[0] is verification
    assert "welcome" in f"{to_user[1].subject}\n{to_user[1].body}".lower(), to_user[1].subject
