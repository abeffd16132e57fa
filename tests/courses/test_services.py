"""Enrolling, opening lessons, the content note, the reading place and breaks, and
completing lessons (courses.services)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from courses import services
from courses.models import (
    Course,
    Enrollment,
    EnrollmentCycle,
    LessonProgress,
    ModuleEntry,
    ReadingPlace,
)
from curriculum.models import CurriculumVersion, Lesson, Module
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory
from tests.curriculum.factories import (
    CurriculumVersionFactory,
    LessonFactory,
    ModuleFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


def lessons_of(course: Course) -> list[Lesson]:
    from courses.outline import course_lessons

    return list(course_lessons(course).select_related("module"))


# --- Enrolment -------------------------------------------------------------------------------


def test_enroll_learner_pins_the_current_curriculum_version_and_opens_cycle_one(
    core: Course, learner: User
) -> None:
    CurriculumVersionFactory(version="1.1.0-draft", loaded_at=timezone.now() + dt.timedelta(1))

    enrollment = services.enroll_learner(user=learner, course=core)

    assert enrollment.content_version == "1.1.0-draft"
    cycle = EnrollmentCycle.objects.get(enrollment=enrollment)
    assert (cycle.number, cycle.content_version, cycle.completed_at) == (1, "1.1.0-draft", None)


def test_enroll_learner_is_idempotent(core: Course, learner: User) -> None:
    first = services.enroll_learner(user=learner, course=core)
    CurriculumVersionFactory(version="2.0.0-draft", loaded_at=timezone.now() + dt.timedelta(1))

    second = services.enroll_learner(user=learner, course=core)

    assert second.pk == first.pk
    # The version pinned at enrolment stays pinned.
    assert second.content_version == "1.0.0-draft"
    assert Enrollment.objects.count() == 1
    assert EnrollmentCycle.objects.count() == 1


def test_enroll_learner_refuses_an_unpublished_course(learner: User) -> None:
    CurriculumVersionFactory()
    course = CourseFactory(is_published=False)
    with pytest.raises(services.CourseNotOpen):
        services.enroll_learner(user=learner, course=course)
    assert not Enrollment.objects.exists()


def test_a_learner_already_on_a_course_keeps_it_when_it_is_unpublished(
    core: Course, learner: User
) -> None:
    enrollment = services.enroll_learner(user=learner, course=core)
    core.is_published = False
    core.save()
    assert services.enroll_learner(user=learner, course=core).pk == enrollment.pk


def test_enroll_learner_needs_a_loaded_curriculum(learner: User) -> None:
    course = CourseFactory()
    CurriculumVersion.objects.all().delete()
    with pytest.raises(services.CurriculumNotLoaded):
        services.enroll_learner(user=learner, course=course)


# --- Opening lessons and the content note ----------------------------------------------------


def test_opening_a_lesson_before_enrolling_is_refused(core: Course, learner: User) -> None:
    lesson = lessons_of(core)[0]
    with pytest.raises(services.NotEnrolled):
        services.open_lesson(user=learner, course=core, lesson=lesson)
    assert not ReadingPlace.objects.exists()
    assert not LessonProgress.objects.exists()


def test_a_learner_cannot_open_a_lesson_of_another_course_they_are_not_on(
    core: Course, learner: User
) -> None:
    other_track = TrackFactory(slug="le", title="Law enforcement")
    other_lesson = LessonFactory(module=ModuleFactory(track=other_track))
    CourseFactory(slug="law-enforcement", tracks=[other_track])
    services.enroll_learner(user=learner, course=core)

    # Not through the course they are on, which does not include that lesson...
    with pytest.raises(services.NotInCourse):
        services.open_lesson(user=learner, course=core, lesson=other_lesson)
    # ...and not through the course that does, which they have not started.
    other_course = Course.objects.get(slug="law-enforcement")
    with pytest.raises(services.NotEnrolled):
        services.open_lesson(user=learner, course=other_course, lesson=other_lesson)
    assert not LessonProgress.objects.filter(lesson=other_lesson).exists()


def test_first_entry_into_a_module_shows_its_content_note_before_the_lesson(
    core: Course, learner: User
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[1]  # not the first lesson: any lesson is a way in

    opening = services.open_lesson(user=learner, course=core, lesson=lesson)

    assert opening.must_show_content_note
    # The lesson has not been seen yet, but the place is there, so a break works.
    assert opening.first_viewed_at is None
    assert not LessonProgress.objects.exists()
    assert ModuleEntry.objects.get().content_note_seen_at is None
    assert opening.place.lesson_id == lesson.pk


def test_the_content_note_is_shown_once_per_module_per_cycle(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    first, second, third, _fourth = lessons_of(core)
    assert first.module_id == second.module_id != third.module_id

    services.acknowledge_content_note(user=learner, course=core, module=first.module)
    opening = services.open_lesson(user=learner, course=core, lesson=first)
    assert not opening.must_show_content_note
    assert opening.first_viewed_at is not None
    # Another lesson of the same module: no note again.
    assert not services.open_lesson(user=learner, course=core, lesson=second).must_show_content_note
    # Another module: its own note, once.
    assert services.open_lesson(user=learner, course=core, lesson=third).must_show_content_note

    # A new cycle (a re-take, months later) shows each note again.
    enrollment = Enrollment.objects.get(user=learner, course=core)
    EnrollmentCycle.objects.filter(enrollment=enrollment).update(completed_at=timezone.now())
    EnrollmentCycle.objects.create(enrollment=enrollment, number=2, content_version="1.0.0-draft")
    assert services.open_lesson(user=learner, course=core, lesson=first).must_show_content_note


def test_acknowledging_the_content_note_keeps_the_first_time(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    module = lessons_of(core)[0].module
    first = services.acknowledge_content_note(user=learner, course=core, module=module)
    second = services.acknowledge_content_note(user=learner, course=core, module=module)
    assert second.content_note_seen_at == first.content_note_seen_at
    assert ModuleEntry.objects.count() == 1


def test_a_module_without_a_content_note_opens_straight_at_the_lesson(
    core: Course, learner: User
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    Module.objects.filter(pk=lesson.module_id).update(content_note="")
    lesson.module.refresh_from_db()
    assert not services.open_lesson(user=learner, course=core, lesson=lesson).must_show_content_note


def test_acknowledging_a_module_of_another_course_is_refused(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    elsewhere = ModuleFactory(track=TrackFactory(slug="mh"))
    with pytest.raises(services.NotInCourse):
        services.acknowledge_content_note(user=learner, course=core, module=elsewhere)


def test_opening_a_lesson_records_the_first_view_once(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    services.acknowledge_content_note(user=learner, course=core, module=lesson.module)

    first = services.open_lesson(user=learner, course=core, lesson=lesson)
    again = services.open_lesson(user=learner, course=core, lesson=lesson)

    assert first.first_viewed_at is not None
    assert again.first_viewed_at == first.first_viewed_at
    assert LessonProgress.objects.count() == 1


def test_opening_the_same_lesson_again_writes_nothing(
    core: Course, learner: User, django_assert_num_queries: object
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    services.acknowledge_content_note(user=learner, course=core, module=lesson.module)
    services.open_lesson(user=learner, course=core, lesson=lesson)
    # The cycle with its place, annotated with the module entry and the lesson's
    # progress (membership of the course comes from the cached outline): one read, no
    # transaction, no write.
    with django_assert_num_queries(1):  # type: ignore[operator]
        services.open_lesson(user=learner, course=core, lesson=lesson)


# --- The place and breaks --------------------------------------------------------------------


def test_take_break_saves_the_lesson_and_section_and_resume_returns_there(
    core: Course, learner: User
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[1]

    services.take_break(
        user=learner, course=core, lesson=lesson, section_id="what-it-looks-like-in-practice"
    )

    target = services.resume_target(user=learner, course=core)
    assert target is not None
    assert target.lesson == lesson
    assert target.section_id == "what-it-looks-like-in-practice"
    assert target.on_break
    assert target.url == (f"/learn/core/lessons/{lesson.slug}/#what-it-looks-like-in-practice")


def test_resuming_keeps_the_section_and_ends_the_break(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    services.take_break(user=learner, course=core, lesson=lesson, section_id="why-this-matters")

    # Another device opens the resume link: the lesson, at the same section.
    opening = services.open_lesson(user=learner, course=core, lesson=lesson)

    assert (opening.place.section_id, opening.place.on_break) == ("why-this-matters", False)
    place = ReadingPlace.objects.get()
    assert (place.lesson_id, place.section_id, place.on_break) == (
        lesson.pk,
        "why-this-matters",
        False,
    )


def test_opening_another_lesson_moves_the_place_to_its_top(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    first, second, *_ = lessons_of(core)
    services.save_place(user=learner, course=core, lesson=first, section_id="why-this-matters")

    services.open_lesson(user=learner, course=core, lesson=second)

    place = ReadingPlace.objects.get()
    assert (place.lesson_id, place.section_id) == (second.pk, "")


def test_there_is_one_place_per_enrolment_overwritten_not_a_history_of_breaks(
    core: Course, learner: User
) -> None:
    services.enroll_learner(user=learner, course=core)
    first, second, *_ = lessons_of(core)
    for lesson in (first, second, first):
        services.take_break(user=learner, course=core, lesson=lesson, section_id="")
    assert ReadingPlace.objects.count() == 1
    assert ReadingPlace.objects.get().lesson_id == first.pk


def test_save_place_leaves_a_break_as_it_is(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    services.take_break(user=learner, course=core, lesson=lesson, section_id="why-this-matters")
    # The page's script saves the place as the page goes away, after the break was taken.
    services.save_place(
        user=learner, course=core, lesson=lesson, section_id="keeping-it-in-your-role"
    )
    place = ReadingPlace.objects.get()
    assert (place.section_id, place.on_break) == ("keeping-it-in-your-role", True)


@pytest.mark.parametrize(
    "section",
    ["no-such-heading", "not a heading", "<script>", "x" * 101, "why-this-matters#x", "../../"],
)
def test_a_section_must_be_a_heading_anchor(core: Course, learner: User, section: str) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    with pytest.raises(services.InvalidSection):
        services.take_break(user=learner, course=core, lesson=lesson, section_id=section)
    with pytest.raises(services.InvalidSection):
        services.save_place(user=learner, course=core, lesson=lesson, section_id=section)
    assert not ReadingPlace.objects.exists()


def test_places_are_per_learner(core: Course, learner: User) -> None:
    other = UserFactory()
    for person in (learner, other):
        services.enroll_learner(user=person, course=core)
    first, second, *_ = lessons_of(core)
    services.take_break(user=learner, course=core, lesson=first, section_id="why-this-matters")
    services.take_break(user=other, course=core, lesson=second, section_id="")

    mine = services.resume_target(user=learner, course=core)
    theirs = services.resume_target(user=other, course=core)
    assert mine is not None and theirs is not None
    assert (mine.lesson, mine.section_id) == (first, "why-this-matters")
    assert (theirs.lesson, theirs.section_id) == (second, "")


def test_resume_target_is_none_without_a_place_or_when_its_lesson_was_retired(
    core: Course, learner: User
) -> None:
    services.enroll_learner(user=learner, course=core)
    assert services.resume_target(user=learner, course=core) is None
    lesson = lessons_of(core)[0]
    services.take_break(user=learner, course=core, lesson=lesson, section_id="")
    retire(lesson, core)
    assert services.resume_target(user=learner, course=core) is None


def test_take_break_before_enrolling_is_refused(core: Course, learner: User) -> None:
    with pytest.raises(services.NotEnrolled):
        services.take_break(user=learner, course=core, lesson=lessons_of(core)[0], section_id="")


def retire(lesson: Lesson, course: Course) -> None:
    """What the loader does when a lesson's file is removed: retire the row and touch
    every course (which retires the cached outlines)."""
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(retired_at=now)
    Course.objects.update(updated_at=now)
    course.refresh_from_db()


# --- Completing lessons ----------------------------------------------------------------------


def test_mark_lesson_complete_is_idempotent_and_keeps_the_first_time(
    core: Course, learner: User
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]

    first = services.mark_lesson_complete(user=learner, course=core, lesson=lesson)
    second = services.mark_lesson_complete(user=learner, course=core, lesson=lesson)

    assert first.completed_at is not None
    assert second.completed_at == first.completed_at
    assert LessonProgress.objects.count() == 1


def test_completing_never_un_completes(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    services.acknowledge_content_note(user=learner, course=core, module=lesson.module)
    services.mark_lesson_complete(user=learner, course=core, lesson=lesson)
    completed_at = LessonProgress.objects.get().completed_at

    # Reading it again, taking a break in it, and completing it again change nothing.
    services.open_lesson(user=learner, course=core, lesson=lesson)
    services.take_break(user=learner, course=core, lesson=lesson, section_id="")
    services.open_lesson(user=learner, course=core, lesson=lesson)
    services.mark_lesson_complete(user=learner, course=core, lesson=lesson)

    assert LessonProgress.objects.get().completed_at == completed_at


def test_completing_a_viewed_lesson_keeps_its_first_view(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    services.acknowledge_content_note(user=learner, course=core, module=lesson.module)
    viewed = services.open_lesson(user=learner, course=core, lesson=lesson)
    assert viewed.first_viewed_at is not None and viewed.completed_at is None

    completed = services.mark_lesson_complete(user=learner, course=core, lesson=lesson)

    assert LessonProgress.objects.get().pk == completed.pk
    assert completed.first_viewed_at == viewed.first_viewed_at
    assert completed.completed_at is not None
    reopened = services.open_lesson(user=learner, course=core, lesson=lesson)
    assert reopened.completed_at == completed.completed_at


def test_completing_a_lesson_of_a_course_not_started_is_refused(
    core: Course, learner: User
) -> None:
    with pytest.raises(services.NotEnrolled):
        services.mark_lesson_complete(user=learner, course=core, lesson=lessons_of(core)[0])
    assert not LessonProgress.objects.exists()


def test_a_retired_lesson_keeps_its_progress(core: Course, learner: User) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = lessons_of(core)[0]
    progress = services.mark_lesson_complete(user=learner, course=core, lesson=lesson)

    # The editor removes the lesson file; the loader retires the row, never deletes it.
    retire(lesson, core)

    kept = LessonProgress.objects.get(pk=progress.pk)
    assert kept.completed_at == progress.completed_at
    # It is no longer part of the course to open or complete...
    with pytest.raises(services.NotInCourse):
        services.open_lesson(user=learner, course=core, lesson=lesson)
    with pytest.raises(services.NotInCourse):
        services.mark_lesson_complete(user=learner, course=core, lesson=lesson)
    # ...and the record of having completed it stays as it was.
    assert LessonProgress.objects.get(pk=progress.pk).completed_at == progress.completed_at
