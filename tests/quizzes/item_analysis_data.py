"""Hand-built quizzes and attempts for the item analysis tests: question versions of each
type and attempts made directly with the models, marked by quizzes.grading."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone

from accounts.models import User
from quizzes import grading
from quizzes.models import Answer, Attempt, Question, QuestionVersion, Quiz
from quizzes.parsing import body_hash
from tests.accounts.factories import UserFactory
from tests.quizzes.factories import QuizFactory, single_body

PLACES = Decimal("0.000001")


def multiple_body() -> dict[str, Any]:
    """Options a and b are correct, c is not; partial credit."""
    return {
        "type": "multiple",
        "prompt": "Which of these help?",
        "scoring": "partial",
        "lessons": [],
        "sources": ["R1"],
        "jurisdiction": [],
        "options": [
            {"id": "a", "text": "Pause", "correct": True, "feedback": "Yes."},
            {"id": "b", "text": "Come back", "correct": True, "feedback": "Yes."},
            {"id": "c", "text": "Rush", "correct": False, "feedback": "No."},
        ],
    }


def ordering_body() -> dict[str, Any]:
    """Items in their correct order: i1, i2, i3; all or nothing."""
    return {
        "type": "ordering",
        "prompt": "Put these in order.",
        "scoring": "all-or-nothing",
        "lessons": [],
        "sources": ["R1"],
        "jurisdiction": [],
        "items": [{"id": f"i{n}", "text": f"Item {n}", "feedback": "Because."} for n in (1, 2, 3)],
    }


def _option(option_id: str, score: int, next_id: str) -> dict[str, Any]:
    return {
        "id": option_id,
        "text": f"Do {option_id}",
        "rating": "better" if score else "harmful",
        "score": score,
        "feedback": "Because.",
        "sources": ["R1"],
        "next": next_id,
    }


def scenario_body() -> dict[str, Any]:
    """d1: a (2) leads to d2, b (0) to the bad ending; d2: a (1) or b (0), both to the
    good ending. The best path scores 3."""
    return {
        "type": "scenario",
        "title": "A late meeting",
        "setting": "Everyone here is invented.",
        "start": "d1",
        "lessons": [],
        "sources": [],
        "jurisdiction": [],
        "steps": [
            {
                "id": "d1",
                "situation": "They arrive late.",
                "lessons": [],
                "jurisdiction": [],
                "options": [_option("d1-a", 2, "d2"), _option("d1-b", 0, "end-bad")],
            },
            {
                "id": "d2",
                "situation": "They ask to stop.",
                "lessons": [],
                "jurisdiction": [],
                "options": [_option("d2-a", 1, "end-good"), _option("d2-b", 0, "end-good")],
            },
        ],
        "endings": [
            {"id": "end-good", "text": "They come back."},
            {"id": "end-bad", "text": "They stop coming."},
        ],
    }


def reflection_body() -> dict[str, Any]:
    return {
        "type": "reflection",
        "prompt": "Write a few lines for yourself. No case details.",
        "lessons": [],
        "jurisdiction": [],
    }


BODIES = {
    Question.Type.SINGLE: (single_body, 1),
    Question.Type.MULTIPLE: (multiple_body, 1),
    Question.Type.ORDERING: (ordering_body, 1),
    Question.Type.SCENARIO: (scenario_body, 3),
    Question.Type.REFLECTION: (reflection_body, 0),
}


def question(quiz: Quiz, slug: str, kind: str, *, order: int = 1) -> QuestionVersion:
    """A question of the quiz with its first version (the current one)."""
    make_body, max_score = BODIES[kind]
    row = Question.objects.create(slug=slug, quiz=quiz, order=order, type=kind)
    return new_version(row, make_body(), max_score=max_score)


def new_version(row: Question, body: dict[str, Any], *, max_score: int) -> QuestionVersion:
    version = QuestionVersion.objects.create(
        question=row,
        number=row.versions.count() + 1,
        content_hash=body_hash(body),
        body=body,
        max_score=max_score,
        content_version="1.0.0",
    )
    row.current_version = version
    row.save(update_fields=["current_version"])
    return version


def stored_mark(version: QuestionVersion, response: Any) -> Decimal | None:
    """The mark as quizzes.services stores it: None for a reflection, else six places."""
    if version.max_score == 0:
        return None
    value = grading.mark(version.body, response, version.max_score)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        PLACES, rounding=ROUND_HALF_UP
    )


def take(
    user: User,
    quiz: Quiz,
    responses: Sequence[tuple[QuestionVersion, Any]],
    *,
    number: int = 1,
    kind: str = Attempt.Kind.STANDARD,
    submitted: bool = True,
    score: Decimal | None = None,
) -> Attempt:
    """An attempt with one answer per (version, response), marked as grading marks it;
    its score is the mean mark of its scored answers unless given."""
    marks = [stored_mark(version, response) for version, response in responses]
    scored = [Fraction(mark) for mark in marks if mark is not None]
    if score is None:
        mean = sum(scored, Fraction(0)) / len(scored) if scored else Fraction(1)
        score = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(PLACES)
    now = timezone.now()
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        kind=kind,
        seed=1,
        submitted_at=now if submitted else None,
        score=score if submitted else None,
        passed=score * 100 >= quiz.pass_mark if submitted else None,
    )
    Answer.objects.bulk_create(
        Answer(
            attempt=attempt,
            slot=slot,
            question_version=version,
            response=response,
            answered_at=now if response is not None else None,
            mark=mark,
        )
        for slot, ((version, response), mark) in enumerate(zip(responses, marks, strict=True), 1)
    )
    return attempt


def learners(count: int) -> list[User]:
    return [UserFactory() for _ in range(count)]


def new_quiz(**kwargs: Any) -> Quiz:
    return QuizFactory(**kwargs)


def five_learners() -> tuple[Quiz, dict[str, QuestionVersion], list[list[tuple[Any, Any]]]]:
    """A quiz of two single questions, a partial-credit multiple, a scenario and a
    reflection, and five learners' first attempts:

             q1 (o1)  q2 (o1)  q3 (a, b)   s (best 3)              r
        L1   o1  1    o1  1    a b    1    d1-a d2-a  3/3          (private)
        L2   o1  1    o2  0    a      1/2  d1-a d2-b  2/3
        L3   o2  0    o1  1    a c    0    d1-b       0
        L4   o1  1    o2  0    a b c  1/2  d1-a d2-a  3/3
        L5   o3  0    o2  0    c      0    d1-a       2/3 (submitted part way)
    """
    quiz = new_quiz(slug="five")
    versions = {
        "q1": question(quiz, "q1", Question.Type.SINGLE, order=1),
        "q2": question(quiz, "q2", Question.Type.SINGLE, order=2),
        "q3": question(quiz, "q3", Question.Type.MULTIPLE, order=3),
        "s": question(quiz, "s", Question.Type.SCENARIO, order=4),
        "r": question(quiz, "r", Question.Type.REFLECTION, order=5),
    }
    answers = [
        ["o1", "o1", ["a", "b"], [["d1", "d1-a"], ["d2", "d2-a"]]],
        ["o1", "o2", ["a"], [["d1", "d1-a"], ["d2", "d2-b"]]],
        ["o2", "o1", ["a", "c"], [["d1", "d1-b"]]],
        ["o1", "o2", ["a", "b", "c"], [["d1", "d1-a"], ["d2", "d2-a"]]],
        ["o3", "o2", ["c"], [["d1", "d1-a"]]],
    ]
    rows = []
    for user, (q1, q2, q3, path) in zip(learners(5), answers, strict=True):
        responses = [
            (versions["q1"], {"choice": q1}),
            (versions["q2"], {"choice": q2}),
            (versions["q3"], {"choices": q3}),
            (versions["s"], {"path": path}),
            (versions["r"], None),
        ]
        take(user, quiz, responses)
        rows.append(responses)
    return quiz, versions, rows
