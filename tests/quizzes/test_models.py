"""What the database itself guarantees about quiz rows: ranges and choices hold, and a
question version, once written, is never changed or deleted."""

from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction

from quizzes.models import Question, QuestionVersion, Quiz, VersionIsImmutable
from quizzes.parsing import body_hash
from tests.quizzes.factories import QuestionFactory, QuizFactory, single_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"pass_mark": 0},
        {"pass_mark": 101},
        {"attempts_allowed": 0},
        {"draw": 0},
        {"time_limit_minutes": 0},
        {"purpose": "exam"},
        {"change": "minor"},
        {"feedback_timing": "never"},
    ],
    ids=lambda fields: "-".join(f"{k}={v}" for k, v in fields.items()),
)
def test_a_quiz_out_of_range_is_refused_by_the_database(fields: dict[str, object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizFactory(**fields)


def test_unlimited_attempts_every_question_and_no_clock_are_nulls() -> None:
    quiz = QuizFactory(attempts_allowed=None, draw=None, time_limit_minutes=None, pass_mark=100)

    assert Quiz.objects.get(pk=quiz.pk).pass_mark == 100


def test_a_question_type_outside_the_five_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(slug="q", quiz=QuizFactory(), order=1, type="essay")


def version_of(question: Question, **fields: object) -> QuestionVersion:
    body = single_body("Another prompt?")
    values: dict[str, object] = {
        "question": question,
        "number": 2,
        "content_hash": body_hash(body),
        "body": body,
        "max_score": 1,
        "content_version": "1.0.0-draft",
        **fields,
    }
    return QuestionVersion.objects.create(**values)


@pytest.mark.parametrize(
    "fields",
    [{"number": 1}, {"content_hash": body_hash(single_body())}, {"number": 0}],
    ids=["number-twice", "same-content-twice", "number-zero"],
)
def test_versions_are_numbered_once_and_hold_distinct_content(fields: dict[str, object]) -> None:
    question = QuestionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        version_of(question, **fields)


ATTEMPTS: dict[str, Callable[[QuestionVersion], object]] = {
    "save": lambda version: version.save(),
    "delete": lambda version: version.delete(),
    "queryset-update": lambda version: QuestionVersion.objects.filter(pk=version.pk).update(
        max_score=9
    ),
    "queryset-delete": lambda version: QuestionVersion.objects.filter(pk=version.pk).delete(),
}


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_a_written_version_is_never_changed_or_deleted(attempt: str) -> None:
    question = QuestionFactory()
    version = question.current_version
    assert version is not None
    before = QuestionVersion.objects.filter(pk=version.pk).values().get()
    version.max_score = 9

    with pytest.raises(VersionIsImmutable):
        ATTEMPTS[attempt](version)

    assert QuestionVersion.objects.filter(pk=version.pk).values().get() == before


def test_rows_in_use_cannot_be_deleted() -> None:
    # Rows are retired, never deleted: PROTECT keeps a quiz with questions, and a question
    # with versions, in place.
    question = QuestionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Quiz.objects.filter(pk=question.quiz_id).delete()
    assert Quiz.objects.filter(pk=question.quiz_id).exists()
