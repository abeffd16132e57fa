"""Quiz work in the learner's own export, and gone after erasure; nobody else's."""

from decimal import Decimal

import pytest

from accounts import personal_data
from quizzes import services
from quizzes.models import Accommodation, Answer, Attempt, Reflection
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory
from tests.quizzes.test_services import add_question

pytestmark = pytest.mark.django_db


def test_every_quizzes_model_that_holds_a_persons_data_is_covered() -> None:
    covered = personal_data.covered_models()
    for model in (Attempt, Answer, Reflection, Accommodation):
        assert model in covered, model.__name__


def test_export_holds_attempts_answers_reflections_and_the_accommodation_and_erasure_removes_them() -> (
    None
):
    learner, other = UserFactory(), UserFactory()
    quiz = QuizFactory()
    QuestionFactory(quiz=quiz, order=1)
    prompt = add_question(quiz, "q-r", {"type": "reflection", "prompt": "Think."}, 0)
    for person in (learner, other):
        attempt = services.start_attempt(user=person, quiz=quiz)
        services.answer(user=person, attempt_id=attempt.pk, slot=1, response={"choice": "o1"})
        services.submit(user=person, attempt_id=attempt.pk)
        services.save_reflection(user=person, question=prompt, text=f"Mine, {person.pk}.")
    services.set_accommodation(user=learner, extra_time_multiplier=Decimal(2), extra_attempts=1)

    data = personal_data.export_user_data(user=learner)["quizzes"]

    assert [(a["quiz"], a["passed"]) for a in data["attempts"]] == [(quiz.slug, True)]
    assert data["attempts"][0]["answers"][0]["response"] == {"choice": "o1"}
    assert [r["text"] for r in data["reflections"]] == [f"Mine, {learner.pk}."]
    assert data["accommodation"]["extra_attempts"] == 1

    learner_id = learner.pk
    personal_data.erase_account(user=learner, erased_by=None)
    assert not Attempt.objects.filter(user_id=learner_id).exists()
    assert not Reflection.objects.filter(user_id=learner_id).exists()
    assert not Accommodation.objects.filter(user_id=learner_id).exists()
    assert Attempt.objects.filter(user=other).count() == 1
    assert Reflection.objects.filter(user=other).count() == 1
