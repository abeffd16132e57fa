"""The learner's quiz work in their data export, and its erasure (accounts.personal_data).

Registered from QuizzesConfig.ready() as the `quizzes` section: every attempt with its
answers and marks, the learner's private reflections (theirs alone: this export, made
for them, is the only place anything outside their own quiz pages shows them), and any
accommodation recorded for them.
"""

from collections import defaultdict
from typing import Any

from accounts.models import User
from quizzes.models import Accommodation, Answer, Attempt, Reflection

MODELS = (Attempt, Answer, Reflection, Accommodation)


def export_quizzes(user: User) -> dict[str, Any]:
    """Attempts with their answers, reflections and the accommodation: four queries."""
    answers: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Answer.objects.filter(attempt__user=user)
        .order_by("attempt_id", "slot")
        .values(
            "attempt_id",
            "slot",
            "question_version__question__slug",
            "question_version__number",
            "response",
            "answered_at",
            "mark",
        )
    ):
        answers[row["attempt_id"]].append(
            {
                "slot": row["slot"],
                "question": row["question_version__question__slug"],
                "question_version": row["question_version__number"],
                "response": row["response"],
                "answered_at": row["answered_at"],
                "mark": row["mark"],
            }
        )
    attempts = [
        {
            "quiz": row["quiz__slug"],
            "number": row["number"],
            "kind": row["kind"],
            "started_at": row["started_at"],
            "submitted_at": row["submitted_at"],
            "score": row["score"],
            "passed": row["passed"],
            "answers": answers[row["pk"]],
        }
        for row in Attempt.objects.filter(user=user)
        .order_by("started_at", "pk")
        .values(
            "pk", "quiz__slug", "number", "kind", "started_at", "submitted_at", "score", "passed"
        )
    ]
    reflections = list(
        Reflection.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("question__slug", "text", "created_at", "updated_at")
    )
    accommodation = (
        Accommodation.objects.filter(user=user)
        .values("extra_time_multiplier", "extra_attempts", "updated_at")
        .first()
    )
    return {"attempts": attempts, "reflections": reflections, "accommodation": accommodation}


def erase_quizzes(user: User) -> None:
    """Delete the person's attempts (answers go with them), reflections and accommodation."""
    Attempt.objects.filter(user=user).delete()
    Reflection.objects.filter(user=user).delete()
    Accommodation.objects.filter(user=user).delete()
