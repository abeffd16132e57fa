"""Courses as content: `courses.yaml` at the root of the curriculum folder, read, linted
and loaded by `load_curriculum` and `lint_curriculum` through the content-kind registry
(curriculum/registry.py), after the curriculum's own tracks and modules.

    courses:
      - id: core                       # the course's slug; never reused
        title: Core
        summary: One or two sentences.
        tracks: [core]                 # track ids; the core track plus one role track
        order: 1
        roles: [other]                 # User.ProfessionalRole values it is offered to
        certificate_validity_days: 730 # optional; 730 (two years) when left out
        cpd_hours: 1.5                 # optional; see below
        published: true

`cpd_hours` left out means the course's total reading time (the `minutes` of every
module of its tracks) in hours, to the nearest half hour: hours that follow the content
instead of a number someone must remember to change. A value written in the file is
used as written (an operator's accredited figure, say), with a warning when it differs
from the reading time.

A course that disappears from the file is unpublished, never deleted: enrolments and
records point at it.
"""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.models import Course
from curriculum.loading import KIND_NAME as CURRICULUM_KIND
from curriculum.loading import ContentTree, YamlDocument, parse_yaml, read_text
from curriculum.models import Track
from curriculum.registry import (
    ContentKind,
    ContentRun,
    Finding,
    LoadReport,
    Tally,
    error,
    warning,
)

KIND_NAME = "courses"
COURSES_FILE = "courses.yaml"
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_VALIDITY_DAYS = 730
KNOWN_KEYS = frozenset(
    {
        "id",
        "title",
        "summary",
        "tracks",
        "order",
        "roles",
        "certificate_validity_days",
        "cpd_hours",
        "published",
    }
)
REQUIRED_KEYS = ("id", "title", "summary", "tracks", "order", "roles", "published")


@dataclass
class CourseSpec:
    """One course as the file states it, with the line it starts on."""

    index: int
    line: int | None
    slug: str
    title: str
    summary: str
    tracks: list[str]
    order: int
    roles: list[str]
    certificate_validity_days: int
    cpd_hours: Decimal | None
    published: bool


@dataclass
class CoursesFile:
    document: YamlDocument | None = None
    courses: list[CourseSpec] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def cpd_hours_for(minutes: int) -> Decimal:
    """Reading time in hours, to the nearest half hour; never nothing for a real course."""
    halves = (Decimal(minutes) / 30).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if minutes > 0 and halves == 0:
        halves = Decimal(1)
    return (halves / 2).quantize(Decimal("0.1"))


def track_minutes(tree: ContentTree | None) -> dict[str, int]:
    """Track id -> the sum of its modules' `minutes`, from the parsed curriculum."""
    totals: dict[str, int] = {}
    if tree is None:
        return totals
    for track, module in tree.modules():
        minutes = module.doc.get("minutes")
        totals[track.id] = totals.get(track.id, 0) + (minutes if isinstance(minutes, int) else 0)
    for track in tree.tracks:
        totals.setdefault(track.id, 0)
    return totals


# --- Parse --------------------------------------------------------------------------------


def parse_courses(run: ContentRun) -> CoursesFile:
    """Read courses.yaml; problems become findings, never exceptions."""
    parsed = CoursesFile()
    if COURSES_FILE not in run.files:
        return parsed
    text, problem = read_text(run.root, COURSES_FILE)
    if problem is not None or text is None:
        parsed.findings.extend([problem] if problem else [])
        return parsed
    document, problems = parse_yaml(COURSES_FILE, text)
    parsed.findings.extend(problems)
    if document is None:
        return parsed
    parsed.document = document
    entries = document.get("courses")
    if not isinstance(entries, list):
        parsed.findings.append(
            error(COURSES_FILE, document.line(), "needs a `courses:` list of courses")
        )
        return parsed
    for index, entry in enumerate(entries):
        spec = _parse_entry(document, index, entry, parsed.findings)
        if spec is not None:
            parsed.courses.append(spec)
    return parsed


def _parse_entry(
    document: YamlDocument, index: int, entry: object, findings: list[Finding]
) -> CourseSpec | None:
    line = document.line("courses", index)
    if not isinstance(entry, dict):
        findings.append(error(COURSES_FILE, line, "each course is a mapping of keys to values"))
        return None
    problems: list[Finding] = []

    def fail(key: str, message: str) -> None:
        problems.append(error(COURSES_FILE, document.line("courses", index, key), message))

    for key in sorted(set(map(str, entry)) - KNOWN_KEYS):
        fail(key, f"unknown key {key!r} (known: {', '.join(sorted(KNOWN_KEYS))})")
    for key in REQUIRED_KEYS:
        if key not in entry:
            problems.append(error(COURSES_FILE, line, f"course {index + 1} has no `{key}`"))

    slug = entry.get("id")
    if "id" in entry and not (isinstance(slug, str) and ID_RE.match(slug)):
        fail("id", "`id` is lowercase letters, digits and hyphens")
    for key in ("title", "summary"):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            fail(key, f"`{key}` is text")
    tracks = entry.get("tracks")
    if "tracks" in entry and not (
        isinstance(tracks, list) and tracks and all(isinstance(t, str) for t in tracks)
    ):
        fail("tracks", "`tracks` is a non-empty list of track ids")
    order = entry.get("order")
    if "order" in entry and (not isinstance(order, int) or isinstance(order, bool) or order < 0):
        fail("order", "`order` is a whole number, 0 or more")
    roles = entry.get("roles")
    if "roles" in entry:
        if not (isinstance(roles, list) and all(isinstance(r, str) for r in roles)):
            fail("roles", "`roles` is a list of professional role codes")
        else:
            unknown = sorted(set(roles) - set(User.ProfessionalRole.values))
            if unknown:
                fail(
                    "roles",
                    f"unknown roles {', '.join(unknown)} "
                    f"(known: {', '.join(User.ProfessionalRole.values)})",
                )
            if len(set(roles)) != len(roles):
                fail("roles", "a role is listed twice")
    validity = entry.get("certificate_validity_days", DEFAULT_VALIDITY_DAYS)
    if not isinstance(validity, int) or isinstance(validity, bool) or validity <= 0:
        fail("certificate_validity_days", "`certificate_validity_days` is a whole number above 0")
    hours = entry.get("cpd_hours")
    cpd_hours: Decimal | None = None
    if hours is not None:
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
            fail("cpd_hours", "`cpd_hours` is a number of hours, 0 or more")
        else:
            cpd_hours = Decimal(str(hours)).quantize(Decimal("0.1"))
            if cpd_hours != Decimal(str(hours)):
                fail("cpd_hours", "`cpd_hours` has at most one decimal place")
    published = entry.get("published")
    if "published" in entry and not isinstance(published, bool):
        fail("published", "`published` is true or false")

    findings.extend(problems)
    if problems:
        return None
    assert isinstance(slug, str) and isinstance(tracks, list) and isinstance(roles, list)
    assert isinstance(order, int) and isinstance(validity, int) and isinstance(published, bool)
    return CourseSpec(
        index=index,
        line=line,
        slug=slug,
        title=str(entry["title"]).strip(),
        summary=str(entry["summary"]).strip(),
        tracks=list(tracks),
        order=order,
        roles=list(roles),
        certificate_validity_days=validity,
        cpd_hours=cpd_hours,
        published=published,
    )


def _curriculum_tree(run: ContentRun) -> ContentTree | None:
    try:
        return run.payload(CURRICULUM_KIND, ContentTree)
    except LookupError:
        return None


# --- Lint ---------------------------------------------------------------------------------


def lint_courses(run: ContentRun) -> list[Finding]:
    """Check courses.yaml against itself and the curriculum's tracks."""
    parsed = run.payload(KIND_NAME, CoursesFile)
    findings = list(parsed.findings)
    if COURSES_FILE not in run.files:
        return [warning(COURSES_FILE, None, "does not exist: no course is offered to anyone")]
    tree = _curriculum_tree(run)
    minutes = track_minutes(tree)
    seen: dict[str, int | None] = {}
    for spec in parsed.courses:
        if spec.slug in seen:
            findings.append(
                error(COURSES_FILE, spec.line, f"the course id {spec.slug!r} is used twice")
            )
        seen[spec.slug] = spec.line
        if tree is not None:
            for track in spec.tracks:
                if track not in minutes:
                    findings.append(
                        error(
                            COURSES_FILE,
                            spec.line,
                            f"course {spec.slug!r} names the track {track!r}, "
                            "which no track.yaml defines",
                        )
                    )
        if len(set(spec.tracks)) != len(spec.tracks):
            findings.append(
                error(COURSES_FILE, spec.line, f"course {spec.slug!r} lists a track twice")
            )
        if tree is not None and spec.cpd_hours is not None:
            reading = cpd_hours_for(sum(minutes.get(t, 0) for t in spec.tracks))
            if spec.cpd_hours != reading:
                findings.append(
                    warning(
                        COURSES_FILE,
                        spec.line,
                        f"course {spec.slug!r} states {spec.cpd_hours} CPD hours; its reading "
                        f"time comes to {reading}. Leave `cpd_hours` out to follow the content.",
                    )
                )
        if spec.published and not spec.roles:
            findings.append(
                warning(
                    COURSES_FILE,
                    spec.line,
                    f"course {spec.slug!r} is published but offered to no role; "
                    "learners can reach it only by its address",
                )
            )
    return findings


# --- Load ---------------------------------------------------------------------------------


def load_courses(run: ContentRun) -> LoadReport:
    """Write the courses of courses.yaml; unpublish those the file no longer names."""
    parsed = run.payload(KIND_NAME, CoursesFile)
    minutes = track_minutes(_curriculum_tree(run))
    added = changed = unchanged = retired = 0
    with transaction.atomic():
        existing = {course.slug: course for course in Course.objects.prefetch_related("tracks")}
        needed = {slug for spec in parsed.courses for slug in spec.tracks}
        tracks = {track.slug: track for track in Track.objects.current().filter(slug__in=needed)}
        missing = sorted(needed - set(tracks))
        if missing:
            # Lint reports this first; a load that gets here has a database out of step.
            raise ValueError(f"courses.yaml names tracks that are not loaded: {missing}")
        for spec in parsed.courses:
            hours = spec.cpd_hours
            if hours is None:
                hours = cpd_hours_for(sum(minutes.get(t, 0) for t in spec.tracks))
            values = {
                "title": spec.title,
                "summary": spec.summary,
                "order": spec.order,
                "roles": spec.roles,
                "cpd_hours": hours,
                "certificate_validity_days": spec.certificate_validity_days,
                "is_published": spec.published,
            }
            course = existing.get(spec.slug)
            if course is None:
                course = Course.objects.create(slug=spec.slug, **values)
                course.tracks.set([tracks[t] for t in spec.tracks])
                added += 1
                continue
            track_ids = {tracks[t].pk for t in spec.tracks}
            differs = [k for k, v in values.items() if getattr(course, k) != v]
            tracks_differ = {t.pk for t in course.tracks.all()} != track_ids
            if differs:
                for key in differs:
                    setattr(course, key, values[key])
                course.save(update_fields=[*differs, "updated_at"])
            if tracks_differ:
                course.tracks.set(track_ids)
            if differs or tracks_differ:
                changed += 1
            else:
                unchanged += 1
        named = {spec.slug for spec in parsed.courses}
        retired = (
            Course.objects.exclude(slug__in=named)
            .filter(is_published=True)
            .update(is_published=False, updated_at=timezone.now())
        )
        if any(tally.writes for tally in run.loaded):
            # Each course's outline (its lessons in reading order, cached by
            # `courses.selectors.course_outline`) is keyed by the course's updated_at:
            # touching every course retires every cached outline, in every process.
            Course.objects.update(updated_at=timezone.now())
    return LoadReport(
        tallies=(
            Tally(
                label="courses",
                added=added,
                changed=changed,
                retired=retired,
                unchanged=unchanged,
            ),
        )
    )


COURSES_KIND = ContentKind(
    name=KIND_NAME,
    patterns=(COURSES_FILE,),
    parse=parse_courses,
    lint=lint_courses,
    load=load_courses,
)
