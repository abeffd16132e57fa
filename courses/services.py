"""Use cases of learning on a course: enrolling, reading, pausing, completing lessons.

Every function is keyword-only, owns its transaction, and raises the exceptions below
for what the learner may not do; views turn those into pages. A lesson or module is
always opened *in a course* (`course=`): the core track belongs to every course, and
progress and the reading place belong to the learner's enrolment on that course.

Reading a lesson writes only what changed: the first view of a lesson, the first entry
into a module, a move of the reading place. Opening the same lesson again writes
nothing, so the lesson page stays a read for the database in the common case.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses import selectors
from courses.models import (
    Course,
    Enrollment,
    EnrollmentCycle,
    LessonProgress,
    ModuleEntry,
    ReadingPlace,
)
from courses.models.progress import SECTION_ID_MAX_LENGTH
from courses.outline import CourseOutline, course_outline, current_version
from courses.reading_state import ReadingState, reading_state
from curriculum.markdown import lesson_sections
from curriculum.models import Lesson, Module

# The anchors the Markdown pipeline gives headings: letters, digits, hyphens, underscores.
# A section id is also checked against the lesson's own headings.
SECTION_ID_RE = re.compile(rf"^[A-Za-z0-9_-]{{0,{SECTION_ID_MAX_LENGTH}}}$")


class CourseError(Exception):
    """Something a learner asked for that the course does not allow."""


class CourseNotOpen(CourseError):
    """The course is not published, and the learner is not already on it."""


class CurriculumNotLoaded(CourseError):
    """No curriculum version has been loaded, so there is nothing to pin an enrolment to."""


class NotEnrolled(CourseError):
    """The learner has not started this course."""


class NotInCourse(CourseError):
    """The lesson or module is not (or no longer) part of the course."""


class InvalidSection(CourseError):
    """The section is not a heading anchor."""


# --- Enrolment ----------------------------------------------------------------------------


def _current_version() -> str:
    version = current_version()
    if not version:
        raise CurriculumNotLoaded("Load the curriculum before enrolling anyone.")
    return version


def enroll_learner(*, user: User, course: Course) -> Enrollment:
    """Put the learner on the course, pinning the current curriculum version; idempotent.

    A learner already on the course keeps their enrolment, version and progress, even if
    the course has since been unpublished. Starting opens cycle 1.
    """
    with transaction.atomic():
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
        if enrollment is not None:
            return enrollment
        if not course.is_published:
            raise CourseNotOpen(f"The course {course.slug!r} is not open for enrolment.")
        version = _current_version()
        enrollment, created = Enrollment.objects.get_or_create(
            user=user, course=course, defaults={"content_version": version}
        )
        if created:
            EnrollmentCycle.objects.create(enrollment=enrollment, number=1, content_version=version)
    return enrollment


def _cycle_for(*, user: User, course: Course) -> EnrollmentCycle:
    cycle = selectors.current_cycle(user=user, course=course)
    if cycle is None:
        raise NotEnrolled(f"The learner has not started the course {course.slug!r}.")
    return cycle


def _cycle_outline(course: Course, cycle: EnrollmentCycle) -> CourseOutline:
    return course_outline(course, cycle.content_version)


def _require_lesson(*, course: Course, cycle: EnrollmentCycle, lesson: Lesson) -> Lesson:
    """The lesson as the cycle's version has it (its text decides which sections exist)."""
    pinned = _cycle_outline(course, cycle).lesson_by_id(lesson.pk)
    if pinned is None:
        raise NotInCourse(f"The lesson {lesson.slug!r} is not part of {course.slug!r}.")
    return pinned


def _require_module(*, course: Course, cycle: EnrollmentCycle, module: Module) -> None:
    if module.pk not in _cycle_outline(course, cycle).modules:
        raise NotInCourse(f"The module {module.slug!r} is not part of {course.slug!r}.")


def _check_section(section_id: str, lesson: Lesson) -> str:
    # The form first (cheap, and all that untrusted input gets past), then the lesson's
    # own headings (rendered once and cached by the Markdown pipeline).
    if section_id and not (
        SECTION_ID_RE.match(section_id)
        and any(section.id == section_id for section in lesson_sections(lesson.body))
    ):
        raise InvalidSection("A section is the anchor of one of the lesson's headings.")
    return section_id


def _existing_place(cycle: EnrollmentCycle) -> ReadingPlace | None:
    # Loaded with the cycle (select_related); a missing reverse one-to-one raises.
    try:
        return cycle.enrollment.reading_place
    except ReadingPlace.DoesNotExist:
        return None


def _put_place(
    *,
    enrollment: Enrollment,
    place: ReadingPlace | None,
    lesson: Lesson,
    section_id: str,
    on_break: bool,
) -> ReadingPlace:
    """Overwrite the enrolment's one reading place (loaded with the cycle as `place`)."""
    values = {
        "lesson": lesson,
        "section_id": section_id,
        "on_break": on_break,
        "saved_at": timezone.now(),
    }
    # Moving an existing place is one UPDATE; the first place of an enrolment, or one
    # removed meanwhile, goes through update_or_create, which copes with a race.
    if place is not None and ReadingPlace.objects.filter(pk=place.pk).update(**values):
        for name, value in values.items():
            setattr(place, name, value)
        return place
    place, _created = ReadingPlace.objects.update_or_create(enrollment=enrollment, defaults=values)
    return place


# --- Reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonOpening:
    """What opening a lesson did, and what the page must show."""

    cycle: EnrollmentCycle
    place: ReadingPlace
    # The module's content note comes first (DESIGN.md §6): on the first entry into the
    # module in this cycle, whichever lesson was opened, until the learner continues.
    must_show_content_note: bool
    # None while the content note is shown: the lesson itself has not been seen yet.
    first_viewed_at: datetime | None
    completed_at: datetime | None


def open_lesson(
    *,
    user: User,
    course: Course,
    lesson: Lesson,
    outline: CourseOutline | None = None,
    state: ReadingState | None = None,
) -> LessonOpening:
    """Record that the learner opened the lesson, and say whether the module's content
    note must be shown first.

    The reading place moves to the lesson (keeping its section when it was already
    there, as when resuming, and ending a break). The first view of the lesson is
    recorded once the lesson itself is shown, not while its content note is.
    The lesson page passes what it has read already: `state`, the learner's state for
    this lesson (`courses.reading_state`), and `outline`, the course's outline at their
    version, against which the lesson's membership is checked without a query.
    """
    if state is None:
        state = reading_state(user=user, course_slug=course.slug, lesson_slug=lesson.slug)
    if state is None or state.cycle is None:
        raise NotEnrolled(f"The learner has not started the course {course.slug!r}.")
    cycle = state.cycle
    if outline is None or outline.version != cycle.content_version:
        outline = _cycle_outline(course, cycle)
    if not outline.includes(lesson.pk):
        raise NotInCourse(f"The lesson {lesson.slug!r} is not part of {course.slug!r}.")
    has_entry = lesson.module_id in state.entered_modules
    note_seen = lesson.module_id in state.note_seen_modules
    first_viewed_at, completed_at = state.lesson_first_viewed_at, state.lesson_completed_at
    place = _existing_place(cycle)
    has_note = bool(lesson.module.content_note.strip())
    must_show_note = has_note and not note_seen
    place_moves = place is None or place.lesson_id != lesson.pk or place.on_break
    if (
        has_entry
        and place is not None
        and not place_moves
        and (first_viewed_at is not None or must_show_note)
    ):
        # The common case, a lesson opened again: nothing to write.
        return LessonOpening(
            cycle=cycle,
            place=place,
            must_show_content_note=must_show_note,
            first_viewed_at=first_viewed_at,
            completed_at=completed_at,
        )

    with transaction.atomic():
        if not has_entry:
            ModuleEntry.objects.get_or_create(cycle=cycle, module_id=lesson.module_id)
        if not must_show_note and first_viewed_at is None:
            progress, _ = LessonProgress.objects.get_or_create(cycle=cycle, lesson=lesson)
            first_viewed_at, completed_at = progress.first_viewed_at, progress.completed_at
        if place is None or place_moves:
            keep_section = place is not None and place.lesson_id == lesson.pk
            place = _put_place(
                enrollment=cycle.enrollment,
                place=place,
                lesson=lesson,
                section_id=place.section_id if keep_section and place is not None else "",
                on_break=False,
            )
    return LessonOpening(
        cycle=cycle,
        place=place,
        must_show_content_note=must_show_note,
        first_viewed_at=first_viewed_at,
        completed_at=completed_at,
    )


def acknowledge_content_note(*, user: User, course: Course, module: Module) -> ModuleEntry:
    """Record that the learner read the module's content note and chose to continue.

    The note is then not shown again in this cycle; the first time counts.
    """
    cycle = _cycle_for(user=user, course=course)
    _require_module(course=course, cycle=cycle, module=module)
    with transaction.atomic():
        entry, _ = ModuleEntry.objects.get_or_create(cycle=cycle, module=module)
        if entry.content_note_seen_at is None:
            entry.content_note_seen_at = timezone.now()
            ModuleEntry.objects.filter(pk=entry.pk, content_note_seen_at__isnull=True).update(
                content_note_seen_at=entry.content_note_seen_at
            )
    return entry


def save_place(*, user: User, course: Course, lesson: Lesson, section_id: str) -> ReadingPlace:
    """Remember the section of the lesson the learner is reading (sent by the page's
    script as they leave it). Leaves a break as it is."""
    cycle = _cycle_for(user=user, course=course)
    lesson = _require_lesson(course=course, cycle=cycle, lesson=lesson)
    section_id = _check_section(section_id, lesson)
    place = _existing_place(cycle)
    with transaction.atomic():
        return _put_place(
            enrollment=cycle.enrollment,
            place=place,
            lesson=lesson,
            section_id=section_id,
            on_break=place.on_break if place is not None else False,
        )


def take_break(*, user: User, course: Course, lesson: Lesson, section_id: str) -> ReadingPlace:
    """Save the learner's place (lesson and section) and mark that they are on a break.

    Only the latest place is kept, overwritten each time: no history of breaks exists
    for anyone to read (DESIGN.md §5).
    """
    cycle = _cycle_for(user=user, course=course)
    lesson = _require_lesson(course=course, cycle=cycle, lesson=lesson)
    section_id = _check_section(section_id, lesson)
    with transaction.atomic():
        return _put_place(
            enrollment=cycle.enrollment,
            place=_existing_place(cycle),
            lesson=lesson,
            section_id=section_id,
            on_break=True,
        )


def mark_lesson_complete(*, user: User, course: Course, lesson: Lesson) -> LessonProgress:
    """Record that the learner completed the lesson; idempotent, and never undone: the
    first completion time stands."""
    cycle = _cycle_for(user=user, course=course)
    _require_lesson(course=course, cycle=cycle, lesson=lesson)
    now = timezone.now()
    # The version the learner read it in: their cycle's.
    version = cycle.content_version
    with transaction.atomic():
        progress, created = LessonProgress.objects.get_or_create(
            cycle=cycle,
            lesson=lesson,
            defaults={"first_viewed_at": now, "completed_at": now, "content_version": version},
        )
        if not created and progress.completed_at is None:
            # Guarded in the database too: a concurrent completion keeps its earlier time.
            if LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
                completed_at=now, content_version=version
            ):
                progress.completed_at, progress.content_version = now, version
            else:
                progress.refresh_from_db(fields=["completed_at", "content_version"])
    return progress


# --- Resuming -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumeTarget:
    lesson: Lesson
    section_id: str
    on_break: bool
    url: str


def lesson_url(*, course: Course, lesson: Lesson, section_id: str = "") -> str:
    url = reverse("courses:lesson", kwargs={"course_slug": course.slug, "lesson_slug": lesson.slug})
    return f"{url}#{section_id}" if section_id else url


def resume_target(
    *, user: User, course: Course, outline: CourseOutline | None = None
) -> ResumeTarget | None:
    """Where "Resume" takes the learner on this course: the lesson and section of their
    saved place, on whatever device they are using now. None when they have no place,
    or its lesson is not part of the course at the version they read (`outline`, looked
    up when the caller does not have it)."""
    place = ReadingPlace.objects.filter(enrollment__user=user, enrollment__course=course).first()
    if place is None:
        return None
    if outline is None:
        cycle = _cycle_for(user=user, course=course)
        outline = _cycle_outline(course, cycle)
    lesson = outline.lesson_by_id(place.lesson_id)
    if lesson is None:
        return None
    return ResumeTarget(
        lesson=lesson,
        section_id=place.section_id,
        on_break=place.on_break,
        url=lesson_url(course=course, lesson=lesson, section_id=place.section_id),
    )
