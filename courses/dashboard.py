"""The courses panel on the learner's dashboard (registered with accounts.dashboard)."""

from typing import Any

from accounts.models import User
from courses import selectors, services


def panel_context(user: User) -> dict[str, Any]:
    """The learner's place to continue from, and their courses with lessons and modules
    complete: seven queries at most, whatever they hold (selectors.learner_courses)."""
    place = selectors.latest_place(user=user)
    resume_url = ""
    if place is not None:
        resume_url = services.lesson_url(
            course=place.enrollment.course, lesson=place.lesson, section_id=place.section_id
        )
    return {
        "place": place,
        "resume_url": resume_url,
        "cards": selectors.learner_courses(user=user),
    }
