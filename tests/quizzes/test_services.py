"""Taking a quiz fairly: one open attempt, grading once on the server, the server's
clock with breaks and accommodations, scenario places that survive, private
reflections deleted for real."""

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from quizzes import services
from quizzes.models import Answer, Attempt, Question, QuestionVersion, Quiz, Reflection
from quizzes.parsing import body_hash
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory
from tests.quizzes.test_grading import SCENARIO

pytestmark = pytest.mark.django_db


def add_question(quiz: Quiz, slug: str, body: dict[str, object], max_score: int) -> Question:
    question = Question.objects.create(
        slug=slug,
        quiz=quiz,
        order=Question.objects.filter(quiz=quiz).count() + 1,
        type=body["type"],
    )
    question.current_version = QuestionVersion.objects.create(
        question=question,
        number=1,
        content_hash=body_hash(body),
        body=body,
        max_score=max_score,
        content_version="1.0.0-draft",
    )
    question.save(update_fields=["current_version"])
    return question


@pytest.fixture
def learner() -> User:
    return UserFactory()


@pytest.fixture
def quiz() -> Quiz:
    """Two single questions (right answer: o1) and a scenario worth 4 at best."""
    quiz = QuizFactory(feedback_timing=Quiz.FeedbackTiming.AFTER_SUBMISSION, pass_mark=60)
    QuestionFactory(quiz=quiz, order=1)
    QuestionFactory(quiz=quiz, order=2)
    add_question(quiz, f"{quiz.slug}-s", SCENARIO, 4)
    return quiz


def at(moment: dt.datetime) -> Any:
    """The server's clock stopped at `moment` (services read timezone.now)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


# --- Starting -----------------------------------------------------------------------------


def test_starting_draws_every_question_in_order_and_starting_again_resumes(
    learner: User, quiz: Quiz
) -> None:
    attempt = services.start_attempt(user=learner, quiz=quiz)
    slots = list(attempt.answers.order_by("slot").values_list("question_version__body__type"))
    assert slots == [("single",), ("single",), ("scenario",)]
    assert services.start_attempt(user=learner, quiz=quiz) == attempt
    assert Attempt.objects.count() == 1


def test_the_database_refuses_a_second_open_attempt(learner: User, quiz: Quiz) -> None:
    services.start_attempt(user=learner, quiz=quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(user=learner, quiz=quiz, number=2, seed=1)


def test_a_pool_draws_n_of_m_and_attempts_are_limited_with_extra_attempts_added(
    learner: User, quiz: Quiz
) -> None:
    Quiz.objects.filter(pk=quiz.pk).update(draw=2, attempts_allowed=1)
    quiz.refresh_from_db()
    first = services.start_attempt(user=learner, quiz=quiz)
    assert first.answers.count() == 2
    services.submit(user=learner, attempt_id=first.pk)
    with pytest.raises(services.NoAttemptsLeft, match="All 1 attempts"):
        services.start_attempt(user=learner, quiz=quiz)
    services.set_accommodation(user=learner, extra_time_multiplier=Decimal("1.5"), extra_attempts=1)
    second = services.start_attempt(user=learner, quiz=quiz)
    assert second.number == 2


@pytest.mark.parametrize(("multiplier", "extra"), [(Decimal("0.5"), 0), (Decimal(5), 0), (1, 21)])
def test_accommodations_out_of_range_are_refused(
    learner: User, multiplier: Decimal, extra: int
) -> None:
    with pytest.raises(ValueError, match="between"):
        services.set_accommodation(
            user=learner, extra_time_multiplier=Decimal(multiplier), extra_attempts=extra
        )


# --- Answering and submitting -------------------------------------------------------------


def test_grading_is_the_servers_and_submitting_twice_grades_once(learner: User, quiz: Quiz) -> None:
    attempt = services.start_attempt(user=learner, quiz=quiz)
    services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "o1"})
    services.answer(user=learner, attempt_id=attempt.pk, slot=2, response={"choice": "o2"})
    # After submission feedback: an answer may change until then.
    services.answer(user=learner, attempt_id=attempt.pk, slot=2, response={"choice": "o1"})
    for step, option in [("d1", "d1-a"), ("d2", "d2-b")]:
        services.decide(user=learner, attempt_id=attempt.pk, slot=3, step_id=step, option_id=option)

    first = services.submit(user=learner, attempt_id=attempt.pk)
    # (1 + 1 + 3/4) / 3 = 11/12.
    assert first.score == Decimal("0.916667") and first.passed
    again = services.submit(user=learner, attempt_id=attempt.pk)
    assert (again.submitted_at, again.score) == (first.submitted_at, first.score)
    with pytest.raises(services.AttemptClosed):
        services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "o2"})


def test_an_unanswered_quiz_scores_nothing_and_fails(learner: User, quiz: Quiz) -> None:
    attempt = services.start_attempt(user=learner, quiz=quiz)
    graded = services.submit(user=learner, attempt_id=attempt.pk)
    assert (graded.score, graded.passed) == (Decimal(0), False)


def test_bad_input_changes_nothing(learner: User, quiz: Quiz) -> None:
    attempt = services.start_attempt(user=learner, quiz=quiz)
    with pytest.raises(services.InvalidResponse):
        services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "zz"})
    with pytest.raises(services.InvalidResponse, match="no such question"):
        services.answer(user=learner, attempt_id=attempt.pk, slot=9, response={"choice": "o1"})
    with pytest.raises(services.InvalidResponse, match="one decision at a time"):
        services.decide(user=learner, attempt_id=attempt.pk, slot=1, step_id="d1", option_id="x")
    assert not Answer.objects.filter(attempt=attempt, response__isnull=False).exists()


def test_nobody_touches_someone_elses_attempt(learner: User, quiz: Quiz) -> None:
    attempt = services.start_attempt(user=learner, quiz=quiz)
    other = UserFactory()
    with pytest.raises(services.NotYourAttempt):
        services.answer(user=other, attempt_id=attempt.pk, slot=1, response={"choice": "o1"})
    with pytest.raises(services.NotYourAttempt):
        services.submit(user=other, attempt_id=attempt.pk)
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None


def test_with_feedback_after_each_question_an_answer_stands(learner: User) -> None:
    practice = QuizFactory(feedback_timing=Quiz.FeedbackTiming.AFTER_EACH)
    QuestionFactory(quiz=practice)
    attempt = services.start_attempt(user=learner, quiz=practice)
    row = services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "o2"})
    assert row.mark == 0
    with pytest.raises(services.AlreadyAnswered):
        services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "o1"})


def test_a_scenario_place_is_the_path_stored_on_the_server(learner: User, quiz: Quiz) -> None:
    attempt = services.start_attempt(user=learner, quiz=quiz)
    services.decide(user=learner, attempt_id=attempt.pk, slot=3, step_id="d1", option_id="d1-b")
    services.take_break(user=learner, attempt_id=attempt.pk)
    # Another device: the same attempt, the same place.
    resumed = services.start_attempt(user=learner, quiz=quiz)
    row = resumed.answers.get(slot=3)
    assert row.response == {"path": [["d1", "d1-b"]]}
    assert row.answered_at is None
    with pytest.raises(services.InvalidResponse, match="already been made"):
        services.decide(user=learner, attempt_id=attempt.pk, slot=3, step_id="d1", option_id="d1-a")


# --- The clock ----------------------------------------------------------------------------


def test_the_clock_stops_on_a_break_and_the_server_decides_when_time_is_up(
    learner: User,
) -> None:
    timed = QuizFactory(time_limit_minutes=10, feedback_timing=Quiz.FeedbackTiming.AFTER_SUBMISSION)
    QuestionFactory(quiz=timed)
    QuestionFactory(quiz=timed)
    services.set_accommodation(user=learner, extra_time_multiplier=Decimal("1.5"), extra_attempts=0)
    start = timezone.now()
    with at(start):
        attempt = services.start_attempt(user=learner, quiz=timed)
    assert attempt.seconds_allowed == 15 * 60
    with at(start + dt.timedelta(minutes=5)):
        services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "o1"})
        paused = services.take_break(user=learner, attempt_id=attempt.pk)
    # A long break costs no time.
    assert services.seconds_left(paused, now=start + dt.timedelta(hours=3)) == 10 * 60
    with at(start + dt.timedelta(hours=3)):
        services.resume(user=learner, attempt_id=attempt.pk)
    # Past the limit (10 more minutes) and the grace: the answer is refused and the
    # attempt is graded on what was answered in time.
    late = start + dt.timedelta(hours=3, minutes=10, seconds=31)
    with at(late), pytest.raises(services.OutOfTime):
        services.answer(user=learner, attempt_id=attempt.pk, slot=2, response={"choice": "o1"})
    graded = Attempt.objects.get(pk=attempt.pk)
    assert graded.submitted_at == late and graded.score == Decimal("0.5")


def test_an_answer_inside_the_grace_period_counts(learner: User) -> None:
    timed = QuizFactory(time_limit_minutes=1)
    QuestionFactory(quiz=timed)
    start = timezone.now()
    with at(start):
        attempt = services.start_attempt(user=learner, quiz=timed)
    with at(start + dt.timedelta(seconds=60 + 29)):
        row = services.answer(
            user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "o1"}
        )
    assert row.mark == 1


def test_an_untimed_quiz_has_no_clock(learner: User, quiz: Quiz) -> None:
    attempt = services.start_attempt(user=learner, quiz=quiz)
    assert services.seconds_left(attempt) is None


# --- Reflections --------------------------------------------------------------------------


def test_a_reflection_is_the_authors_to_change_and_delete_for_real(learner: User) -> None:
    quiz = QuizFactory()
    prompt = add_question(
        quiz,
        "q-reflect",
        {"type": "reflection", "prompt": "Think. Do not write case or client details."},
        0,
    )
    services.save_reflection(user=learner, question=prompt, text="  First thoughts.  ")
    services.save_reflection(user=learner, question=prompt, text="Second thoughts.")
    assert list(Reflection.objects.values_list("text", flat=True)) == ["Second thoughts."]
    assert services.reflection_of(user=UserFactory(), question=prompt) is None
    with pytest.raises(services.InvalidResponse, match="at most 5000"):
        services.save_reflection(user=learner, question=prompt, text="x" * 5001)
    assert services.delete_reflection(user=learner, question=prompt) == 1
    assert not Reflection.objects.exists()
    services.save_reflection(user=learner, question=prompt, text="Again.")
    services.save_reflection(user=learner, question=prompt, text="   ")
    assert not Reflection.objects.exists()


def test_a_reflection_in_a_quiz_is_not_scored(learner: User) -> None:
    quiz = QuizFactory(feedback_timing=Quiz.FeedbackTiming.AFTER_SUBMISSION, pass_mark=100)
    QuestionFactory(quiz=quiz, order=1)
    add_question(quiz, "q-r", {"type": "reflection", "prompt": "Think."}, 0)
    attempt = services.start_attempt(user=learner, quiz=quiz)
    services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": "o1"})
    graded = services.submit(user=learner, attempt_id=attempt.pk)
    assert (graded.score, graded.passed) == (Decimal(1), True)
