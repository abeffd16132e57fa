"""Module revisions: what each module was at each content hash, so a learner pinned to
an earlier curriculum version reads that version's text (docs/versions.md).

The loader records a revision for every module whose hash it has not seen before, after
the module and its lessons are written; a revision is never changed afterwards. Which
revision a version means comes from `CurriculumVersion.module_hashes`.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from curriculum.models import Lesson, Module, ModuleRevision
from curriculum.registry import Tally

# The module fields a revision keeps (everything a learner's pages show of a module).
MODULE_FIELDS = (
    "title",
    "summary",
    "order",
    "minutes",
    "principles",
    "jurisdictions",
    "objectives",
    "content_note",
    "coping",
    "review_status",
    "reviewers",
    "reviewed_on",
    "next_review_on",
    "references",
)
DATE_FIELDS = frozenset({"reviewed_on", "next_review_on"})
LESSON_FIELDS = ("id", "slug", "title", "minutes", "order", "body", "content_hash")


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


def snapshot(module: Module, lessons: Iterable[Lesson]) -> tuple[dict[str, Any], list[Any]]:
    """The revision's `fields` and `lessons` for a module and its current lessons."""
    fields = {name: _json(getattr(module, name)) for name in MODULE_FIELDS}
    ordered = sorted(lessons, key=lambda lesson: (lesson.order, lesson.slug))
    return fields, [{name: getattr(lesson, name) for name in LESSON_FIELDS} for lesson in ordered]


def record_revisions(modules: Iterable[Module], *, version: str) -> Tally:
    """Add a revision for each module whose current hash has none yet: two queries and
    no writes when nothing changed."""
    modules = list(modules)
    known = set(
        ModuleRevision.objects.filter(module__in=modules).values_list("module_id", "content_hash")
    )
    fresh = [module for module in modules if (module.pk, module.content_hash) not in known]
    if not fresh:
        return Tally("module revisions", unchanged=len(modules))
    lessons: dict[int, list[Lesson]] = {module.pk: [] for module in fresh}
    for lesson in Lesson.objects.current().filter(module__in=fresh):
        lessons[lesson.module_id].append(lesson)
    ModuleRevision.objects.bulk_create(
        ModuleRevision(
            module=module,
            content_hash=module.content_hash,
            first_version=version,
            fields=fields,
            lessons=lesson_rows,
        )
        for module in fresh
        for fields, lesson_rows in [snapshot(module, lessons[module.pk])]
    )
    return Tally("module revisions", added=len(fresh), unchanged=len(modules) - len(fresh))


def module_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A revision's `fields` as model field values (dates parsed back)."""
    return {
        name: datetime.date.fromisoformat(value)
        if name in DATE_FIELDS and isinstance(value, str)
        else value
        for name, value in fields.items()
        if name in MODULE_FIELDS
    }
