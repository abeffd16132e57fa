"""Moving learners to a newer edition of the curriculum: the explicit step that ends
their pinning to the version they started on (docs/versions.md).

A learner keeps reading the version their cycle is pinned to, whatever is loaded after
it. Moving is their choice (the course page offers it, saying what changes) or an
operator's (`manage.py move_to_current_version`, after an urgent correction, say). It
changes only the open cycle's version: lessons completed stay completed and keep the
version they were completed on; a completed cycle, and any record earned on it, never
moves.
"""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from courses.models import Course, EnrollmentCycle
from courses.outline import CourseOutline, OutlineLesson, course_outline
from courses.services import CourseError, NotEnrolled

_CONTENT_HASH = 6  # position of the content hash in an outline's lesson row


@dataclass(frozen=True)
class EditionChange:
    """What moving from one outline to another changes for a learner."""

    from_version: str
    to_version: str
    added: tuple[OutlineLesson, ...]
    removed: tuple[OutlineLesson, ...]
    updated: tuple[OutlineLesson, ...]


def compare(old: CourseOutline, new: CourseOutline) -> EditionChange:
    """Lessons added, removed, and whose text changed between two outlines of a course."""
    return EditionChange(
        from_version=old.version,
        to_version=new.version,
        added=tuple(each for each in new.lessons if not old.includes(each.pk)),
        removed=tuple(each for each in old.lessons if not new.includes(each.pk)),
        updated=tuple(
            each
            for each in new.lessons
            if old.includes(each.pk)
            and old.bodies[each.pk][_CONTENT_HASH] != new.bodies[each.pk][_CONTENT_HASH]
        ),
    )


def offered_change(
    *, course: Course, cycle: EnrollmentCycle | None, outline: CourseOutline
) -> EditionChange | None:
    """What moving would change for a learner whose open cycle reads `outline` (their
    version's), or None when there is nothing to offer: not started, completed, or on
    the current version already."""
    if cycle is None or cycle.completed_at is not None:
        return None
    current = course_outline(course)
    return None if outline.version == current.version else compare(outline, current)


class CycleCompleted(CourseError):
    """A completed cycle keeps the version it was completed on."""


def move_learner(*, user: User, course: Course) -> EditionChange | None:
    """Move the learner's open cycle on the course to the current version; None when it
    is on it already (moving twice changes nothing)."""
    current = course_outline(course)
    with transaction.atomic():
        cycle = (
            EnrollmentCycle.objects.select_for_update()
            .filter(enrollment__user=user, enrollment__course=course)
            .order_by("-number")
            .first()
        )
        if cycle is None:
            raise NotEnrolled(f"The learner has not started the course {course.slug!r}.")
        if cycle.completed_at is not None:
            raise CycleCompleted("A completed cycle keeps the version it was completed on.")
        if cycle.content_version == current.version:
            return None
        change = compare(course_outline(course, cycle.content_version), current)
        cycle.content_version = current.version
        cycle.save(update_fields=["content_version"])
    return change


def move_course(*, course: Course, dry_run: bool = False) -> int:
    """Move every open cycle on the course that reads an earlier version to the current
    one, in one statement; returns how many (would) move."""
    current = course_outline(course).version
    cycles = EnrollmentCycle.objects.filter(
        enrollment__course=course, completed_at__isnull=True
    ).exclude(content_version=current)
    if dry_run:
        return cycles.count()
    return cycles.update(content_version=current)
