"""Linting and loading the content directory, for every registered content kind.

`load_curriculum` parses and lints everything first and writes nothing while any kind
reports an error; then it runs every kind's loader, in registration order, in one
transaction. Loading the same files twice writes nothing the second time.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from curriculum.linting import lint_curriculum_tree
from curriculum.loading import (
    KIND_NAME,
    PATTERNS,
    ContentTree,
    LessonSource,
    ModuleSource,
    TrackSource,
    parse_curriculum,
)
from curriculum.models import CurriculumVersion, Lesson, Module, Track
from curriculum.registry import (
    ContentKind,
    ContentRun,
    Finding,
    LoadReport,
    Tally,
    content_kinds,
    unclaimed_files,
    warning,
)
from curriculum.revisions import record_revisions


class ContentMissing(Exception):
    """The content directory does not exist."""


class ContentInvalid(Exception):
    """Linting found errors; nothing was loaded."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        errors = sum(f.is_error for f in findings)
        super().__init__(
            f"{errors} error{'s' if errors != 1 else ''} in the content; nothing was loaded."
        )


@dataclass(frozen=True)
class LintResult:
    root: Path
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]


@dataclass(frozen=True)
class LoadResult:
    root: Path
    version: str
    tallies: tuple[Tally, ...]
    # Lint warnings, then the loaders' own.
    findings: tuple[Finding, ...]

    @property
    def writes(self) -> int:
        return sum(tally.writes for tally in self.tallies)


def _finding_order(finding: Finding) -> tuple[str, int, str]:
    return finding.path, finding.line or 0, finding.message


def _parse_and_lint(root: Path, kinds: tuple[ContentKind, ...]) -> tuple[ContentRun, list[Finding]]:
    if not root.is_dir():
        raise ContentMissing(f"There is no content directory at {root}.")
    run = ContentRun.scan(root)
    # Every kind parses before any lints: a later kind's linter may read an earlier
    # kind's parsed content (a quiz checks its module's reference ids, say).
    for kind in kinds:
        run.parsed[kind.name] = kind.parse(run)
    findings: list[Finding] = []
    for kind in kinds:
        findings.extend(kind.lint(run))
    findings.extend(
        warning(
            path, None, "no content kind reads this file (misnamed, or its app is not installed)"
        )
        for path in unclaimed_files(run)
    )
    return run, sorted(findings, key=_finding_order)


def lint_curriculum(*, root: Path) -> LintResult:
    """Lint the content directory with every registered kind's linter."""
    _run, findings = _parse_and_lint(root, content_kinds())
    return LintResult(root=root, findings=tuple(findings))


def load_curriculum(*, root: Path) -> LoadResult:
    """Lint, then load every registered kind in one transaction; refuse on any error."""
    kinds = content_kinds()
    run, findings = _parse_and_lint(root, kinds)
    if any(f.is_error for f in findings):
        raise ContentInvalid(findings)
    tallies: list[Tally] = []
    with transaction.atomic():
        for kind in kinds:
            report = kind.load(run)
            tallies.extend(report.tallies)
            run.loaded.extend(report.tallies)
            findings.extend(report.findings)
    tree = run.payload(KIND_NAME, ContentTree)
    return LoadResult(
        root=root, version=tree.version or "", tallies=tuple(tallies), findings=tuple(findings)
    )


# --- The curriculum's own kind: tracks, modules, lessons and the version ------------------


def _track_fields(track: TrackSource) -> dict[str, Any]:
    doc = track.doc
    return {
        "title": doc.text("title").strip(),
        "summary": doc.text("summary").strip(),
        "lang": doc.text("lang"),
        "order": doc.get("order"),
    }


REFERENCE_KEYS = (
    "id",
    "authors",
    "title",
    "publisher",
    "journal",
    "year",
    "identifier",
    "verified",
)


def _reference(reference: Mapping[object, object]) -> dict[str, object]:
    # Only the format's keys: anything else an author added (a warning in the linter)
    # may not even be JSON (a YAML date, say).
    return {key: reference[key] for key in REFERENCE_KEYS if key in reference}


def _module_fields(module: ModuleSource, track: Track) -> dict[str, Any]:
    doc = module.doc
    review = doc.get("review")
    assert isinstance(review, dict)
    return {
        "track_id": track.pk,
        "title": doc.text("title").strip(),
        "summary": doc.text("summary").strip(),
        "order": doc.get("order"),
        "minutes": doc.get("minutes"),
        "principles": doc.get("principles"),
        "jurisdictions": doc.get("jurisdictions"),
        "objectives": [str(o).strip() for o in doc.get("objectives")],  # type: ignore[attr-defined]
        "content_note": doc.text("content_note").strip(),
        "coping": [str(c).strip() for c in doc.get("coping")],  # type: ignore[attr-defined]
        "review_status": review["status"],
        "reviewers": review["reviewers"],
        "reviewed_on": review["reviewed_on"],
        "next_review_on": review["next_review_on"],
        "references": [_reference(r) for r in module.references()],
        "content_hash": module.content_hash,
    }


def _lesson_fields(lesson: LessonSource, module: Module) -> dict[str, Any]:
    assert lesson.front is not None
    front = lesson.front
    return {
        "module_id": module.pk,
        "title": front.text("title").strip(),
        "order": lesson.number,
        "minutes": front.get("minutes"),
        "change": front.get("change"),
        "lang": front.text("lang"),
        "body": lesson.body,
        "content_hash": lesson.content_hash,
    }


def _sync[M: (Track, Module, Lesson)](
    model: type[M], label: str, wanted: dict[str, dict[str, Any]], *, now: Any
) -> tuple[dict[str, M], Tally]:
    """Make the rows match the files: create, update what differs, retire what is gone.

    Rows are compared field by field and saved only when something differs, so loading
    unchanged files writes nothing. Foreign keys are compared by id (`track_id`), which
    costs no query.
    """
    existing: dict[str, M] = {row.slug: row for row in model.objects.all()}
    rows: dict[str, M] = {}
    added = changed = unchanged = 0
    for slug, fields in wanted.items():
        row = existing.get(slug)
        if row is None:
            rows[slug] = model.objects.create(slug=slug, **fields)
            added += 1
            continue
        # A row that comes back to the files is current again.
        fields = {**fields, "retired_at": None}
        dirty: list[str] = [name for name, value in fields.items() if getattr(row, name) != value]
        if dirty:
            for name in dirty:
                setattr(row, name, fields[name])
            row.save(update_fields=[*dirty, "updated_at"])
            changed += 1
        else:
            unchanged += 1
        rows[slug] = row
    gone = [
        row.pk for slug, row in existing.items() if slug not in wanted and row.retired_at is None
    ]
    if gone:
        # Retired, never deleted: enrolments and completion records still point here.
        model.objects.filter(pk__in=gone).update(retired_at=now, updated_at=now)
    tally = Tally(label, added=added, changed=changed, retired=len(gone), unchanged=unchanged)
    return rows, tally


def _record_version(tree: ContentTree, *, now: Any) -> tuple[Tally, list[Finding]]:
    version = tree.version or ""
    section = tree.changelog.section(version) if tree.changelog else None
    changelog = section.body if section else ""
    hashes = tree.module_hashes()
    row = CurriculumVersion.objects.filter(version=version).first()
    if row is None:
        CurriculumVersion.objects.create(
            version=version, changelog=changelog, module_hashes=hashes, loaded_at=now
        )
        return Tally("curriculum versions", added=1), []
    if row.module_hashes == hashes and row.changelog == changelog:
        return Tally("curriculum versions", unchanged=1), []
    # Only editorial changes reach here under a loaded version: the changelog rule
    # (curriculum.changes) refuses substantive ones. The version follows the files.
    row.module_hashes = hashes
    row.changelog = changelog
    row.loaded_at = now
    row.save(update_fields=["module_hashes", "changelog", "loaded_at"])
    return Tally("curriculum versions", changed=1), []


def store_curriculum(run: ContentRun) -> LoadReport:
    """Write tracks, modules and lessons, and record the version (the kind's load step)."""
    tree = run.payload(KIND_NAME, ContentTree)
    now = timezone.now()
    tracks, track_tally = _sync(
        Track, "tracks", {t.id: _track_fields(t) for t in tree.tracks}, now=now
    )
    modules, module_tally = _sync(
        Module,
        "modules",
        {m.id: _module_fields(m, tracks[t.id]) for t, m in tree.modules()},
        now=now,
    )
    lessons = {lesson.id: _lesson_fields(lesson, modules[m.id]) for m, lesson in tree.lessons()}
    _lessons, lesson_tally = _sync(Lesson, "lessons", lessons, now=now)
    revision_tally = record_revisions(modules.values(), version=tree.version or "")
    version_tally, findings = _record_version(tree, now=now)
    return LoadReport(
        tallies=(track_tally, module_tally, lesson_tally, revision_tally, version_tally),
        findings=tuple(findings),
    )


CURRICULUM_KIND = ContentKind(
    name=KIND_NAME,
    patterns=PATTERNS,
    parse=parse_curriculum,
    lint=lint_curriculum_tree,
    load=store_curriculum,
)
