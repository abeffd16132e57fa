"""Factories for courses and learners' progress, and a small curriculum to put them on.

`build_core_course` stands in for `load_curriculum` and courses.yaml, with the
curriculum's own factories (tests/curriculum/factories.py), so that course tests do not
depend on the content files.
"""

from datetime import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from courses.models import (
    Course,
    Enrollment,
    EnrollmentCycle,
    LessonProgress,
    ModuleEntry,
    ReadingPlace,
)
from curriculum.models import Track
from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import (
    CurriculumVersionFactory,
    LessonFactory,
    ModuleFactory,
    TrackFactory,
)

# A lesson with several sections, so that a place can be a heading other than the first.
# No abuse described, as in every real lesson.
SECTIONS = ("Why this matters", "What it looks like in practice", "Keeping it in your role")
PARAGRAPH = (
    "Practitioners meet people at hard moments. Small choices about pacing, explanation "
    "and choice can make a service feel safer[^R1]. This paragraph is here to give the "
    "lesson some length, so that a reader scrolls from one section to the next."
)


def lesson_body(paragraphs_per_section: int = 2) -> str:
    parts = ["An opening paragraph that says what the lesson covers."]
    for title in SECTIONS:
        parts.append(f"## {title}")
        parts.extend([PARAGRAPH] * paragraphs_per_section)
    return "\n\n".join(parts) + "\n"


REFERENCES = [
    {
        "id": "R1",
        "authors": "Substance Abuse and Mental Health Services Administration",
        "title": "SAMHSA's Concept of Trauma and Guidance for a Trauma-Informed Approach",
        "publisher": "SAMHSA",
        "year": 2014,
        "identifier": "HHS Publication No. (SMA) 14-4884",
        "verified": False,
    }
]


OBJECTIVES = [
    "define trauma as event, experience and effect",
    "apply the four Rs to everyday decisions",
    "keep trauma-informed practice within your role",
]
CONTENT_NOTE = (
    "This module discusses trauma and its effects in general terms. It contains no "
    "descriptions of abuse."
)
COPING = [
    "You can come back to this module later, or take the modules in any order.",
    "Take a break at any point; your place is saved.",
]


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A course for testing."
    order = factory.Sequence(lambda n: n + 1)
    cpd_hours = Decimal("1.0")
    roles = factory.LazyFunction(lambda: list(User.ProfessionalRole.values))
    is_published = True

    @factory.post_generation
    def tracks(self, create: bool, extracted: list[Track] | None, **kwargs: object) -> None:
        if create and extracted:
            self.tracks.set(extracted)  # type: ignore[attr-defined]


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    content_version = "1.0.0-draft"


class EnrollmentCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrollmentCycle

    enrollment = factory.SubFactory(EnrollmentFactory)
    number = 1
    content_version = "1.0.0-draft"


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonProgress

    cycle = factory.SubFactory(EnrollmentCycleFactory)
    lesson = factory.SubFactory(LessonFactory)
    completed_at = factory.LazyFunction(timezone.now)


class ModuleEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModuleEntry

    cycle = factory.SubFactory(EnrollmentCycleFactory)
    module = factory.SubFactory(ModuleFactory)
    content_note_seen_at = factory.LazyFunction(timezone.now)


class ReadingPlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingPlace

    enrollment = factory.SubFactory(EnrollmentFactory)
    lesson = factory.SubFactory(LessonFactory)


def build_core_course(
    *, modules: int = 2, lessons_per_module: int = 2, paragraphs_per_section: int = 2
) -> Course:
    """The Core course on a core track of `modules` modules of `lessons_per_module`
    lessons each, with a loaded curriculum version: what `load_curriculum` and
    courses.yaml would make."""
    CurriculumVersionFactory(version="1.0.0-draft")
    core = TrackFactory(slug="core", title="Core", order=1)
    for m in range(1, modules + 1):
        module = ModuleFactory(
            track=core,
            slug=f"c{m}",
            title=f"Core module {m}",
            order=m,
            minutes=20,
            objectives=OBJECTIVES,
            content_note=CONTENT_NOTE,
            coping=COPING,
            references=[dict(r) for r in REFERENCES],
        )
        for n in range(1, lessons_per_module + 1):
            LessonFactory(
                module=module,
                slug=f"c{m}-lesson-{n}",
                title=f"Module {m}, lesson {n}",
                order=n,
                body=lesson_body(paragraphs_per_section),
            )
    return CourseFactory(
        slug="core",
        title="Core",
        summary="The shared foundation every role takes.",
        order=1,
        tracks=[core],
    )


def quiz_attempt(
    *,
    user: User,
    quiz: Quiz,
    score: str | None,
    submitted_at: datetime | None = None,
    kind: str = Attempt.Kind.STANDARD,
) -> Attempt:
    """An attempt as quizzes.services leaves it, without taking the quiz: open when
    `score` is None, else submitted (now, unless `submitted_at`) with that score (a
    fraction, "0.8") and passed as the quiz's pass mark says."""
    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    if score is None:
        return Attempt.objects.create(user=user, quiz=quiz, number=number, kind=kind, seed=number)
    value = Decimal(score)
    submitted_at = submitted_at or timezone.now()
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        kind=kind,
        seed=number,
        started_at=submitted_at,
        submitted_at=submitted_at,
        score=value,
        passed=value * 100 >= quiz.pass_mark,
    )
