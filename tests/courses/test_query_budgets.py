"""Every course page has a fixed query budget: the same count with 2 or 20 lessons per
module, 2 or 20 lessons completed, 2 or 20 of the learner's own quiz attempts, and 2 or
20 other learners' progress and attempts on the same lessons and quizzes (DESIGN.md §7)."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses import services
from courses.models import Course, EnrollmentCycle, LessonProgress
from courses.outline import course_lessons
from curriculum.models import Lesson
from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.courses.factories import build_core_course, quiz_attempt
from tests.quizzes.factories import QuizFactory

pytestmark = pytest.mark.django_db

# Page -> queries. The first two of every page are the session and the user.
BUDGETS = {
    # + the courses panel: the place to continue from, the visible courses, the
    #   learner's cycles, lesson totals per module, lessons completed per module, the
    #   modules' scenario quizzes each with whether the learner passed it in their cycle
    #   on that course, and the current curriculum version (which says whether a cycle
    #   reads an earlier one)
    "accounts:dashboard": 3 + 7,
    # Every course page: + the course, annotated with the version the learner reads
    # (its updated_at and that version key the cached outline, which gives modules,
    # lessons, previous and next with no query).
    # + the current cycle, the ids of the lessons completed in it (counted against the
    #   outline), the modules' scenario quizzes each with whether the learner passed it
    #   in the cycle (which modules are complete), and the place to resume
    "courses:course": 7,
    # + the current cycle, the ids of the lessons completed in it, and the module's
    #   quizzes each annotated with the learner's open attempt, best score and pass in
    #   the cycle (which also says whether the module is complete)
    "courses:module": 6,
    # + one statement (courses.reading_state) for the course and the learner's state on
    #   it: the cycle with its place, the lesson's progress, the modules entered and the
    #   lessons completed
    "courses:lesson": 3,
    # + the place
    "courses:break": 4,
}


def _world(size: int) -> tuple[User, Course, Lesson]:
    """A learner on a course of two modules of `size` lessons, each module with a
    scenario quiz and a knowledge check; with `size` lessons completed, `size` failed
    attempts and a pass at the first module's scenario quiz, `size` attempts and an open
    one at each knowledge check, on a break in the last lesson; beside `size` other
    learners who have completed every lesson and passed every quiz."""
    course = build_core_course(modules=2, lessons_per_module=size, paragraphs_per_section=1)
    lessons = list(course_lessons(course).select_related("module"))
    modules = sorted({lesson.module for lesson in lessons}, key=lambda module: module.order)
    quizzes = [
        QuizFactory(module=module, purpose=purpose)
        for module in modules
        for purpose in (Quiz.Purpose.ASSESSMENT, Quiz.Purpose.PRACTICE)
    ]
    learner = UserFactory()
    services.enroll_learner(user=learner, course=course)
    for module in modules:
        services.acknowledge_content_note(user=learner, course=course, module=module)
    for lesson in lessons[:size]:
        services.mark_lesson_complete(user=learner, course=course, lesson=lesson)
    lesson = lessons[-1]
    services.take_break(user=learner, course=course, lesson=lesson, section_id="why-this-matters")
    first_scenario, *_ = quizzes
    for _ in range(size):
        quiz_attempt(user=learner, quiz=first_scenario, score="0.5")
    quiz_attempt(user=learner, quiz=first_scenario, score="0.9")
    for quiz in quizzes:
        if quiz.purpose == Quiz.Purpose.PRACTICE:
            for _ in range(size):
                quiz_attempt(user=learner, quiz=quiz, score="0.6")
            quiz_attempt(user=learner, quiz=quiz, score=None)

    others = UserFactory.create_batch(size)
    for other in others:
        services.enroll_learner(user=other, course=course)
    cycles = EnrollmentCycle.objects.filter(enrollment__user__in=others)
    LessonProgress.objects.bulk_create(
        LessonProgress(cycle=cycle, lesson=each, completed_at=timezone.now())
        for cycle in cycles
        for each in lessons
    )
    Attempt.objects.bulk_create(
        Attempt(
            user=other,
            quiz=quiz,
            number=1,
            seed=1,
            submitted_at=timezone.now(),
            score=Decimal(1),
            passed=True,
        )
        for other in others
        for quiz in quizzes
    )
    return learner, course, lesson


def _url(name: str, course: Course, lesson: Lesson) -> str:
    kwargs = {"course_slug": course.slug}
    if name == "courses:module":
        kwargs["module_slug"] = lesson.module.slug
    elif name == "courses:lesson":
        kwargs["lesson_slug"] = lesson.slug
    elif name == "accounts:dashboard":
        return reverse(name)
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(BUDGETS))
@pytest.mark.parametrize("size", [2, 20])
def test_course_page_query_budget(
    client: Client, django_assert_num_queries: object, name: str, size: int
) -> None:
    learner, course, lesson = _world(size)
    client.force_login(learner)
    url = _url(name, course, lesson)
    # Once to warm what is cached between requests (rendered Markdown); the budget is
    # for the page as a learner meets it again and again.
    client.get(url)
    with django_assert_num_queries(BUDGETS[name]):  # type: ignore[operator]
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, response.get("Location")


@pytest.mark.parametrize("size", [2, 20])
def test_opening_the_next_lesson_for_the_first_time_has_a_fixed_budget(
    client: Client, django_assert_num_queries: object, size: int
) -> None:
    course = build_core_course(modules=1, lessons_per_module=size, paragraphs_per_section=1)
    learner = UserFactory()
    services.enroll_learner(user=learner, course=course)
    first, *_, last = course_lessons(course).select_related("module")
    services.acknowledge_content_note(user=learner, course=course, module=first.module)
    services.open_lesson(user=learner, course=course, lesson=first)
    client.force_login(learner)
    # The page's three reads (the outline was cached when the first lesson was opened),
    # and the writes of a first view inside one transaction: the lesson's progress
    # (get_or_create: a read, then an insert in its own savepoint) and the place moved
    # with one update.
    with django_assert_num_queries(3 + 7):  # type: ignore[operator]
        response = client.get(_url("courses:lesson", course, last))
    assert response.status_code == HTTPStatus.OK


# Action -> (form data, queries). Each: session, user, the course (the lesson comes from
# the cached outline); then the service: the current cycle (whose version picks the
# cached outline the service checks the lesson against), and one write inside a
# savepoint (savepoint, write, release).
ACTIONS = {
    "courses:complete": ({}, 7),
    "courses:take_break": ({"section": "why-this-matters"}, 7),
    "courses:save_place": ({"section": "why-this-matters"}, 7),
}


@pytest.mark.parametrize("name", sorted(ACTIONS))
@pytest.mark.parametrize("size", [2, 20])
def test_lesson_action_query_budget(client: Client, name: str, size: int) -> None:
    learner, course, lesson = _world(size)
    client.force_login(learner)
    url = reverse(name, kwargs={"course_slug": course.slug, "lesson_slug": lesson.slug})
    data, budget = ACTIONS[name]
    client.post(url, data)  # warm the course outline, as the reader's page did
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.NO_CONTENT)
    assert len(queries) == budget, [q["sql"][:60] for q in queries.captured_queries]
