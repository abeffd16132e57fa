"""Reads for the learner's quiz pages, each one query.

Attempts are only ever read through the signed-in learner's own rows
(`Attempt.objects.filter(user=...)`); an attempt id from a URL or a form is looked up
inside that set, so another learner's id is simply not found.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import models

from accounts.models import User
from curriculum.models import Lesson
from quizzes.models import Accommodation, Answer, Attempt, Quiz


def current_quizzes() -> models.QuerySet[Quiz]:
    """Quizzes still in the content files, with their module (whose references the
    pages cite)."""
    return Quiz.objects.current().select_related("module").fetch_mode(models.FETCH_RAISE)


def own_attempts(user: User) -> models.QuerySet[Attempt]:
    """The learner's own attempts: the only way the pages reach an attempt."""
    return Attempt.objects.filter(user=user).fetch_mode(models.FETCH_RAISE)


def own_attempt(*, user: User, quiz: Quiz, attempt_id: int | None) -> Attempt | None:
    """The learner's attempt at the quiz with this id, else their open one, with the
    quiz attached (services.shown_order reads it)."""
    attempts = own_attempts(user).filter(quiz=quiz)
    if attempt_id is not None:
        attempts = attempts.filter(pk=attempt_id)
    else:
        attempts = attempts.filter(submitted_at__isnull=True)
    attempt = attempts.first()
    if attempt is not None:
        attempt.quiz = quiz
    return attempt


def past_attempts(*, user: User, quiz: Quiz) -> list[Attempt]:
    """Every attempt of the learner at the quiz, the latest first (the open one too)."""
    attempts = list(own_attempts(user).filter(quiz=quiz).order_by("-number"))
    for attempt in attempts:
        attempt.quiz = quiz
    return attempts


def attempt_answers(attempt: Attempt) -> list[Answer]:
    """The attempt's slots in order, each with its question version and question."""
    return list(
        Answer.objects.filter(attempt=attempt)
        .select_related("question_version__question")
        .order_by("slot")
        .fetch_mode(models.FETCH_RAISE)
    )


def slot_count(attempt: Attempt) -> int:
    """How many questions the attempt has."""
    return Answer.objects.filter(attempt=attempt).count()


def accommodation_of(user: User) -> tuple[Decimal, int]:
    """The learner's extra-time multiplier and extra attempts (1 and 0 without any)."""
    found = (
        Accommodation.objects.filter(user=user)
        .values_list("extra_time_multiplier", "extra_attempts")
        .first()
    )
    return found if found is not None else (Decimal(1), 0)


def attempts_used(*, user: User, quiz: Quiz) -> int:
    """How many attempts the learner has started at the quiz."""
    return own_attempts(user).filter(quiz=quiz).aggregate(n=models.Max("number"))["n"] or 0


def lesson_titles(slugs: Iterable[str]) -> dict[str, str]:
    """Titles of the current lessons with these ids (lessons a question points to)."""
    wanted = sorted(set(slugs))
    if not wanted:
        return {}
    return dict(Lesson.objects.current().filter(slug__in=wanted).values_list("slug", "title"))
