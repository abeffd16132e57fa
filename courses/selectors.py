"""Reads for the course pages and the dashboard, each in a fixed number of queries.

Which lessons belong to a course is decided here and nowhere else: the current lessons
of the current modules of the current tracks the course is made of. Progress is counted
in the database (counts grouped by module or course), never by loading rows to count
them in Python.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from courses.models import Course, EnrollmentCycle, LessonProgress, ReadingPlace
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


def _count(
    queryset: models.QuerySet[LessonProgress] | models.QuerySet[Lesson], by: str
) -> Subquery:
    # COUNT(*) of a correlated subquery: grouping by the column the subquery is
    # correlated on leaves one group, so the subquery returns one row (or none: 0).
    return Subquery(queryset.order_by().values(by).annotate(n=Count("pk")).values("n"))


def course_progress(*, course: Course, cycle: EnrollmentCycle | None) -> CourseProgress:
    """Lessons completed and in total, per module and for the course, in one query."""
    completed: models.Expression = Value(0)
    if cycle is not None:
        completed = Coalesce(
            _count(
                LessonProgress.objects.filter(
                    cycle=cycle,
                    completed_at__isnull=False,
                    lesson__module=OuterRef("pk"),
                    lesson__retired_at__isnull=True,
                ),
                "lesson__module",
            ),
            0,
        )
    modules = list(
        course_modules(course).annotate(
            lessons_total=Count("lessons", filter=Q(lessons__retired_at__isnull=True)),
            lessons_completed=completed,
        )
    )
    rows = [
        ModuleProgress(
            module=module,
            progress=Progress(
                completed=module.lessons_completed,
                total=module.lessons_total,
            ),
        )
        for module in modules
    ]
    return CourseProgress(
        modules=rows,
        progress=Progress(
            completed=sum(row.progress.completed for row in rows),
            total=sum(row.progress.total for row in rows),
        ),
        minutes=sum(module.minutes for module in modules),
    )


@dataclass(frozen=True)
class LessonStatus:
    lesson: Lesson
    is_completed: bool


def module_lessons(*, module: Module, cycle: EnrollmentCycle | None) -> list[LessonStatus]:
    """The module's current lessons with whether the learner completed each, in one query."""
    lessons = Lesson.objects.current().filter(module=module).order_by("order", "slug")
    if cycle is None:
        return [LessonStatus(lesson=lesson, is_completed=False) for lesson in lessons]
    completed = LessonProgress.objects.filter(
        cycle=cycle, lesson=OuterRef("pk"), completed_at__isnull=False
    )
    return [
        LessonStatus(lesson=lesson, is_completed=lesson.is_completed)
        for lesson in lessons.annotate(is_completed=models.Exists(completed))
    ]


@dataclass(frozen=True)
class LessonPosition:
    """Where a lesson sits in its course, for the lesson page: the lessons before and
    after it, and progress in its module and in the course."""

    previous: Lesson | None
    next: Lesson | None
    module_progress: Progress
    course_progress: Progress


def lesson_position(
    *, course: Course, cycle: EnrollmentCycle | None, lesson: Lesson
) -> LessonPosition:
    """The course's lessons in reading order, each marked completed or not by the
    database, in one query (ids, slugs and titles only): the page needs the whole
    sequence for its previous and next links, so the counts come from the same rows."""
    is_completed: Value | models.Exists = Value(False)
    if cycle is not None:
        is_completed = models.Exists(
            LessonProgress.objects.filter(
                cycle=cycle, lesson=OuterRef("pk"), completed_at__isnull=False
            )
        )
    rows = course_lessons(course).only("pk", "slug", "title", "module_id")
    lessons: list[Lesson] = []
    completed: set[int] = set()
    for row in rows.annotate(is_completed=is_completed):
        lessons.append(row)
        if row.is_completed:
            completed.add(row.pk)
    index = next((i for i, candidate in enumerate(lessons) if candidate.pk == lesson.pk), None)
    in_module = {each.pk for each in lessons if each.module_id == lesson.module_id}
    return LessonPosition(
        previous=lessons[index - 1] if index else None,
        next=lessons[index + 1] if index is not None and index + 1 < len(lessons) else None,
        module_progress=Progress(completed=len(in_module & completed), total=len(in_module)),
        course_progress=Progress(completed=len(completed), total=len(lessons)),
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
    progress in its current cycle: four queries, whatever the number of courses, modules,
    lessons or progress rows."""
    visible = list(Course.objects.visible_to(user))
    # The current cycle of each enrolment is its highest number.
    cycles: dict[int, int] = {}
    for course_id, cycle_id in (
        EnrollmentCycle.objects.filter(enrollment__user=user)
        .order_by("enrollment__course", "number")
        .values_list("enrollment__course", "pk")
    ):
        cycles[course_id] = cycle_id
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
                cycle__in=cycles.values(),
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
    return [
        CourseCard(
            course=course,
            is_enrolled=course.pk in cycles,
            progress=Progress(
                completed=completed.get(course.pk, 0), total=totals.get(course.pk, 0)
            ),
        )
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
