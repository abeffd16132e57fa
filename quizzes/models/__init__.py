"""The question bank (loaded from the quiz files) and learners' attempts at it."""

from quizzes.models.attempts import Accommodation, Answer, Attempt, Reflection
from quizzes.models.bank import (
    Question,
    QuestionVersion,
    QuestionVersionQuerySet,
    Quiz,
    VersionIsImmutable,
)

__all__ = [
    "Accommodation",
    "Answer",
    "Attempt",
    "Question",
    "QuestionVersion",
    "QuestionVersionQuerySet",
    "Quiz",
    "Reflection",
    "VersionIsImmutable",
]
