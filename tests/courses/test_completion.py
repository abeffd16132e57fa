"""When a module, and so a course, is complete (CURRICULUM.md, "Tracks, courses and
completion"): every lesson of the module in the learner's outline read and, if the module
has a current scenario (assessment) quiz, a pass of it in the learner's current cycle.

Attempts are made directly (tests/courses/factories.py `quiz_attempt`), as
quizzes.services leaves them: these tests are about what courses makes of them, not
about taking a quiz."""

from datetime import timedelta
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses import selectors, services
from courses.models import Course, EnrollmentCycle
from courses.selectors import Progress
from curriculum.models import Module
from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.courses.factories import quiz_attempt
from tests.quizzes.factories import QuizFactory
from tests.test_pages import VOID_ELEMENTS, by_id, find_all, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def c1(core: Course) -> Module:
    return Module.objects.get(slug="c1")


@pytest.fixture
def c2(core: Course) -> Module:
    return Module.objects.get(slug="c2")


@pytest.fixture
def scenario(c1: Module) -> Quiz:
    """c1's scenario quiz, after its knowledge check in file order."""
    return QuizFactory(
        module=c1,
        slug="c1-scenario",
        title="A first meeting",
        purpose=Quiz.Purpose.ASSESSMENT,
        pass_mark=70,
        order=2,
    )


@pytest.fixture
def check(c1: Module) -> Quiz:
    """c1's knowledge check: practice."""
    return QuizFactory(
        module=c1,
        slug="c1-check",
        title="Trauma-informed basics",
        purpose=Quiz.Purpose.PRACTICE,
        pass_mark=80,
        order=1,
    )


@pytest.fixture
def enrolled(learner: User, core: Course) -> EnrollmentCycle:
    services.enroll_learner(user=learner, course=core)
    cycle = selectors.current_cycle(user=learner, course=core)
    assert cycle is not None
    return cycle


def read(learner: User, course: Course, module: Module) -> None:
    """Complete every lesson of the module, in the learner's current cycle."""
    for lesson in module.lessons.all():
        services.mark_lesson_complete(user=learner, course=course, lesson=lesson)


def course_progress(client: Client, course: Course) -> selectors.CourseProgress:
    response = client.get(course.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    progress = response.context["progress"]
    assert isinstance(progress, selectors.CourseProgress)
    return progress


def module_row(progress: selectors.CourseProgress, module: Module) -> selectors.ModuleProgress:
    return next(row for row in progress.modules if row.module.pk == module.pk)


def module_url(course: Course, module: Module) -> str:
    return reverse(
        "courses:module", kwargs={"course_slug": course.slug, "module_slug": module.slug}
    )


class _TextOf(HTMLParser):
    """The text of the element with an id, in document order."""

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in VOID_ELEMENTS
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    by_id(parse(html), element_id)  # exactly one
    parser = _TextOf(element_id)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def module_status(client: Client, course: Course, module: Module) -> str:
    return text_of(client.get(module_url(course, module)).content.decode(), "module-status")


def new_cycle(cycle: EnrollmentCycle, *, days_ago: int) -> EnrollmentCycle:
    """Close `cycle` and open the next (a re-take or a renewal), started `days_ago`."""
    started_at = timezone.now() - timedelta(days=days_ago)
    cycle.completed_at = started_at - timedelta(days=1)
    cycle.save(update_fields=["completed_at"])
    return EnrollmentCycle.objects.create(
        enrollment=cycle.enrollment,
        number=cycle.number + 1,
        content_version=cycle.content_version,
        started_at=started_at,
    )


def test_lessons_read_without_passing_the_scenario_quiz_leave_the_module_incomplete(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    read(learner, core, c1)

    progress = course_progress(learner_client, core)
    row = module_row(progress, c1)
    assert row.progress == Progress(completed=2, total=2)
    assert row.has_assessment and not row.has_passed_assessment
    assert not row.is_complete
    assert progress.completion == Progress(completed=0, total=2)
    assert not progress.is_complete
    assert module_status(learner_client, core, c1) == (
        "Read all lessons and pass the scenario quiz to complete this module."
    )

    quiz_attempt(user=learner, quiz=scenario, score="0.8")

    progress = course_progress(learner_client, core)
    assert module_row(progress, c1).is_complete
    assert progress.completion == Progress(completed=1, total=2)
    assert module_status(learner_client, core, c1) == (
        "Module complete You have read all its lessons and passed its scenario quiz."
    )


def test_passing_the_scenario_quiz_without_reading_every_lesson_is_not_enough(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    quiz_attempt(user=learner, quiz=scenario, score="1")
    services.mark_lesson_complete(user=learner, course=core, lesson=c1.lessons.first())

    row = module_row(course_progress(learner_client, core), c1)
    assert row.has_passed_assessment
    assert not row.is_complete


def test_a_failed_or_open_attempt_does_not_count(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    read(learner, core, c1)
    quiz_attempt(user=learner, quiz=scenario, score="0.69")
    quiz_attempt(user=learner, quiz=scenario, score=None)

    assert not module_row(course_progress(learner_client, core), c1).is_complete


def test_practice_quiz_passes_are_irrelevant_to_completion(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    c2: Module,
    scenario: Quiz,
    check: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    c2_check = QuizFactory(module=c2, slug="c2-check", purpose=Quiz.Purpose.PRACTICE)
    read(learner, core, c1)
    read(learner, core, c2)
    quiz_attempt(user=learner, quiz=check, score="1")

    progress = course_progress(learner_client, core)
    # c1: a practice pass does not stand in for its scenario quiz.
    assert not module_row(progress, c1).is_complete
    # c2 has only a practice quiz, never taken: its lessons alone complete it.
    row = module_row(progress, c2)
    assert not row.has_assessment
    assert row.is_complete
    assert module_status(learner_client, core, c2) == (
        "Module complete You have read all its lessons."
    )
    assert not Attempt.objects.filter(quiz=c2_check).exists()


def test_a_module_without_a_quiz_completes_on_its_lessons_alone(
    learner_client: Client, learner: User, core: Course, c2: Module, enrolled: EnrollmentCycle
) -> None:
    assert module_status(learner_client, core, c2) == "Read all lessons to complete this module."
    read(learner, core, c2)

    assert module_row(course_progress(learner_client, core), c2).is_complete


def test_a_pass_in_an_earlier_cycle_does_not_count_for_a_new_one(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    enrolled.started_at = timezone.now() - timedelta(days=800)
    enrolled.save(update_fields=["started_at"])
    read(learner, core, c1)
    quiz_attempt(user=learner, quiz=scenario, score="1", submitted_at=enrolled.started_at)
    assert module_row(course_progress(learner_client, core), c1).is_complete

    # A renewal opens cycle 2: its lessons are read again, its quiz not yet passed.
    renewal = new_cycle(enrolled, days_ago=3)
    read(learner, core, c1)

    row = module_row(course_progress(learner_client, core), c1)
    assert row.progress.is_complete
    assert not row.has_passed_assessment
    assert not row.is_complete
    # Cycle 1's record stands as it was earned.
    assert selectors.module_assessments(
        user=learner, cycle=enrolled, module_ids=[c1.pk]
    ).passed == {c1.pk}
    assert selectors.current_cycle(user=learner, course=core) == renewal


def test_a_renewal_attempt_passed_counts_for_its_cycle(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    enrolled.started_at = timezone.now() - timedelta(days=800)
    enrolled.save(update_fields=["started_at"])
    quiz_attempt(user=learner, quiz=scenario, score="1", submitted_at=enrolled.started_at)
    new_cycle(enrolled, days_ago=3)
    read(learner, core, c1)

    quiz_attempt(user=learner, quiz=scenario, score="0.7", kind=Attempt.Kind.RENEWAL)

    assert module_row(course_progress(learner_client, core), c1).is_complete


def test_a_pass_after_a_cycle_was_completed_does_not_count_for_it(
    learner: User, c1: Module, scenario: Quiz, enrolled: EnrollmentCycle
) -> None:
    enrolled.started_at = timezone.now() - timedelta(days=10)
    enrolled.completed_at = timezone.now() - timedelta(days=5)
    enrolled.save(update_fields=["started_at", "completed_at"])
    quiz_attempt(user=learner, quiz=scenario, score="1")

    assessments = selectors.module_assessments(user=learner, cycle=enrolled, module_ids=[c1.pk])
    assert assessments.required == {c1.pk}
    assert assessments.passed == set()


def test_a_retired_scenario_quiz_no_longer_holds_a_module_back(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    read(learner, core, c1)
    scenario.retired_at = timezone.now()
    scenario.save(update_fields=["retired_at"])

    assert module_row(course_progress(learner_client, core), c1).is_complete


def test_someone_elses_pass_does_not_count(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    read(learner, core, c1)
    quiz_attempt(user=UserFactory(), quiz=scenario, score="1")

    assert not module_row(course_progress(learner_client, core), c1).is_complete


def test_the_course_is_complete_when_every_module_is(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    c2: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    read(learner, core, c1)
    read(learner, core, c2)
    assert not course_progress(learner_client, core).is_complete

    quiz_attempt(user=learner, quiz=scenario, score="0.9")

    progress = course_progress(learner_client, core)
    assert progress.is_complete
    assert progress.completion == Progress(completed=2, total=2)
    page = parse(learner_client.get(core.get_absolute_url()).content.decode())
    assert by_id(page, "course-completion").text == "Modules complete: 2 of 2"
    assert (
        "You have completed every module of this course."
        in learner_client.get(core.get_absolute_url()).content.decode()
    )


def test_course_page_says_which_modules_have_a_scenario_quiz_and_whether_it_is_passed(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    html = learner_client.get(core.get_absolute_url()).content.decode()
    assert html.count("Lessons and a scenario quiz") == 1
    assert "Scenario quiz not passed yet" in html
    assert "Modules complete: 0 of 2" in html

    read(learner, core, c1)
    quiz_attempt(user=learner, quiz=scenario, score="0.75")

    html = learner_client.get(core.get_absolute_url()).content.decode()
    assert "Module complete" in html
    assert "Modules complete: 1 of 2" in html
    # Lesson progress bars are unchanged: they count lessons.
    assert "This course: 2 of 4 lessons complete" in html


# --- The module page's quizzes -------------------------------------------------------------


def quiz_card(html: str, quiz: Quiz) -> str:
    return text_of(html, f"quiz-{quiz.slug}")


def test_module_page_lists_its_quizzes_scenario_first_with_the_learners_status(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    check: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    url = module_url(core, c1)
    html = learner_client.get(url).content.decode()
    page = parse(html)
    section = by_id(page, "quizzes-heading")
    assert section.text == "Check your understanding"
    cards = [each.attrs["id"] for each in find_all(page, "li", **{"class": "card"})]
    assert cards == ["quiz-c1-scenario", "quiz-c1-check"]
    assert quiz_card(html, scenario) == (
        "A first meeting Scenario quiz: needed to complete the module "
        "Pass mark 70% Your progress Not started"
    )
    assert quiz_card(html, check) == (
        "Trauma-informed basics Knowledge check: practice, as often as you like "
        "Pass mark 80% Your progress Not started"
    )
    links = {a.text: a.attrs["href"] for a in find_all(page, "a")}
    assert links["A first meeting"] == reverse("quizzes:quiz", kwargs={"quiz_slug": "c1-scenario"})
    assert links["Trauma-informed basics"] == reverse(
        "quizzes:quiz", kwargs={"quiz_slug": "c1-check"}
    )

    quiz_attempt(user=learner, quiz=scenario, score="0.4")
    quiz_attempt(user=learner, quiz=scenario, score="0.55")
    quiz_attempt(user=learner, quiz=check, score=None)
    html = learner_client.get(url).content.decode()
    assert quiz_card(html, scenario).endswith("Your progress Best score 55%: not passed yet")
    assert quiz_card(html, check).endswith("Your progress In progress: you have an attempt open.")

    quiz_attempt(user=learner, quiz=scenario, score="0.9")
    quiz_attempt(user=learner, quiz=scenario, score=None)  # trying again after a pass
    html = learner_client.get(url).content.decode()
    assert quiz_card(html, scenario).endswith(
        "Your progress Passed Best score 90% In progress: you have an attempt open."
    )


def test_module_page_counts_only_this_cycles_attempts(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    enrolled.started_at = timezone.now() - timedelta(days=800)
    enrolled.save(update_fields=["started_at"])
    quiz_attempt(user=learner, quiz=scenario, score="1", submitted_at=enrolled.started_at)
    new_cycle(enrolled, days_ago=3)

    html = learner_client.get(module_url(core, c1)).content.decode()
    assert quiz_card(html, scenario).endswith("Your progress Not started")
    assert "Scores from earlier runs are not shown here." in html


def test_module_page_before_starting_lists_quizzes_without_links_or_status(
    learner_client: Client, core: Course, c1: Module, scenario: Quiz
) -> None:
    html = learner_client.get(module_url(core, c1)).content.decode()
    assert quiz_card(html, scenario) == (
        "A first meeting Scenario quiz: needed to complete the module Pass mark 70%"
    )
    assert reverse("quizzes:quiz", kwargs={"quiz_slug": scenario.slug}) not in html
    assert "Start the course to take these quizzes." in html
    assert "module-status" not in html


def test_module_page_without_quizzes_has_no_quiz_section(
    learner_client: Client, core: Course, c2: Module, enrolled: EnrollmentCycle
) -> None:
    html = learner_client.get(module_url(core, c2)).content.decode()
    assert "Check your understanding" not in html


def test_module_quizzes_and_assessments_are_one_query_each(
    learner: User,
    c1: Module,
    c2: Module,
    scenario: Quiz,
    check: Quiz,
    enrolled: EnrollmentCycle,
    django_assert_num_queries: object,
) -> None:
    for _ in range(5):
        quiz_attempt(user=learner, quiz=scenario, score="0.5")
        quiz_attempt(user=learner, quiz=check, score="0.9")
    with django_assert_num_queries(1):  # type: ignore[operator]
        statuses = selectors.module_quizzes(user=learner, cycle=enrolled, module_id=c1.pk)
    assert [(s.quiz, s.best_percent, s.has_passed) for s in statuses] == [
        (scenario, 50, False),
        (check, 90, True),
    ]
    with django_assert_num_queries(1):  # type: ignore[operator]
        assessments = selectors.module_assessments(
            user=learner, cycle=enrolled, module_ids=[c1.pk, c2.pk]
        )
    assert assessments.required == {c1.pk}
    assert assessments.passed == set()


# --- The dashboard ------------------------------------------------------------------------


def test_dashboard_shows_modules_complete(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    c2: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    dashboard = reverse("accounts:dashboard")
    completion = "dashboard-completion-core"
    page = parse(learner_client.get(dashboard).content.decode())
    assert by_id(page, completion).text == "Modules complete: 0 of 2"

    read(learner, core, c1)
    read(learner, core, c2)
    page = parse(learner_client.get(dashboard).content.decode())
    # c2 (no quiz) is complete; c1 waits for its scenario quiz.
    assert by_id(page, completion).text == "Modules complete: 1 of 2"

    quiz_attempt(user=learner, quiz=scenario, score="0.8")
    html = learner_client.get(dashboard).content.decode()
    assert by_id(parse(html), completion).text == "Modules complete: 2 of 2"
    assert "Course complete" in html
    assert "4 of 4 lessons complete" in html


def test_dashboard_and_course_page_agree_on_an_earlier_edition_too(
    learner_client: Client,
    learner: User,
    core: Course,
    c1: Module,
    c2: Module,
    scenario: Quiz,
    enrolled: EnrollmentCycle,
) -> None:
    read(learner, core, c2)
    quiz_attempt(user=learner, quiz=scenario, score="0.8")
    for version in (enrolled.content_version, "0.9.0-draft"):
        # "0.9.0-draft", never loaded here, sends the dashboard down its path for an
        # earlier edition (courses.outline reads it as the current text).
        enrolled.content_version = version
        enrolled.save(update_fields=["content_version"])
        card = next(c for c in selectors.learner_courses(user=learner) if c.course == core)
        progress = course_progress(learner_client, core)
        assert card.completion == progress.completion == Progress(completed=1, total=2)
        assert card.progress == progress.progress == Progress(completed=2, total=4)
