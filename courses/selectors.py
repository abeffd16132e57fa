"""Reads for the course pages and the dashboard, each in a fixed number of queries.

Which lessons belong to a course is decided here and nowhere else: the current lessons
of the current modules of the current tracks the course is made of. Progress is counted
in the database (counts grouped by module or course), never by loading rows to count
them in Python.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from courses.models import Course, EnrollmentCycle, LessonProgress, ReadingPlace
from curriculum.markdown import markdown_key
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


# --- The course's outline ------------------------------------------------------------------

OUTLINE_CACHE_TIMEOUT = 60 * 60 * 24
_MODULE_FIELDS = ("id", "track_id", "slug", "title", "content_note", "references", "review_status")
_LESSON_FIELDS = ("id", "module_id", "slug", "title", "minutes", "body", "content_hash")


@dataclass(frozen=True)
class OutlineLesson:
    """A lesson of the outline: enough for the lesson page and its neighbours' links."""

    pk: int
    module_id: int
    slug: str
    title: str
    # The cache key of the lesson's rendered Markdown (curriculum.markdown.markdown_key),
    # hashed once per outline instead of on every request.
    markdown_key: str


@dataclass(frozen=True)
class CourseOutline:
    """The course's current lessons in reading order, with their modules: what the lesson
    page needs of the curriculum, cached per course (`course_outline`)."""

    lessons: tuple[OutlineLesson, ...]
    # Field values, not model instances: cheap to unpickle, fresh instances per request.
    modules: dict[int, tuple[object, ...]]
    bodies: dict[int, tuple[object, ...]]

    def index_of(self, slug: str) -> int | None:
        return next((i for i, each in enumerate(self.lessons) if each.slug == slug), None)

    def includes(self, lesson_id: int) -> bool:
        return any(each.pk == lesson_id for each in self.lessons)

    def lesson(self, index: int) -> Lesson:
        """The lesson at `index` as an unsaved-looking instance of its row, with its module
        attached (never saved: the page only reads it)."""
        entry = self.lessons[index]
        lesson = Lesson(**dict(zip(_LESSON_FIELDS, self.bodies[entry.pk], strict=True)))
        lesson.module = Module(
            **dict(zip(_MODULE_FIELDS, self.modules[entry.module_id], strict=True))
        )
        lesson._state.adding = False
        lesson.module._state.adding = False
        return lesson


def _outline_key(course: Course) -> str:
    # Bump the "1" when CourseOutline's shape changes: outlines pickled by the old code
    # are then never read again.
    return f"courses:outline:1:{course.pk}:{course.updated_at.isoformat()}"


def course_outline(course: Course) -> CourseOutline:
    """The course's outline, from the cache when it holds one for this version of the
    course, else in two queries (lessons, then their modules).

    The key carries the course's `updated_at`, which the content loader touches on every
    course whenever a load changes anything (courses.content): a reload retires every
    cached outline in every process, and the course row the page loads anyway says which
    outline is current. The curriculum changes only through the loader (its admin is
    read-only)."""
    key = _outline_key(course)
    outline = cache.get(key)
    if isinstance(outline, CourseOutline):
        return outline
    rows = list(course_lessons(course).values_list(*_LESSON_FIELDS))
    modules = {
        row[0]: row
        for row in Module.objects.filter(pk__in={row[1] for row in rows}).values_list(
            *_MODULE_FIELDS
        )
    }
    outline = CourseOutline(
        lessons=tuple(
            OutlineLesson(
                pk=row[0],
                module_id=row[1],
                slug=row[2],
                title=row[3],
                markdown_key=markdown_key(row[5], modules[row[1]][5]),
            )
            for row in rows
        ),
        modules=modules,
        bodies={row[0]: row for row in rows},
    )
    cache.set(key, outline, OUTLINE_CACHE_TIMEOUT)
    return outline


def completed_lesson_ids(*, cycle: EnrollmentCycle) -> set[int]:
    """The lessons completed in the cycle (retired ones too: count them against an
    outline), in one query of ids only."""
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
