"""Reads for the course pages and the dashboard, each in a fixed number of queries.

Which lessons belong to a course is decided here and nowhere else: the current lessons
of the current modules of the current tracks the course is made of. Progress is counted
in the database (counts grouped by module or course), never by loading rows to count
them in Python.

So is when a module is complete (CURRICULUM.md, "Tracks, courses and completion"): in
the learner's current cycle, every lesson of the module in their outline is completed
and, if the module has a current assessment quiz (its scenario quiz), they have passed
it in that cycle. Which quiz attempts count for a cycle is `_attempts_in_cycle`'s
decision alone.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Subquery, Value, When

from accounts.models import User
from courses.models import Course, EnrollmentCycle, LessonProgress, ReadingPlace
from courses.outline import CourseOutline, OutlineLesson, course_outline, current_version
from curriculum.models import Lesson, Module
from quizzes.models import Attempt, Quiz


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


# --- Completion ---------------------------------------------------------------------------


def _attempts_in_cycle(*, user: User, cycle: EnrollmentCycle) -> models.QuerySet[Attempt]:
    """The learner's attempts that count for the cycle: submitted inside its window, from
    its start until it was completed (or until now, while it is open).

    Cycles select work by time (EnrollmentCycle): a pass earned in an earlier cycle
    belongs to that cycle, so a re-take or a renewal needs a pass of its own. The kind
    of attempt does not matter: a renewal attempt's pass counts for the cycle it falls in.
    """
    attempts = Attempt.objects.filter(user=user, submitted_at__gte=cycle.started_at)
    if cycle.completed_at is not None:
        attempts = attempts.filter(submitted_at__lte=cycle.completed_at)
    return attempts


def _passed_in_cycle(*, user: User, cycle: EnrollmentCycle) -> Exists:
    """Whether the learner passed the outer query's quiz in the cycle."""
    return Exists(
        _attempts_in_cycle(user=user, cycle=cycle).filter(quiz=OuterRef("pk"), passed=True)
    )


def _assessment_quizzes() -> models.QuerySet[Quiz]:
    return Quiz.objects.current().filter(purpose=Quiz.Purpose.ASSESSMENT)


@dataclass(frozen=True)
class Assessments:
    """Which modules have a current assessment quiz (`required`), and which of those the
    learner has passed in the cycle (`passed`; every one of them, should a module have
    more than one)."""

    required: frozenset[int]
    passed: frozenset[int]

    @classmethod
    def of(cls, rows: Iterable[tuple[int, bool]]) -> "Assessments":
        """From (module id, passed) pairs, one per assessment quiz."""
        required: set[int] = set()
        failing: set[int] = set()
        for module_id, passed in rows:
            required.add(module_id)
            if not passed:
                failing.add(module_id)
        return cls(required=frozenset(required), passed=frozenset(required - failing))

    def is_met(self, module_id: int) -> bool:
        """Nothing to pass, or passed: a module without an assessment completes on its
        lessons alone."""
        return module_id not in self.required or module_id in self.passed


NO_ASSESSMENTS = Assessments(required=frozenset(), passed=frozenset())


def module_assessments(
    *, user: User, cycle: EnrollmentCycle | None, module_ids: Iterable[int]
) -> Assessments:
    """The modules' current assessment quizzes and which of them the learner passed in
    the cycle (none before they start), in one query whatever the number of attempts."""
    quizzes = _assessment_quizzes().filter(module_id__in=list(module_ids)).order_by()
    if cycle is None:
        return Assessments.of(
            (module_id, False) for module_id in quizzes.values_list("module_id", flat=True)
        )
    return Assessments.of(
        quizzes.annotate(passed=_passed_in_cycle(user=user, cycle=cycle)).values_list(
            "module_id", "passed"
        )
    )


def is_module_complete(*, lessons: Progress, assessment_met: bool) -> bool:
    """The completion rule for one module in one cycle: every lesson of the module in the
    learner's outline completed, and its assessment quiz, if it has one, passed."""
    return lessons.is_complete and assessment_met


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    # Lessons completed of the module's lessons in the learner's outline.
    progress: Progress
    has_assessment: bool
    has_passed_assessment: bool

    @property
    def is_complete(self) -> bool:
        return is_module_complete(
            lessons=self.progress,
            assessment_met=not self.has_assessment or self.has_passed_assessment,
        )


@dataclass(frozen=True)
class CourseProgress:
    modules: list[ModuleProgress]
    # Lessons completed of the course's lessons.
    progress: Progress
    # Modules complete of the course's modules.
    completion: Progress
    minutes: int

    @property
    def is_complete(self) -> bool:
        """Every module complete (the attestation and the record come after this)."""
        return self.completion.is_complete


def course_progress(
    *, outline: CourseOutline, completed: Iterable[int], assessments: Assessments
) -> CourseProgress:
    """Lessons completed and in total, per module and for the course, counted against
    the outline the learner reads, and which modules are complete, with no query
    (`completed`: any lesson ids; `assessments`: from `module_assessments`)."""
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
                has_assessment=module_id in assessments.required,
                has_passed_assessment=module_id in assessments.passed,
            )
        )
    return CourseProgress(
        modules=rows,
        progress=Progress(
            completed=sum(row.progress.completed for row in rows),
            total=sum(row.progress.total for row in rows),
        ),
        completion=Progress(completed=sum(1 for row in rows if row.is_complete), total=len(rows)),
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


@dataclass(frozen=True)
class QuizStatus:
    """A quiz of a module with the learner's state in their current cycle."""

    quiz: Quiz
    # An attempt started and not yet submitted (in any cycle: it counts for the cycle
    # it is submitted in).
    has_open_attempt: bool
    # The best score of the attempts that count for the cycle, as a fraction of the
    # maximum; None when none does.
    best_score: Decimal | None
    has_passed: bool

    @property
    def is_assessment(self) -> bool:
        return self.quiz.purpose == Quiz.Purpose.ASSESSMENT

    @property
    def best_percent(self) -> int | None:
        # Rounded down: a score shown as the pass mark has reached it.
        return None if self.best_score is None else int(self.best_score * 100)


def module_quizzes(
    *, user: User, cycle: EnrollmentCycle | None, module_id: int
) -> list[QuizStatus]:
    """The module's current quizzes, its assessment first, each with the learner's open
    attempt, best score and pass in the cycle: one query, whatever the number of
    attempts (no state before the learner starts the course)."""
    quizzes = (
        Quiz.objects.current()
        .filter(module_id=module_id)
        .order_by(
            Case(When(purpose=Quiz.Purpose.ASSESSMENT, then=Value(0)), default=Value(1)),
            "order",
            "slug",
        )
    )
    if cycle is None:
        return [
            QuizStatus(quiz=quiz, has_open_attempt=False, best_score=None, has_passed=False)
            for quiz in quizzes
        ]
    counted = _attempts_in_cycle(user=user, cycle=cycle).filter(quiz=OuterRef("pk"))
    open_attempts = Attempt.objects.filter(
        user=user, quiz=OuterRef("pk"), submitted_at__isnull=True
    )
    return [
        QuizStatus(
            quiz=quiz,
            has_open_attempt=quiz.has_open_attempt,
            best_score=quiz.best_score,
            has_passed=quiz.has_passed,
        )
        for quiz in quizzes.annotate(
            has_open_attempt=Exists(open_attempts),
            best_score=Subquery(counted.order_by("-score").values("score")[:1]),
            has_passed=_passed_in_cycle(user=user, cycle=cycle),
        )
    ]


def module_completion(
    *, module: Module, lessons: Iterable[LessonStatus], quizzes: Iterable[QuizStatus]
) -> ModuleProgress:
    """The module's progress and completion from its lessons and quizzes as the module
    page shows them (`module_lessons`, `module_quizzes`), with no query."""
    statuses = list(lessons)
    assessments = [each for each in quizzes if each.is_assessment]
    return ModuleProgress(
        module=module,
        progress=Progress(
            completed=sum(1 for each in statuses if each.is_completed), total=len(statuses)
        ),
        has_assessment=bool(assessments),
        has_passed_assessment=bool(assessments) and all(each.has_passed for each in assessments),
    )


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
    """Of these courses, the published ones offered to the professional role.

    A role with no published course of its own is offered the courses for `other` (the
    Core course), so every learner is offered something while role tracks are written.
    Anyone may still open and start any published course from its page.
    """
    published = [course for course in courses if course.is_published]
    offered = [course for course in published if course.is_offered_to(role)]
    return offered or [course for course in published if course.is_offered_to("other")]


@dataclass(frozen=True)
class CourseCard:
    course: Course
    is_enrolled: bool
    # Lessons completed of the course's lessons.
    progress: Progress
    # Modules complete of the course's modules.
    completion: Progress


def _cycle_assessments(*, user: User, cycles: dict[int, EnrollmentCycle]) -> dict[int, Assessments]:
    """Per course, its modules' current assessment quizzes and which the learner passed
    in their cycle on that course (`cycles`: course id -> cycle), in one query: each
    course's quizzes are checked against that course's own cycle window."""
    passed = Case(
        *(
            When(course_id=course_id, then=_passed_in_cycle(user=user, cycle=cycle))
            for course_id, cycle in cycles.items()
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    rows: dict[int, list[tuple[int, bool]]] = {course_id: [] for course_id in cycles}
    for course_id, module_id, has_passed in (
        _assessment_quizzes()
        .filter(module__track__courses__in=list(cycles))
        .annotate(course_id=F("module__track__courses"))
        .annotate(passed=passed)
        .order_by()
        .values_list("course_id", "module_id", "passed")
    ):
        rows[course_id].append((module_id, has_passed))
    return {course_id: Assessments.of(pairs) for course_id, pairs in rows.items()}


def learner_courses(*, user: User) -> list[CourseCard]:
    """The courses offered to the learner and those they are enrolled in, each with
    lessons completed and modules complete in its current cycle: six queries, whatever
    the number of courses, modules, lessons, progress rows or quiz attempts, plus one
    for each course the learner reads at an earlier curriculum version (and its outline,
    when not cached): rare, as only a substantive new edition makes one."""
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
    # Lessons per (course, module), and completed per (course, module) in the current
    # cycle: counted in the database, one row per module whatever the progress.
    totals: dict[int, dict[int, int]] = {course.pk: {} for course in courses}
    for course_id, module_id, n in (
        course_lessons_of(course.pk for course in courses)
        .order_by()
        .values_list("module__track__courses", "module")
        .annotate(n=Count("pk"))
    ):
        totals[course_id][module_id] = n
    completed: dict[tuple[int, int], int] = {}
    assessments: dict[int, Assessments] = {}
    if cycles:
        completed = {
            (course_id, module_id): n
            for course_id, module_id, n in LessonProgress.objects.filter(
                cycle__in=[cycle.pk for cycle in cycles.values()],
                completed_at__isnull=False,
                lesson__retired_at__isnull=True,
                lesson__module__retired_at__isnull=True,
                lesson__module__track__retired_at__isnull=True,
                lesson__module__track__courses=F("cycle__enrollment__course"),
            )
            .order_by()
            .values_list("cycle__enrollment__course", "lesson__module")
            .annotate(n=Count("pk"))
        }
        assessments = _cycle_assessments(user=user, cycles=cycles)
    cards: dict[int, CourseCard] = {}
    for course in courses:
        met = assessments.get(course.pk, NO_ASSESSMENTS)
        modules = [
            Progress(completed=completed.get((course.pk, module_id), 0), total=n)
            for module_id, n in totals[course.pk].items()
        ]
        complete = sum(
            1
            for module_id, lessons in zip(totals[course.pk], modules, strict=True)
            if is_module_complete(lessons=lessons, assessment_met=met.is_met(module_id))
        )
        cards[course.pk] = CourseCard(
            course=course,
            is_enrolled=course.pk in cycles,
            progress=Progress(
                completed=sum(each.completed for each in modules),
                total=sum(each.total for each in modules),
            ),
            completion=Progress(completed=complete, total=len(modules)),
        )
    version = current_version() if cycles else ""
    for course in courses:
        pinned = cycles.get(course.pk)
        if pinned is not None and pinned.content_version != version:
            # Pinned to an earlier version: count against that version's outline.
            counted = course_progress(
                outline=course_outline(course, pinned.content_version),
                completed=completed_lesson_ids(cycle=pinned),
                assessments=assessments[course.pk],
            )
            cards[course.pk] = CourseCard(
                course=course,
                is_enrolled=True,
                progress=counted.progress,
                completion=counted.completion,
            )
    return [cards[course.pk] for course in courses]


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
