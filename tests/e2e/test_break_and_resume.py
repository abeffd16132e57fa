"""DESIGN.md §4, flow 1, the reading part: a learner starts the Core course, opens a
lesson (the module's content note first), scrolls to a later section, takes a break and
sees the calm break page; then, on another device, continues where they left off (the
same lesson, the same section) and marks lessons complete. In real Chromium, with axe on
every page.

The second device is a second browser context: its own cookies and storage, so the
place can only have come from the server."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from courses import services
from courses.models import Course, LessonProgress, ReadingPlace
from courses.outline import course_lessons
from tests.accounts.factories import UserFactory
from tests.courses.factories import build_core_course
from tests.e2e.conftest import AxeCheck, sign_in, url_of

pytestmark = pytest.mark.browser

SECTION = "what-it-looks-like-in-practice"
SECTION_TITLE = "What it looks like in practice"


@pytest.fixture
def learner(db: None) -> User:
    """Someone who signed up earlier: a verified address and a completed profile."""
    user = UserFactory(
        email="reader@example.org",
        display_name="Robin",
        professional_role=User.ProfessionalRole.OTHER,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def core(db: None) -> Course:
    # Long sections, so that a later one can be scrolled to the top of the window.
    return build_core_course(modules=2, lessons_per_module=2, paragraphs_per_section=6)


def test_learner_takes_a_break_and_resumes_on_another_device(
    page: Page, other_device: Page, axe_check: AxeCheck, learner: User, core: Course
) -> None:
    first, second, third, _fourth = course_lessons(core).select_related("module")
    lesson_path = reverse(
        "courses:lesson", kwargs={"course_slug": core.slug, "lesson_slug": second.slug}
    )

    # Sign in; the dashboard offers the Core course.
    sign_in(page, learner.email)
    axe_check(page)
    page.get_by_role("button", name=re.compile(r"^Start this course")).click()
    expect(page).to_have_url(url_of(core.get_absolute_url()))
    expect(page.get_by_role("status")).to_contain_text("You have started Core")
    expect(page.get_by_label(re.compile(r"^This course: 0 of 4 lessons complete"))).to_be_visible()
    axe_check(page)

    # Any module, any lesson: the second lesson of the first module, from its module page.
    page.get_by_role("link", name=first.module.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.module.title)
    axe_check(page)
    page.get_by_role("link", name=second.title).click()

    # The module's content note comes first, with choices.
    expect(page).to_have_url(url_of(lesson_path))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Before you begin")
    expect(page.get_by_text(first.module.content_note)).to_be_visible()
    expect(page.get_by_role("link", name="Not now")).to_have_attribute(
        "href", core.get_absolute_url()
    )
    expect(page.get_by_role("button", name="Take a break")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Continue to the lesson").click()

    # The lesson itself.
    expect(page).to_have_url(url_of(lesson_path))
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    axe_check(page)

    # Read on to a later section: the break form follows the heading being read.
    heading = page.get_by_role("heading", name=SECTION_TITLE)
    box = heading.bounding_box()
    assert box is not None
    page.mouse.move(400, 300)
    page.mouse.wheel(0, box["y"] - 60)
    expect(page.locator('form[data-reader-break] input[name="section"]')).to_have_value(SECTION)
    # The bar keeps "Take a break" in view: no scrolling back up, which would move the
    # place. Clicked where it is on screen, as a pointer does (Playwright's click would
    # first scroll a sticky element back to where it sits in the page).
    take_break = page.get_by_role("button", name="Take a break")
    expect(take_break).to_be_in_viewport()
    button = take_break.bounding_box()
    assert button is not None
    page.mouse.click(button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)

    # The calm break page: where you were, Resume, support, and who can see it.
    expect(page).to_have_url(url_of(reverse("courses:break", kwargs={"course_slug": core.slug})))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is saved")
    expect(page.get_by_text(SECTION_TITLE, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Resume")).to_have_attribute(
        "href", f"{lesson_path}#{SECTION}"
    )
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile(r"^Support"))).to_have_attribute(
        "href", reverse("support")
    )
    expect(page.get_by_text("Nobody else can see that you took a break.")).to_be_visible()
    axe_check(page)
    place = ReadingPlace.objects.get(enrollment__user=learner)
    assert (place.lesson_id, place.section_id, place.on_break) == (second.pk, SECTION, True)

    # Another device: sign in, continue where you left off.
    sign_in(other_device, learner.email)
    expect(other_device.get_by_role("heading", name="Where you left off")).to_be_visible()
    axe_check(other_device)
    other_device.get_by_role("link", name="Continue where you left off").click()
    expect(other_device).to_have_url(url_of(f"{lesson_path}#{SECTION}"))
    expect(other_device.get_by_role("heading", level=1)).to_have_text(second.title)
    # The note was seen on the first device: no second interstitial for this module.
    expect(other_device.get_by_role("heading", name=SECTION_TITLE)).to_be_in_viewport()
    axe_check(other_device)
    place.refresh_from_db()
    assert (place.section_id, place.on_break) == (SECTION, False)

    # Mark this lesson and the next complete, and watch the progress bars move.
    other_device.get_by_role("button", name="Mark as complete").click()
    expect(other_device.get_by_role("status")).to_contain_text("is marked as complete")
    expect(other_device.get_by_text("You have completed this lesson.")).to_be_visible()
    module_bar = other_device.get_by_label(re.compile(r"^This module:"))
    expect(module_bar).to_have_attribute("value", "1")
    expect(other_device.get_by_label(re.compile(r"^This course: 1 of 4"))).to_have_attribute(
        "max", "4"
    )
    axe_check(other_device)

    other_device.get_by_role("link", name=re.compile(r"Next lesson")).click()
    # The next lesson is in the second module: its own content note, once.
    expect(other_device.get_by_role("heading", level=1)).to_contain_text(third.module.title)
    other_device.get_by_role("button", name="Continue to the lesson").click()
    expect(other_device.get_by_role("heading", level=1)).to_have_text(third.title)
    other_device.get_by_role("button", name="Mark as complete").click()
    expect(other_device.get_by_label(re.compile(r"^This course: 2 of 4"))).to_have_attribute(
        "value", "2"
    )
    axe_check(other_device)

    # Back on the dashboard, the course shows the same progress.
    other_device.goto(reverse("accounts:dashboard"))
    expect(other_device.get_by_label(re.compile(r"^Core: 2 of 4 lessons complete"))).to_be_visible()
    axe_check(other_device)
    assert sorted(
        LessonProgress.objects.filter(
            cycle__enrollment__user=learner, completed_at__isnull=False
        ).values_list("lesson__slug", flat=True)
    ) == sorted([second.slug, third.slug])


def test_leaving_a_lesson_saves_the_section_being_read_without_a_break(
    page: Page, axe_check: AxeCheck, learner: User, core: Course
) -> None:
    lesson = course_lessons(core).select_related("module").first()
    assert lesson is not None
    services.enroll_learner(user=learner, course=core)
    services.acknowledge_content_note(user=learner, course=core, module=lesson.module)
    sign_in(page, learner.email)
    page.goto(
        reverse("courses:lesson", kwargs={"course_slug": core.slug, "lesson_slug": lesson.slug})
    )
    axe_check(page)

    box = page.get_by_role("heading", name=SECTION_TITLE).bounding_box()
    assert box is not None
    page.mouse.move(400, 300)
    page.mouse.wheel(0, box["y"] - 60)
    expect(page.locator('form[data-reader-break] input[name="section"]')).to_have_value(SECTION)
    # Leave without a break, as by a bookmark or a typed address: the script saves the
    # place as the page goes (pagehide), with the form's CSRF token in a header.
    page.goto(reverse("accounts:dashboard"))

    deadline = time.monotonic() + 10
    place = ReadingPlace.objects.get(enrollment__user=learner)
    while place.section_id != SECTION and time.monotonic() < deadline:
        time.sleep(0.1)
        place.refresh_from_db()
    assert (place.lesson_id, place.section_id, place.on_break) == (lesson.pk, SECTION, False)

    page.reload()
    expect(page.get_by_role("link", name="Continue where you left off")).to_have_attribute(
        "href", re.compile(re.escape(f"#{SECTION}") + "$")
    )
