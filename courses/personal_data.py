"""The learner's courses in their data export, and their erasure (accounts.personal_data).

Registered from CoursesConfig.ready() as the `enrolments` section: enrolments with their
cycles, the lessons seen and completed and the modules entered in each cycle, and the
reading place, including whether the learner is on a break: it is theirs to see, and
no one else's.
"""

from collections import defaultdict
from typing import Any

from accounts.models import User
from courses.models import Enrollment, EnrollmentCycle, LessonProgress, ModuleEntry, ReadingPlace

MODELS = (Enrollment, EnrollmentCycle, LessonProgress, ModuleEntry, ReadingPlace)


def export_enrolments(user: User) -> list[dict[str, Any]]:
    """Every enrolment of the person with everything recorded under it, in five queries."""
    enrolments = list(
        Enrollment.objects.filter(user=user)
        .order_by("started_at", "pk")
        .values("pk", "course__slug", "content_version", "started_at", "completed_at")
    )
    cycles = list(
        EnrollmentCycle.objects.filter(enrollment__user=user)
        .order_by("number")
        .values("pk", "enrollment_id", "number", "content_version", "started_at", "completed_at")
    )
    lessons: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        LessonProgress.objects.filter(cycle__enrollment__user=user)
        .order_by("first_viewed_at", "pk")
        .values("cycle_id", "lesson__slug", "first_viewed_at", "completed_at", "content_version")
    ):
        lessons[row["cycle_id"]].append(
            {
                "lesson": row["lesson__slug"],
                "first_viewed_at": row["first_viewed_at"],
                "completed_at": row["completed_at"],
                "completed_on_version": row["content_version"],
            }
        )
    modules: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in (
        ModuleEntry.objects.filter(cycle__enrollment__user=user)
        .order_by("entered_at", "pk")
        .values("cycle_id", "module__slug", "entered_at", "content_note_seen_at")
    ):
        modules[entry["cycle_id"]].append(
            {
                "module": entry["module__slug"],
                "entered_at": entry["entered_at"],
                "content_note_seen_at": entry["content_note_seen_at"],
            }
        )
    places = {
        row["enrollment_id"]: {
            "lesson": row["lesson__slug"],
            "section": row["section_id"],
            "saved_at": row["saved_at"],
            "on_break": row["on_break"],
        }
        for row in ReadingPlace.objects.filter(enrollment__user=user).values(
            "enrollment_id", "lesson__slug", "section_id", "saved_at", "on_break"
        )
    }
    cycles_by_enrolment: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for cycle in cycles:
        cycles_by_enrolment[cycle["enrollment_id"]].append(
            {
                "number": cycle["number"],
                "content_version": cycle["content_version"],
                "started_at": cycle["started_at"],
                "completed_at": cycle["completed_at"],
                "lessons": lessons[cycle["pk"]],
                "modules_entered": modules[cycle["pk"]],
            }
        )
    return [
        {
            "course": enrolment["course__slug"],
            "content_version": enrolment["content_version"],
            "started_at": enrolment["started_at"],
            "completed_at": enrolment["completed_at"],
            "cycles": cycles_by_enrolment[enrolment["pk"]],
            "reading_place": places.get(enrolment["pk"]),
        }
        for enrolment in enrolments
    ]


def erase_enrolments(user: User) -> None:
    """Delete the person's enrolments; cycles, progress, module entries and the reading
    place go with them."""
    Enrollment.objects.filter(user=user).delete()
