"""The lesson page's one statement (courses.reading_state) against the ORM queries it
replaced: for each state a learner can be in, the same course, cycle, place, progress
and sets, with values of the same types."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection, models
from django.utils import timezone

from accounts.models import User
from courses import selectors, services
from courses.models import (
    Course,
    Enrollment,
    EnrollmentCycle,
    LessonProgress,
    ModuleEntry,
    ReadingPlace,
)
from courses.outline import course_lessons
from courses.reading_state import ReadingState, reading_state
from curriculum.models import Lesson, Track
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory

pytestmark = pytest.mark.django_db

SECTION = "why-this-matters"


# --- The ORM's answer, and how the two are compared ----------------------------------------


def orm_state(*, user: User, course_slug: str, lesson_slug: str) -> ReadingState | None:
    """What the lesson page read with the ORM before the statement replaced it."""
    try:
        course = Course.objects.visible_with_reading_version(user).get(slug=course_slug)
    except Course.DoesNotExist:
        return None
    cycle = selectors.current_cycle(user=user, course=course)
    if cycle is None:
        return ReadingState(course, None, None, None, frozenset(), frozenset(), frozenset())
    progress = LessonProgress.objects.filter(cycle=cycle, lesson__slug=lesson_slug).first()
    entries = ModuleEntry.objects.filter(cycle=cycle)
    return ReadingState(
        course=course,
        cycle=cycle,
        lesson_first_viewed_at=progress.first_viewed_at if progress else None,
        lesson_completed_at=progress.completed_at if progress else None,
        completed_lessons=frozenset(
            LessonProgress.objects.filter(cycle=cycle, completed_at__isnull=False).values_list(
                "lesson_id", flat=True
            )
        ),
        entered_modules=frozenset(entries.values_list("module_id", flat=True)),
        note_seen_modules=frozenset(
            entries.filter(content_note_seen_at__isnull=False).values_list("module_id", flat=True)
        ),
    )


def assert_same_row(ours: models.Model, theirs: models.Model) -> None:
    """Every column equal, of the same type and written the same (a Decimal's places, a
    datetime's zone), as the ORM loaded it."""
    assert type(ours) is type(theirs)
    assert ours.pk == theirs.pk
    for field in ours._meta.concrete_fields:
        mine, orm = getattr(ours, field.attname), getattr(theirs, field.attname)
        assert mine == orm, field.name
        assert type(mine) is type(orm), field.name
        assert repr(mine) == repr(orm), field.name
        if isinstance(mine, datetime):
            assert timezone.is_aware(mine), field.name
    assert ours._state.adding is False
    assert ours._state.db == theirs._state.db


def assert_agrees_with_the_orm(user: User, course_slug: str, lesson_slug: str) -> ReadingState:
    """The statement's answer, after checking it field by field against the ORM's."""
    state = reading_state(user=user, course_slug=course_slug, lesson_slug=lesson_slug)
    expected = orm_state(user=user, course_slug=course_slug, lesson_slug=lesson_slug)
    if expected is None:
        assert state is None
        raise AssertionError("the ORM sees no course: nothing further to compare")
    assert state is not None
    assert_same_row(state.course, expected.course)
    assert state.course.reading_version == expected.course.reading_version  # type: ignore[attr-defined]
    if expected.cycle is None:
        assert state.cycle is None
    else:
        assert state.cycle is not None
        assert_same_row(state.cycle, expected.cycle)
        assert_same_row(state.cycle.enrollment, expected.cycle.enrollment)
        try:
            expected_place: ReadingPlace | None = expected.cycle.enrollment.reading_place
        except ReadingPlace.DoesNotExist:
            expected_place = None
        try:
            place: ReadingPlace | None = state.cycle.enrollment.reading_place
        except ReadingPlace.DoesNotExist:
            place = None
        if expected_place is None:
            assert place is None
        else:
            assert place is not None
            assert_same_row(place, expected_place)
    for name in ("lesson_first_viewed_at", "lesson_completed_at"):
        mine, orm = getattr(state, name), getattr(expected, name)
        assert mine == orm, name
        assert repr(mine) == repr(orm), name
    assert state.completed_lessons == expected.completed_lessons
    assert state.entered_modules == expected.entered_modules
    assert state.note_seen_modules == expected.note_seen_modules
    return state


# --- Worlds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lessons:
    """Core's lessons: module c1's two, then module c2's two."""

    c1_first: Lesson
    c1_second: Lesson
    c2_first: Lesson
    c2_second: Lesson


@pytest.fixture
def lessons(core: Course) -> Lessons:
    return Lessons(*course_lessons(core).select_related("module"))


def _complete_everything(user: User, course: Course, lessons: Lessons) -> None:
    """The learner entered both modules (notes read), completed every lesson and took a
    break in the second."""
    services.enroll_learner(user=user, course=course)
    for module in (lessons.c1_first.module, lessons.c2_first.module):
        services.acknowledge_content_note(user=user, course=course, module=module)
    for lesson in (lessons.c1_first, lessons.c1_second, lessons.c2_first, lessons.c2_second):
        services.mark_lesson_complete(user=user, course=course, lesson=lesson)
    services.take_break(user=user, course=course, lesson=lessons.c1_second, section_id=SECTION)


@pytest.fixture
def renewed(core: Course, learner: User, lessons: Lessons) -> EnrollmentCycle:
    """The learner's open cycle 2 on Core (version 1.0.0-draft, the current one), nothing
    done in it yet, after a completed cycle 1 on version 0.9.0-draft in which they did
    everything there is to do and took a break."""
    _complete_everything(learner, core, lessons)
    enrollment = Enrollment.objects.get(user=learner, course=core)
    Enrollment.objects.filter(pk=enrollment.pk).update(content_version="0.9.0-draft")
    EnrollmentCycle.objects.filter(enrollment=enrollment).update(
        content_version="0.9.0-draft", completed_at=timezone.now()
    )
    return EnrollmentCycle.objects.create(
        enrollment=enrollment, number=2, content_version="1.0.0-draft"
    )


@pytest.fixture
def in_progress(core: Course, learner: User, lessons: Lessons, renewed: EnrollmentCycle) -> None:
    """In cycle 2, the learner read c1's note, opened c1's first lesson, completed c1's
    second, and opened c2's first lesson without reading c2's note (so that lesson was
    not shown); c2's second lesson they never opened."""
    services.acknowledge_content_note(user=learner, course=core, module=lessons.c1_first.module)
    services.open_lesson(user=learner, course=core, lesson=lessons.c1_first)
    services.mark_lesson_complete(user=learner, course=core, lesson=lessons.c1_second)
    opening = services.open_lesson(user=learner, course=core, lesson=lessons.c2_first)
    assert opening.must_show_content_note


# --- Which course, and whether the learner may see it -------------------------------------


def test_a_course_that_does_not_exist_reads_as_none(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)

    assert (
        reading_state(user=learner, course_slug="no-such-course", lesson_slug="c1-lesson-1") is None
    )
    assert orm_state(user=learner, course_slug="no-such-course", lesson_slug="c1-lesson-1") is None


def test_an_unpublished_course_the_learner_never_started_reads_as_none(
    core: Course, learner: User
) -> None:
    Course.objects.filter(pk=core.pk).update(is_published=False)

    assert reading_state(user=learner, course_slug="core", lesson_slug="c1-lesson-1") is None
    assert orm_state(user=learner, course_slug="core", lesson_slug="c1-lesson-1") is None


def test_another_learners_cycle_does_not_open_an_unpublished_course_to_this_one(
    core: Course, learner: User
) -> None:
    other: User = UserFactory.create()
    services.enroll_learner(user=other, course=core)
    Course.objects.filter(pk=core.pk).update(is_published=False)

    assert reading_state(user=learner, course_slug="core", lesson_slug="c1-lesson-1") is None
    assert orm_state(user=learner, course_slug="core", lesson_slug="c1-lesson-1") is None
    assert reading_state(user=other, course_slug="core", lesson_slug="c1-lesson-1") is not None


def test_an_unpublished_course_the_learner_started_is_returned_with_their_cycle(
    core: Course, learner: User
) -> None:
    enrollment = services.enroll_learner(user=learner, course=core)
    Course.objects.filter(pk=core.pk).update(is_published=False)

    state = assert_agrees_with_the_orm(learner, "core", "c1-lesson-1")

    assert state.course.pk == core.pk
    assert state.course.is_published is False
    assert state.cycle is not None
    assert (state.cycle.enrollment_id, state.cycle.number) == (enrollment.pk, 1)
    assert state.course.reading_version == "1.0.0-draft"  # type: ignore[attr-defined]


def test_a_published_course_not_started_has_no_reading_version_no_cycle_and_empty_sets(
    core: Course, learner: User
) -> None:
    state = assert_agrees_with_the_orm(learner, "core", "c1-lesson-1")

    assert state.course.pk == core.pk
    assert state.course.is_published is True
    assert state.course.reading_version is None  # type: ignore[attr-defined]
    assert state.cycle is None
    assert (state.lesson_first_viewed_at, state.lesson_completed_at) == (None, None)
    assert state.completed_lessons == frozenset()
    assert state.entered_modules == frozenset()
    assert state.note_seen_modules == frozenset()


@pytest.mark.parametrize("started", [False, True], ids=["not-started", "started"])
def test_the_course_comes_with_the_orms_values_and_types(
    core: Course, learner: User, started: bool
) -> None:
    core.cpd_hours = Decimal("7.5")
    core.roles = [User.ProfessionalRole.PROSECUTOR.value, User.ProfessionalRole.OTHER.value]
    core.certificate_validity_days = 365
    core.save()
    if started:
        services.enroll_learner(user=learner, course=core)

    state = assert_agrees_with_the_orm(learner, "core", "c1-lesson-1")

    course = state.course
    assert isinstance(course.cpd_hours, Decimal)
    assert str(course.cpd_hours) == "7.5"
    assert course.roles == ["prosecutor", "other"]
    assert isinstance(course.roles, list)
    assert course.is_published is True
    assert course.certificate_validity_days == 365
    assert timezone.is_aware(course.updated_at)
    core.refresh_from_db()
    assert course.updated_at == core.updated_at


# --- The cycle ---------------------------------------------------------------------------


def test_the_cycle_is_the_latest_and_its_version_is_the_reading_version(
    learner: User, renewed: EnrollmentCycle
) -> None:
    state = assert_agrees_with_the_orm(learner, "core", "c1-lesson-1")

    assert state.cycle is not None
    assert (state.cycle.pk, state.cycle.number) == (renewed.pk, 2)
    assert state.cycle.completed_at is None
    assert state.course.reading_version == "1.0.0-draft"  # type: ignore[attr-defined]
    assert state.cycle.enrollment.content_version == "0.9.0-draft"


def test_progress_of_an_earlier_cycle_never_leaks_into_the_latest(
    learner: User, lessons: Lessons, renewed: EnrollmentCycle
) -> None:
    # Cycle 1 completed every lesson and read every note; cycle 2 has done nothing.
    assert LessonProgress.objects.filter(cycle__number=1, completed_at__isnull=False).count() == 4
    for lesson in (lessons.c1_first, lessons.c2_second):
        state = assert_agrees_with_the_orm(learner, "core", lesson.slug)

        assert (state.lesson_first_viewed_at, state.lesson_completed_at) == (None, None)
        assert state.completed_lessons == frozenset()
        assert state.entered_modules == frozenset()
        assert state.note_seen_modules == frozenset()


# --- The reading place -------------------------------------------------------------------


def test_the_reading_place_comes_attached_and_reading_it_costs_no_query(
    learner: User, lessons: Lessons, renewed: EnrollmentCycle, django_assert_num_queries: object
) -> None:
    state = assert_agrees_with_the_orm(learner, "core", "c1-lesson-1")
    saved = ReadingPlace.objects.get(enrollment__user=learner)
    assert state.cycle is not None

    with django_assert_num_queries(0):  # type: ignore[operator]
        enrollment = state.cycle.enrollment
        place = enrollment.reading_place
        assert place.enrollment.pk == enrollment.pk

    assert enrollment.pk == renewed.enrollment_id
    assert (place.pk, place.lesson_id, place.section_id, place.on_break) == (
        saved.pk,
        lessons.c1_second.pk,
        SECTION,
        True,
    )
    assert place.saved_at == saved.saved_at
    assert timezone.is_aware(place.saved_at)


def test_without_a_place_reading_it_raises_does_not_exist_without_a_query(
    core: Course, learner: User, django_assert_num_queries: object
) -> None:
    services.enroll_learner(user=learner, course=core)
    state = assert_agrees_with_the_orm(learner, "core", "c1-lesson-1")
    assert state.cycle is not None

    with django_assert_num_queries(0):  # type: ignore[operator]
        enrollment = state.cycle.enrollment
        with pytest.raises(ReadingPlace.DoesNotExist):
            enrollment.reading_place  # noqa: B018


# --- Progress in the cycle ---------------------------------------------------------------


def test_the_lesson_progress_is_that_of_the_lesson_asked_for(
    learner: User, lessons: Lessons, renewed: EnrollmentCycle, in_progress: None
) -> None:
    viewed = LessonProgress.objects.get(cycle=renewed, lesson=lessons.c1_first)
    completed = LessonProgress.objects.get(cycle=renewed, lesson=lessons.c1_second)

    state = assert_agrees_with_the_orm(learner, "core", lessons.c1_first.slug)
    assert state.lesson_first_viewed_at == viewed.first_viewed_at
    assert state.lesson_completed_at is None
    assert state.lesson_first_viewed_at is not None
    assert timezone.is_aware(state.lesson_first_viewed_at)

    state = assert_agrees_with_the_orm(learner, "core", lessons.c1_second.slug)
    assert state.lesson_first_viewed_at == completed.first_viewed_at
    assert state.lesson_completed_at == completed.completed_at
    assert state.lesson_completed_at is not None
    assert timezone.is_aware(state.lesson_completed_at)


@pytest.mark.parametrize("which", ["note-shown", "never-opened"])
def test_a_lesson_never_shown_in_the_cycle_has_no_progress(
    learner: User, lessons: Lessons, in_progress: None, which: str
) -> None:
    lesson = lessons.c2_first if which == "note-shown" else lessons.c2_second

    state = assert_agrees_with_the_orm(learner, "core", lesson.slug)

    assert (state.lesson_first_viewed_at, state.lesson_completed_at) == (None, None)
    # The rest of the state is there all the same.
    assert state.completed_lessons == {lessons.c1_second.pk}


def test_a_slug_that_is_no_lesson_has_no_progress_but_the_rest_of_the_state(
    learner: User, lessons: Lessons, renewed: EnrollmentCycle, in_progress: None
) -> None:
    state = assert_agrees_with_the_orm(learner, "core", "no-such-lesson")

    assert state.cycle is not None
    assert state.cycle.pk == renewed.pk
    assert (state.lesson_first_viewed_at, state.lesson_completed_at) == (None, None)
    assert state.completed_lessons == {lessons.c1_second.pk}
    assert state.entered_modules == {lessons.c1_first.module_id, lessons.c2_first.module_id}


def test_the_completed_set_is_exactly_the_lessons_completed_in_the_cycle(
    learner: User, lessons: Lessons, renewed: EnrollmentCycle, in_progress: None
) -> None:
    # Opened but not completed: a progress row without completed_at.
    assert LessonProgress.objects.filter(
        cycle=renewed, lesson=lessons.c1_first, completed_at__isnull=True
    ).exists()

    state = assert_agrees_with_the_orm(learner, "core", lessons.c1_first.slug)

    assert state.completed_lessons == {lessons.c1_second.pk}


def test_modules_entered_and_modules_whose_note_was_read_are_told_apart(
    learner: User, lessons: Lessons, in_progress: None
) -> None:
    state = assert_agrees_with_the_orm(learner, "core", lessons.c2_first.slug)

    c1, c2 = lessons.c1_first.module_id, lessons.c2_first.module_id
    assert state.entered_modules == {c1, c2}
    assert state.note_seen_modules == {c1}


def test_another_learners_progress_on_the_same_course_never_appears(
    core: Course, learner: User, lessons: Lessons
) -> None:
    _complete_everything(UserFactory.create(), core, lessons)
    services.enroll_learner(user=learner, course=core)

    state = assert_agrees_with_the_orm(learner, "core", lessons.c1_first.slug)

    assert state.cycle is not None
    assert state.cycle.enrollment.user_id == learner.pk
    assert (state.lesson_first_viewed_at, state.lesson_completed_at) == (None, None)
    assert state.completed_lessons == frozenset()
    assert state.entered_modules == frozenset()
    assert state.note_seen_modules == frozenset()
    with pytest.raises(ReadingPlace.DoesNotExist):
        state.cycle.enrollment.reading_place  # noqa: B018


def test_the_learners_progress_on_another_course_with_the_same_lessons_never_appears(
    core: Course, learner: User, lessons: Lessons
) -> None:
    # Every course has the core track: the same lessons, read in separate enrolments.
    other: Course = CourseFactory.create(
        slug="core-and-more", tracks=[Track.objects.get(slug="core")]
    )
    _complete_everything(learner, core, lessons)
    services.enroll_learner(user=learner, course=other)

    state = assert_agrees_with_the_orm(learner, "core-and-more", lessons.c1_first.slug)

    assert state.course.pk == other.pk
    assert (state.lesson_first_viewed_at, state.lesson_completed_at) == (None, None)
    assert state.completed_lessons == frozenset()
    assert state.entered_modules == frozenset()
    assert state.note_seen_modules == frozenset()


# --- Cost ----------------------------------------------------------------------------------


def test_the_whole_state_is_read_in_one_query(
    learner: User, lessons: Lessons, in_progress: None, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        state = reading_state(user=learner, course_slug="core", lesson_slug=lessons.c1_second.slug)

    # And nothing it carries costs another.
    assert state is not None and state.cycle is not None
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert state.cycle.enrollment.reading_place.lesson_id == lessons.c2_first.pk
        assert state.lesson_completed_at is not None
        assert len(state.completed_lessons) == 1
        assert len(state.entered_modules) == 2
        assert len(state.note_seen_modules) == 1


def test_on_postgresql_the_statement_is_prepared_once_per_connection(
    learner: User, lessons: Lessons, in_progress: None
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; SQLite caches statements itself")
    for _ in range(3):
        reading_state(user=learner, course_slug="core", lesson_slug=lessons.c1_second.slug)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%courses_readingplace%"],
        )
        assert cursor.fetchone()[0] == 1
