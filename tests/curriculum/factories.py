import hashlib

import factory
from django.utils import timezone

from curriculum.models import CurriculumVersion, Lesson, Module, Track


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    slug = factory.Sequence(lambda n: f"track-{n}")
    title = factory.Sequence(lambda n: f"Track {n}")
    summary = "A track for tests."
    lang = "en"
    order = factory.Sequence(lambda n: n)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    slug = factory.Sequence(lambda n: f"m{n}")
    track = factory.SubFactory(TrackFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "A module for tests."
    order = factory.Sequence(lambda n: n)
    minutes = 30
    principles = factory.LazyFunction(lambda: ["P2"])
    jurisdictions = factory.LazyFunction(lambda: ["intl"])
    objectives = factory.LazyFunction(lambda: ["one", "two", "three"])
    content_note = "This module talks about trauma in general terms."
    coping = factory.LazyFunction(lambda: ["Take a break at any point."])
    review_status = Module.ReviewStatus.DRAFT
    references = factory.LazyFunction(
        lambda: [
            {
                "id": "R1",
                "authors": "An Author",
                "title": "A Title",
                "publisher": "A Publisher",
                "year": 2020,
                "identifier": "https://example.org/report",
                "verified": True,
            }
        ]
    )
    content_hash = factory.Sequence(lambda n: _hash(f"module {n}"))


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    slug = factory.Sequence(lambda n: f"lesson-{n}")
    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    order = factory.Sequence(lambda n: n + 1)
    minutes = 10
    change = Lesson.Change.SUBSTANTIVE
    lang = "en"
    body = "A claim[^R1].\n\n## First section\n\nText.\n"
    content_hash = factory.Sequence(lambda n: _hash(f"lesson {n}"))


class CurriculumVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CurriculumVersion

    version = factory.Sequence(lambda n: f"1.0.{n}-draft")
    changelog = "- core/c1: first edition (substantive)."
    module_hashes = factory.LazyFunction(lambda: {"core/c1": _hash("c1")})
    loaded_at = factory.LazyFunction(timezone.now)
