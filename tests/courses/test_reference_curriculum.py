"""The reference curriculum as shipped in curriculum/content/: it lints clean (no
errors, no warnings), loads every track, module, lesson and course, loads twice without
a write, and every lesson of every course opens within the lesson page's query budget."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from courses import services
from courses.models import Course
from courses.outline import course_lessons
from curriculum.models import Lesson, Module, Track
from curriculum.services import lint_curriculum, load_curriculum
from tests.accounts.factories import UserFactory
from tests.courses.test_query_budgets import BUDGETS

pytestmark = pytest.mark.django_db

CONTENT = settings.BASE_DIR / "curriculum" / "content"
TRACKS = ["core", "law-enforcement", "legal", "mental-health", "child-protection"]
COURSES = ["law-enforcement", "legal-practice", "mental-health", "child-protection", "core"]


def test_the_shipped_curriculum_has_no_linter_findings() -> None:
    findings = [finding.format() for finding in lint_curriculum(root=CONTENT).findings]

    assert findings == []


def test_it_loads_every_track_module_lesson_and_course_and_a_second_load_writes_nothing() -> None:
    load_curriculum(root=CONTENT)

    assert list(Track.objects.current().values_list("slug", flat=True)) == TRACKS
    modules_per_track = {
        track: Module.objects.current().filter(track__slug=track).count() for track in TRACKS
    }
    assert modules_per_track == {
        "core": 8,
        "law-enforcement": 4,
        "legal": 4,
        "mental-health": 4,
        "child-protection": 4,
    }
    for module in Module.objects.current():
        assert 3 <= module.lessons.count() <= 5, module.slug
        assert module.review_status == Module.ReviewStatus.DRAFT
    assert list(Course.objects.published().values_list("slug", flat=True)) == COURSES
    assert load_curriculum(root=CONTENT).writes == 0


@pytest.fixture
def reader(client: Client) -> tuple[User, Client]:
    user = UserFactory(professional_role=User.ProfessionalRole.OTHER)
    client.force_login(user)
    return user, client


def test_every_lesson_of_every_course_opens_within_its_budget(reader: tuple[User, Client]) -> None:
    load_curriculum(root=CONTENT)
    user, client = reader
    opened = 0
    for course in Course.objects.published():
        services.enroll_learner(user=user, course=course)
        for module in Module.objects.current().filter(track__courses=course):
            services.acknowledge_content_note(user=user, course=course, module=module)
        lessons: list[Lesson] = list(course_lessons(course))
        for lesson in lessons:
            url = services.lesson_url(course=course, lesson=lesson)
            assert client.get(url).status_code == HTTPStatus.OK  # the first visit writes
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == HTTPStatus.OK
            assert len(queries) == BUDGETS["courses:lesson"], url
            assert 'class="jurisdiction"' in response.text or "[[" not in lesson.body
            opened += 1
    assert opened == sum(course_lessons(c).count() for c in Course.objects.published())
