"""Reads for the public Curriculum pages (`courses.public_views`), each in a fixed number
of queries: what is taught, in which courses, with hours, review status and versions."""

from dataclasses import dataclass

from django.db.models import Count, Q

from accounts.models import User
from courses.models import Course, Enrollment
from curriculum.models import CurriculumVersion, Lesson, Module, Track


@dataclass(frozen=True)
class CatalogueTrack:
    track: Track
    modules: list[Module]  # each annotated with `lesson_count`

    @property
    def minutes(self) -> int:
        return sum(module.minutes for module in self.modules)


@dataclass(frozen=True)
class CatalogueCourse:
    course: Course
    tracks: list[Track]
    module_count: int


@dataclass(frozen=True)
class Catalogue:
    courses: list[CatalogueCourse]
    tracks: list[CatalogueTrack]
    # Newest first: the first is the version in force.
    versions: list[CurriculumVersion]

    @property
    def version(self) -> CurriculumVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def modules(self) -> list[Module]:
        return [module for entry in self.tracks for module in entry.modules]

    @property
    def lesson_count(self) -> int:
        return sum(module.lesson_count for module in self.modules)  # type: ignore[attr-defined]

    @property
    def statuses(self) -> list[str]:
        return sorted({module.review_status for module in self.modules})


def curriculum_catalogue() -> Catalogue:
    """The current tracks with their modules, the published courses made of them, and
    every loaded version: five queries whatever the size."""
    tracks = list(Track.objects.current())
    by_track: dict[int, list[Module]] = {track.pk: [] for track in tracks}
    for module in (
        Module.objects.current()
        .filter(track__in=tracks)
        .annotate(lesson_count=Count("lessons", filter=Q(lessons__retired_at__isnull=True)))
        .order_by("order", "slug")
    ):
        by_track[module.track_id].append(module)
    courses = []
    for course in Course.objects.published().prefetch_related("tracks"):
        included = {track.pk for track in course.tracks.all()}
        courses.append(
            CatalogueCourse(
                course=course,
                tracks=[track for track in tracks if track.pk in included],
                module_count=sum(len(by_track.get(pk, [])) for pk in included),
            )
        )
    return Catalogue(
        courses=courses,
        tracks=[CatalogueTrack(track=track, modules=by_track[track.pk]) for track in tracks],
        versions=list(CurriculumVersion.objects.order_by("-loaded_at", "-pk")),
    )


def latest_enrollment_with(*, user: User, lesson: Lesson) -> Enrollment | None:
    """The learner's most recently started enrolment whose course includes the lesson's
    track (where a `lesson:` link in the Markdown should take them)."""
    return (
        Enrollment.objects.of(user)
        .filter(course__tracks=lesson.module.track_id)
        .select_related("course")
        .order_by("-started_at")
        .first()
    )
