"""The shipped curriculum in a browser: the public Curriculum page, every module page
and every lesson, each checked with axe (WCAG 2.2 AA), with no CSP violation or
console error (the `page` fixture fails on those)."""

from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from courses import services
from courses.models import Course
from courses.outline import course_lessons
from curriculum.models import Lesson, Module
from tests.accounts.factories import UserFactory
from tests.e2e.conftest import AxeCheck

CONTENT = settings.BASE_DIR / "curriculum" / "content"


@pytest.fixture
def reader(db: None) -> User:
    call_command("load_curriculum", path=CONTENT, verbosity=0)
    user = UserFactory(professional_role=User.ProfessionalRole.OTHER)
    for course in Course.objects.published():
        services.enroll_learner(user=user, course=course)
        for module in Module.objects.current().filter(track__courses=course):
            services.acknowledge_content_note(user=user, course=course, module=module)
    return user


def _sign_in(page: Page, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_curriculum_its_modules_and_every_lesson_pass_axe(
    page: Page, live_server: Any, axe_check: AxeCheck, reader: User
) -> None:
    page.goto(reverse("catalogue:curriculum"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The curriculum")
    expect(page.get_by_text("This edition is a draft, pending expert review")).to_be_visible()
    axe_check(page)
    for module in Module.objects.current():
        page.goto(reverse("catalogue:module", args=[module.slug]))
        expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
        axe_check(page)

    _sign_in(page, live_server, reader)
    seen: set[int] = set()
    for course in Course.objects.published().order_by("order"):
        for lesson in course_lessons(course):
            if lesson.pk in seen:
                continue  # core lessons are in every course; once is enough
            seen.add(lesson.pk)
            page.goto(services.lesson_url(course=course, lesson=lesson))
            expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
            axe_check(page)
    assert len(seen) == Lesson.objects.current().count()
