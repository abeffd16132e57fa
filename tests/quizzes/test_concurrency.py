"""Starting and submitting at the same moment, on PostgreSQL: threads with their own
connections, released together by a barrier. SQLite serialises writers, so these run
against the real database only (DATABASE_URL)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from quizzes import services
from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def together[T](calls: list[Callable[[], T]]) -> list[T | BaseException]:
    """Run the calls in threads released at the same moment; each result or error."""
    barrier = threading.Barrier(len(calls))
    results: list[T | BaseException] = [RuntimeError("did not run")] * len(calls)

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # reported to the test, never swallowed
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def quiz(postgres: dict[str, Any]) -> Quiz:
    quiz = QuizFactory(feedback_timing=Quiz.FeedbackTiming.AFTER_SUBMISSION)
    QuestionFactory(quiz=quiz, order=1)
    QuestionFactory(quiz=quiz, order=2)
    return quiz


def test_many_learners_each_starting_in_two_tabs_get_exactly_one_attempt_each(
    quiz: Quiz,
) -> None:
    learners: list[User] = UserFactory.create_batch(30)
    calls = [
        (lambda learner=learner: services.start_attempt(user=learner, quiz=quiz).pk)
        for learner in learners
        for _tab in range(2)
    ]
    results = together(calls)

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Attempt.objects.filter(quiz=quiz).count() == 30
    # Both tabs of each learner are on the same attempt.
    assert len(set(results)) == 30
    for learner in learners:
        assert Attempt.objects.get(user=learner).answers.count() == 2


def test_submitting_from_many_tabs_at_once_grades_once(quiz: Quiz) -> None:
    learner = UserFactory()
    attempt = services.start_attempt(user=learner, quiz=quiz)
    services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "o1"})

    results = together(
        [lambda: services.submit(user=learner, attempt_id=attempt.pk) for _ in range(8)]
    )

    assert not [r for r in results if isinstance(r, BaseException)], results
    graded = [r for r in results if isinstance(r, Attempt)]
    assert {(a.submitted_at, a.score, a.passed) for a in graded} == {
        (graded[0].submitted_at, graded[0].score, False)
    }
    assert str(graded[0].score) == "0.500000"
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
