"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's
live server, for the flows in DESIGN.md §4.

Every page a test opens fails that test on a console error, an uncaught exception or a
Content-Security-Policy violation; `axe_check(page)` fails it on any serious or critical
accessibility problem that axe-core finds. Without Chromium the browser tests skip,
except in CI (`CI=true`), where they fail: a green run must have driven a browser."""

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test.utils import override_settings
from django.urls import reverse
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from config.celery import app as celery_app

CHROMIUM_CANDIDATES = ("/usr/bin/chromium",)
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# No sandbox: CI runs as root. The rest keep Chromium off the network (this machine has
# none beyond the package registries) and quiet at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]
# Long enough for a slow CI machine with two cores; a missing element still fails fast.
DEFAULT_TIMEOUT_MS = 15_000

BLOCKING_AXE_IMPACTS = frozenset({"serious", "critical"})

# Runs in every document before the page's own scripts. Each violation goes to the test
# through an exposed binding (so violations on pages navigated away from are kept) and
# into a window array (read again at teardown, in case a report was still in flight).
CSP_LISTENER = """
(() => {
  window.__steadfastCspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    const violation = {
      documentURI: event.documentURI,
      violatedDirective: event.violatedDirective,
      effectiveDirective: event.effectiveDirective,
      blockedURI: event.blockedURI,
      sourceFile: event.sourceFile,
      lineNumber: event.lineNumber,
      columnNumber: event.columnNumber,
      sample: event.sample,
      disposition: event.disposition,
    };
    window.__steadfastCspViolations.push(violation);
    if (typeof window.__steadfastReportCspViolation === "function") {
      window.__steadfastReportCspViolation(violation);
    }
  }, true);
})();
"""


def _is_ci(environ: Mapping[str, str]) -> bool:
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def find_chromium(
    environ: Mapping[str, str] = os.environ,
    which: Callable[[str], str | None] = shutil.which,
    candidates: tuple[str, ...] = CHROMIUM_CANDIDATES,
) -> tuple[str | None, str]:
    """Return (path to a Chromium executable or None, how it was found or why not).

    CHROMIUM_PATH wins when set; a wrong one is an error to report, not a cue to quietly
    use another browser."""
    explicit = environ.get("CHROMIUM_PATH", "").strip()
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit, f"CHROMIUM_PATH={explicit}"
        return None, f"CHROMIUM_PATH={explicit} is not an executable file"
    for candidate in candidates:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate, candidate
    for name in CHROMIUM_NAMES:
        found = which(name)
        if found:
            return found, f"{name} on PATH"
    looked = ", ".join([*candidates, *(f"{name} on PATH" for name in CHROMIUM_NAMES)])
    return None, f"no Chromium at {looked}, and CHROMIUM_PATH is not set"


def require_chromium(
    environ: Mapping[str, str] = os.environ,
    which: Callable[[str], str | None] = shutil.which,
    candidates: tuple[str, ...] = CHROMIUM_CANDIDATES,
) -> str:
    """Return Chromium's path; skip the calling test without one, or fail it in CI."""
    path, reason = find_chromium(environ, which, candidates)
    if path is not None:
        return path
    message = (
        f"Browser tests need Chromium: {reason}. "
        "Install Debian's package (apt-get install chromium) or set CHROMIUM_PATH."
    )
    if _is_ci(environ):
        pytest.fail(f"{message} CI=true, so this is a failure, not a skip.", pytrace=False)
    pytest.skip(message)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The browser tests are part of the ordinary suite (testpaths covers tests/, and
    # nothing deselects them); the marker lets a developer pick them with -m browser or
    # leave them out with -m "not browser". Every test that drives Chromium gets it, so
    # no test can forget it.
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


# --- The live server ----------------------------------------------------------------------


@pytest.fixture(scope="package")
def _browser_server_settings() -> Iterator[None]:
    # The live server builds its middleware once, when its thread starts, so these must
    # be in force before it does. Plain HTTP on loopback: no HTTPS redirect, no HSTS,
    # cookies not limited to HTTPS. Statics are served from the source folders by the
    # live server's static handler; the manifest storage would need collectstatic.
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES={
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(scope="package")
def live_server(_browser_server_settings: None, live_server: Any) -> Any:
    """pytest-django's live server, started after the settings above are in force."""
    return live_server


@pytest.fixture
def browser_settings(
    settings: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """Settings for one browser test: links in emails point at the live server, and
    Celery runs each task in the process that queues it, so the welcome email is in
    pytest-django's local-memory outbox by the time the page has answered."""
    settings.SITE_URL = live_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    # The Celery app read its configuration once; change the live copy too.
    eager = {"task_always_eager": True, "task_eager_propagates": True}
    previous = {key: celery_app.conf[key] for key in eager}
    celery_app.conf.update(eager)
    # Outside a worker Celery imports no tasks module by itself; load them all so that
    # a task is found by its name.
    celery_app.loader.import_default_modules()
    # The outbox hands rows over by task name (send_task), which eager mode ignores:
    # stand in for broker and worker by running the named task here, through the same
    # Task machinery (OutboxTask marking its row complete, retries, failure hooks).
    monkeypatch.setattr(celery_app, "send_task", _run_task_in_process)
    yield settings
    celery_app.conf.update(previous)


def _run_task_in_process(
    name: str,
    args: tuple[Any, ...] | None = None,
    kwargs: dict[str, Any] | None = None,
    task_id: str | None = None,
    **options: Any,
) -> Any:
    return celery_app.tasks[name].apply(args=args, kwargs=kwargs, task_id=task_id, throw=True)


# --- The browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_chromium()


@pytest.fixture(scope="package")
def browser(chromium_path: str) -> Iterator[Browser]:
    """One Chromium for the browser tests, closed when the run leaves tests/e2e/.

    Playwright's sync API marks an asyncio loop as running in the test thread for as
    long as it is started, and Django's ORM refuses to run under a running loop. The
    test code and the live server are plain synchronous Django, so the guard is lifted,
    here only and only while the browser runs; package scope then hands the tests that
    follow a thread with no loop and the guard back."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        # Playwright starts the executable given and never downloads a browser of its own.
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser: Browser, live_server: Any, browser_settings: Any) -> Iterator[BrowserContext]:
    # No bypass_csp: the pages must work under the policy they ship with.
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


def _describe_console(message: ConsoleMessage) -> str:
    location = message.location or {}
    # Scripts added at run time have no URL of their own; name the page instead.
    where = location.get("url") or (message.page.url if message.page else "?")
    if location.get("lineNumber"):
        where += f":{location['lineNumber']}"
    return f"console error at {where}: {message.text}"


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails its test on any console error, uncaught exception or CSP
    violation, checked when the test ends (Chromium also logs CSP violations as console
    errors; the listener gives the directive and the blocked resource)."""
    problems: list[str] = []
    violations: list[dict[str, Any]] = []
    seen: set[str] = set()

    def record_violation(violation: dict[str, Any]) -> None:
        key = json.dumps(violation, sort_keys=True)
        if key not in seen:
            seen.add(key)
            violations.append(violation)

    context.expose_function("__steadfastReportCspViolation", record_violation)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()

    def record_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(_describe_console(message))

    def record_page_error(error: PlaywrightError) -> None:
        problems.append(f"uncaught {error.name} on {page.url}: {error.message}")

    page.on("console", record_console)
    page.on("pageerror", record_page_error)

    yield page

    if not page.is_closed():
        try:
            for violation in page.evaluate("window.__steadfastCspViolations || []"):
                record_violation(violation)
        except PlaywrightError as error:
            problems.append(f"could not read CSP violations on {page.url}: {error.message}")
    for violation in violations:
        problems.append(
            "CSP violation on {documentURI}: {effectiveDirective} blocked {blockedURI} "
            "(source {sourceFile}:{lineNumber}:{columnNumber}, sample {sample!r})".format(
                **violation
            )
        )
    if problems:
        pytest.fail(
            "The browser reported problems:\n" + "\n".join(f"- {p}" for p in problems),
            pytrace=False,
        )


# --- Accessibility --------------------------------------------------------------------------


def format_axe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (bundled with axe-playwright-python) on the page; return violations.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the policy stays on and a real violation in the page still shows."""
    # Let late scripts and swaps settle before judging the page.
    page.wait_for_load_state("load")
    return Axe().run(page).response["violations"]


type AxeCheck = Callable[[Page], list[dict[str, Any]]]


@pytest.fixture
def axe_check() -> Callable[[Page], list[dict[str, Any]]]:
    """`axe_check(page)` fails the test on serious or critical axe violations and returns
    all violations found (so a test can look at the minor ones too)."""

    def check(page: Page) -> list[dict[str, Any]]:
        violations = run_axe(page)
        blocking = [v for v in violations if v.get("impact") in BLOCKING_AXE_IMPACTS]
        if blocking:
            pytest.fail(
                f"axe-core found serious or critical problems on {page.url}:\n"
                + format_axe_violations(blocking),
                pytrace=False,
            )
        return violations

    return check


# --- Shared by the flows: signing in, a second device -------------------------------------

# The password tests.accounts.factories.UserFactory gives every account.
PASSWORD = "correct horse battery staple"


@pytest.fixture
def other_device(browser: Browser, live_server: Any, browser_settings: Any) -> Iterator[Page]:
    """A page in a second browser context (another device), failing the test on console
    errors, uncaught exceptions and CSP violations like the `page` fixture."""
    context: BrowserContext = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Dublin"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    problems: list[str] = []
    context.expose_function(
        "__steadfastReportCspViolation",
        lambda violation: problems.append(f"CSP violation: {violation}"),
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()

    def record_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error on {page.url}: {message.text}")

    def record_page_error(error: PlaywrightError) -> None:
        problems.append(f"uncaught {error.name} on {page.url}: {error.message}")

    page.on("console", record_console)
    page.on("pageerror", record_page_error)
    yield page
    context.close()
    if problems:
        pytest.fail("The second browser reported problems:\n" + "\n".join(problems), pytrace=False)


def sign_in(page: Page, email: str) -> None:
    page.goto(reverse("account_login"))
    page.get_by_label(re.compile(r"^email( address)?$", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile(r"^password$", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:dashboard")) + "$"))


def url_of(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + "$")
