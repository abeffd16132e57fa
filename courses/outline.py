"""A course's outline: its lessons in reading order, with their modules, at one
curriculum version. It is what the course, module and lesson pages read of the
curriculum, cached so that a page opened again queries only the learner's own state.

A learner reads the version their cycle is pinned to (`EnrollmentCycle.content_version`)
until they move to a newer one (`courses.versions`). For the current version the
outline comes from the current rows; for an earlier one, from the module revisions that
version's `module_hashes` name (`curriculum.revisions`), so a new edition never changes
the text of a course someone is part-way through. A module whose revision at that hash
was never stored (versions loaded before revisions existed) is read as it is now.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from config.memo import LocalMemo
from courses.models import Course
from curriculum.markdown import markdown_key
from curriculum.models import CurriculumVersion, Lesson, Module, ModuleRevision, Track
from curriculum.revisions import MODULE_FIELDS, module_fields

OUTLINE_CACHE_TIMEOUT = 60 * 60 * 24
# Outlines are read on every course page; each process keeps the latest few (a course's
# current one and the versions its learners are pinned to) besides the shared cache.
_OUTLINES = LocalMemo(size=32, timeout=OUTLINE_CACHE_TIMEOUT)
# Bump when CourseOutline's shape changes: outlines pickled by the old code are then
# never read again.
_SHAPE = 2
_MODULE_KEYS = ("id", "track_id", "slug", *MODULE_FIELDS)
_LESSON_KEYS = ("id", "module_id", "slug", "title", "minutes", "body", "content_hash")


@dataclass(frozen=True)
class OutlineLesson:
    """A lesson of the outline: enough for the lesson page and its neighbours' links."""

    pk: int
    module_id: int
    slug: str
    title: str
    minutes: int
    # The cache key of the lesson's rendered Markdown (curriculum.markdown.markdown_key),
    # hashed once per outline instead of on every request.
    markdown_key: str


@dataclass(frozen=True)
class CourseOutline:
    """The course's lessons at `version`, in reading order, with their modules."""

    version: str
    lessons: tuple[OutlineLesson, ...]
    # Field values, not model instances: cheap to unpickle, fresh instances per request.
    modules: dict[int, tuple[Any, ...]]
    bodies: dict[int, tuple[Any, ...]]

    def index_of(self, slug: str) -> int | None:
        return next((i for i, each in enumerate(self.lessons) if each.slug == slug), None)

    def includes(self, lesson_id: int) -> bool:
        return lesson_id in self.bodies

    def module(self, module_id: int) -> Module:
        """The module as this version has it, as an instance never saved (pages only
        read it)."""
        module = Module(**dict(zip(_MODULE_KEYS, self.modules[module_id], strict=True)))
        module._state.adding = False
        return module

    def module_ids(self) -> list[int]:
        """The outline's modules in reading order."""
        return list(dict.fromkeys(each.module_id for each in self.lessons))

    def module_by_slug(self, slug: str) -> Module | None:
        return next((self.module(pk) for pk, row in self.modules.items() if row[2] == slug), None)

    def lessons_of(self, module_id: int) -> list[OutlineLesson]:
        return [each for each in self.lessons if each.module_id == module_id]

    def lesson(self, index: int) -> Lesson:
        """The lesson at `index` with its module attached, as an instance never saved."""
        entry = self.lessons[index]
        lesson = Lesson(**dict(zip(_LESSON_KEYS, self.bodies[entry.pk], strict=True)))
        lesson.module = self.module(entry.module_id)
        lesson._state.adding = False
        return lesson

    def lesson_by_id(self, lesson_id: int) -> Lesson | None:
        index = next((i for i, each in enumerate(self.lessons) if each.pk == lesson_id), None)
        return None if index is None else self.lesson(index)


def _key(course: Course, version: str) -> str:
    # The course's `updated_at` is touched by the content loader on every course
    # whenever a load changes anything (courses.content): a reload retires every cached
    # outline in every process, and the course row each page loads anyway says which
    # outline is current. `version` is "" for the current outline.
    return f"courses:outline:{_SHAPE}:{course.pk}:{course.updated_at.isoformat()}:{version}"


def edition_key(course: Course, outline: CourseOutline) -> str:
    """A name for what the outline's pages show of the curriculum, for caching their
    fragments: it changes whenever any of it could (a load touches the course's
    `updated_at`), so a fragment cached under it is never stale."""
    return f"{course.pk}:{course.updated_at.isoformat()}:{outline.version}"


def _outline(
    version: str, modules: dict[int, tuple[Any, ...]], lessons: Iterable[tuple[Any, ...]]
) -> CourseOutline:
    rows = list(lessons)
    return CourseOutline(
        version=version,
        lessons=tuple(
            OutlineLesson(
                pk=row[0],
                module_id=row[1],
                slug=row[2],
                title=row[3],
                minutes=row[4],
                markdown_key=markdown_key(
                    row[5], modules[row[1]][_MODULE_KEYS.index("references")]
                ),
            )
            for row in rows
        ),
        modules={pk: row for pk, row in modules.items() if any(r[1] == pk for r in rows)},
        bodies={row[0]: row for row in rows},
    )


def current_version() -> str:
    """The version loaded last ("" before the curriculum was ever loaded)."""
    return (
        CurriculumVersion.objects.order_by("-loaded_at", "-pk")
        .values_list("version", flat=True)
        .first()
        or ""
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


def _current_outline(course: Course) -> CourseOutline:
    """From the current rows: three queries (the version, the lessons, their modules)."""
    version = current_version()
    rows = list(course_lessons(course).values_list(*_LESSON_KEYS))
    modules = {
        row[0]: row
        for row in Module.objects.filter(pk__in={row[1] for row in rows}).values_list(*_MODULE_KEYS)
    }
    return _outline(version, modules, rows)


def _pinned_outline(course: Course, version: str, current: CourseOutline) -> CourseOutline:
    """From the revisions `version` names: three queries (the version's hashes, the
    course's tracks, the revisions)."""
    hashes = (
        CurriculumVersion.objects.filter(version=version)
        .values_list("module_hashes", flat=True)
        .first()
    )
    if hashes is None:
        return current  # A version this database never loaded: nothing else to read.
    tracks = {
        slug: (pk, order, slug)
        for slug, pk, order in Track.objects.filter(courses=course).values_list(
            "slug", "pk", "order"
        )
    }
    wanted: dict[str, str] = {}  # module slug -> hash
    for key, content_hash in hashes.items():
        track_slug, _, module_slug = key.partition("/")
        if track_slug in tracks:
            wanted[module_slug] = content_hash
    revisions = ModuleRevision.objects.filter(
        module__slug__in=wanted, content_hash__in=set(wanted.values())
    ).values_list(
        "module_id", "module__slug", "module__track__slug", "content_hash", "fields", "lessons"
    )
    modules: dict[int, tuple[Any, ...]] = {}
    ordered: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
    stored: set[str] = set()
    for module_id, slug, track_slug, content_hash, fields, lessons in revisions:
        if wanted.get(slug) != content_hash or track_slug not in tracks:
            continue
        stored.add(slug)
        values = module_fields(fields)
        row = (module_id, tracks[track_slug][0], slug, *(values.get(n) for n in MODULE_FIELDS))
        modules[module_id] = row
        place = (*tracks[track_slug][1:], values.get("order", 0), slug)
        ordered.extend(
            (
                (*place, lesson["order"], lesson["slug"]),
                tuple(module_id if key == "module_id" else lesson[key] for key in _LESSON_KEYS),
            )
            for lesson in lessons
        )
    # Modules of the version with no stored revision: as they are now.
    for pk, row in current.modules.items():
        if row[2] in wanted and row[2] not in stored:
            modules[pk] = row
            track = next((t for t in tracks.values() if t[0] == row[1]), (0, 0, ""))
            place = (*track[1:], row[_MODULE_KEYS.index("order")], row[2])
            ordered.extend(
                ((*place, n, each.slug), current.bodies[each.pk])
                for n, each in enumerate(current.lessons_of(pk))
            )
    ordered.sort(key=lambda pair: pair[0])
    return _outline(version, modules, (row for _, row in ordered))


def course_outline(course: Course, version: str | None = None) -> CourseOutline:
    """The course's outline at `version` (the current one when None, or the current
    version's own name), from this process or the shared cache when either holds it."""
    current: CourseOutline = _OUTLINES.get_or_build(
        _key(course, ""), lambda: _current_outline(course), kind=CourseOutline
    )
    if not version or version == current.version:
        return current
    pinned: CourseOutline = _OUTLINES.get_or_build(
        _key(course, version),
        lambda: _pinned_outline(course, version, current),
        kind=CourseOutline,
    )
    return pinned
