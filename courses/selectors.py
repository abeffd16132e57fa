"""Reads for the course pages and the dashboard, each in a fixed number of queries.

Which lessons belong to a course is decided here and nowhere else: the current lessons
of the current modules of the current tracks the course is made of. Progress is counted
in the database (counts grouped by module or course), never by loading rows to count
them in Python.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, F

from accounts.models import User
from courses.models import Course, EnrollmentCycle, LessonProgress, ReadingPlace
from courses.outline import CourseOutline, OutlineLesson, course_outline, current_version
from curriculum.models import Lesson, Module


def course_modules(course: Course) -> models.QuerySet[Module]:
    """The course's current modules, in reading order (track, then module)."""
    return (
        Module.objects.current()
        .filter(track__retired_at__isnull=True, track__courses=course)
        .order_by("track__order", "track__slug", "order", "slug")
    )


def course_lessons(course: Course) -> models.QuerySet[Lesson]:
    """The course's current lessons, in reading order (track, module, lesson)."""
    return (
        Lesson.objects.current()
        .filter(
            module__retired_at__isnull=True,
            module__track__retired_at__isnull=True,
            module__track__courses=course,
        )
        .order_by(
            "module__track__order",
            "module__track__slug",
            "module__order",
            "module__slug",
            "order",
            "slug",
        )
    )


def current_cycle(*, user: User, course: Course) -> EnrollmentCycle | None:
    """The learner's latest cycle on the course, with its enrolment and reading place."""
    return (
        EnrollmentCycle.objects.filter(enrollment__user=user, enrollment__course=course)
        .select_related("enrollment__reading_place")
        .order_by("-number")
        .first()
    )


# --- Progress -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    completed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.completed >= self.total


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    progress: Progress


@dataclass(frozen=True)
class CourseProgress:
    modules: list[ModuleProgress]
    progress: Progress
    minutes: int


def course_progress(*, outline: CourseOutline, completed: Iterable[int]) -> CourseProgress:
    """Lessons completed and in total, per module and for the course, counted against
    the outline the learner reads, with no query (`completed`: any lesson ids)."""
    done = set(completed)
    rows = []
    for module_id in outline.module_ids():
        lessons = outline.lessons_of(module_id)
        rows.append(
            ModuleProgress(
                module=outline.module(module_id),
                progress=Progress(
                    completed=sum(1 for each in lessons if each.pk in done), total=len(lessons)
                ),
            )
        )
    return CourseProgress(
        modules=rows,
        progress=Progress(
            completed=sum(row.progress.completed for row in rows),
            total=sum(row.progress.total for row in rows),
        ),
        minutes=sum(row.module.minutes for row in rows),
    )


@dataclass(frozen=True)
class LessonStatus:
    lesson: OutlineLesson
    is_completed: bool


def module_lessons(
    *, outline: CourseOutline, module_id: int, completed: Iterable[int]
) -> list[LessonStatus]:
    """The module's lessons in the outline with whether the learner completed each."""
    done = set(completed)
    return [
        LessonStatus(lesson=each, is_completed=each.pk in done)
        for each in outline.lessons_of(module_id)
    ]


# --- Reading a course's outline ------------------------------------------------------------


def completed_lesson_ids(*, cycle: EnrollmentCycle | None) -> set[int]:
    """The lessons completed in the cycle (retired ones too: count them against an
    outline), in one query of ids only; none before the learner starts."""
    if cycle is None:
        return set()
    return set(
        LessonProgress.objects.filter(cycle=cycle, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )


@dataclass(frozen=True)
class LessonPosition:
    """Where a lesson sits in its course, for the lesson page: the lessons before and
    after it, and progress in its module and in the course."""

    previous: OutlineLesson | None
    next: OutlineLesson | None
    module_progress: Progress
    course_progress: Progress


def lesson_position(
    *, outline: CourseOutline, index: int, completed: Iterable[int]
) -> LessonPosition:
    """Previous and next from the course's outline, and progress counted from the ids
    of the lessons the learner completed (`completed`, any lessons: only the outline's
    count), with no query."""
    lessons = outline.lessons
    lesson = lessons[index]
    done = set(completed)
    in_module = [each.pk for each in lessons if each.module_id == lesson.module_id]
    return LessonPosition(
        previous=lessons[index - 1] if index else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        module_progress=Progress(
            completed=sum(1 for pk in in_module if pk in done), total=len(in_module)
        ),
        course_progress=Progress(
            completed=sum(1 for each in lessons if each.pk in done), total=len(lessons)
        ),
    )


# --- The dashboard ------------------------------------------------------------------------


def _offered_to(courses: Iterable[Course], role: str) -> list[Course]:
    published = [course for course in courses if course.is_published]
    offered = [course for course in published if course.is_offered_to(role)]
    return offered or [course for course in published if course.is_offered_to("other")]


def offered_courses(*, user: User) -> list[Course]:
    """The published courses offered to the learner's professional role.

    A role with no published course of its own is offered the courses for `other` (the
    Core course), so every learner is offered something while role tracks are written.
    Anyone may still open and start any published course from its page.
    """
    return _offered_to(Course.objects.published(), user.professional_role)


@dataclass(frozen=True)
class CourseCard:
    course: Course
    is_enrolled: bool
    progress: Progress


def learner_courses(*, user: User) -> list[CourseCard]:
    """The courses offered to the learner and those they are enrolled in, each with
    progress in its current cycle: five queries, whatever the number of courses, modules,
    lessons or progress rows, plus one for each course the learner reads at an earlier
    curriculum version (and its outline, when not cached): rare, as only a substantive
    new edition makes one."""
    visible = list(Course.objects.visible_to(user))
    # The current cycle of each enrolment is its highest number.
    cycles: dict[int, EnrollmentCycle] = {}
    for cycle in (
        EnrollmentCycle.objects.filter(enrollment__user=user)
        .select_related("enrollment")
        .order_by("enrollment__course", "number")
    ):
        cycles[cycle.enrollment.course_id] = cycle
    offered = {course.pk for course in _offered_to(visible, user.professional_role)}
    courses = [course for course in visible if course.pk in offered or course.pk in cycles]
    if not courses:
        return []
    totals: dict[int, int] = dict(
        course_lessons_of(course.pk for course in courses)
        .order_by()
        .values_list("module__track__courses")
        .annotate(n=Count("pk"))
    )
    completed: dict[int, int] = {}
    if cycles:
        completed = dict(
            LessonProgress.objects.filter(
                cycle__in=[cycle.pk for cycle in cycles.values()],
                completed_at__isnull=False,
                lesson__retired_at__isnull=True,
                lesson__module__retired_at__isnull=True,
                lesson__module__track__retired_at__isnull=True,
                lesson__module__track__courses=F("cycle__enrollment__course"),
            )
            .order_by()
            .values_list("cycle__enrollment__course")
            .annotate(n=Count("pk"))
        )
    progress = {
        course.pk: Progress(completed=completed.get(course.pk, 0), total=totals.get(course.pk, 0))
        for course in courses
    }
    version = current_version() if cycles else ""
    for course in courses:
        pinned = cycles.get(course.pk)
        if pinned is not None and pinned.content_version != version:
            # Pinned to an earlier version: count against that version's outline.
            outline = course_outline(course, pinned.content_version)
            done = completed_lesson_ids(cycle=pinned)
            progress[course.pk] = Progress(
                completed=sum(1 for each in outline.lessons if each.pk in done),
                total=len(outline.lessons),
            )
    return [
        CourseCard(course=course, is_enrolled=course.pk in cycles, progress=progress[course.pk])
        for course in courses
    ]


def course_lessons_of(course_ids: Iterable[int]) -> models.QuerySet[Lesson]:
    """The current lessons of several courses (a lesson of a shared track appears once
    per course)."""
    return Lesson.objects.current().filter(
        module__retired_at__isnull=True,
        module__track__retired_at__isnull=True,
        module__track__courses__in=list(course_ids),
    )


def latest_place(*, user: User) -> ReadingPlace | None:
    """Where the learner last stopped, in any course, if that lesson is still part of the
    course (a retired lesson is no place to resume)."""
    return (
        ReadingPlace.objects.filter(
            enrollment__user=user,
            lesson__retired_at__isnull=True,
            lesson__module__retired_at__isnull=True,
            lesson__module__track__retired_at__isnull=True,
            lesson__module__track__courses=F("enrollment__course"),
        )
        .select_related("lesson__module", "enrollment__course")
        .order_by("-saved_at", "-pk")
        .first()
    )
