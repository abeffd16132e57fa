"""Marks for each question type, worked by hand (docs/quiz-format.md, "Question types")."""

from fractions import Fraction

import pytest

from quizzes import grading


def options(*correct: bool) -> list[dict[str, object]]:
    return [
        {"id": f"o{n}", "text": f"Option {n}", "correct": right, "feedback": "Why."}
        for n, right in enumerate(correct, start=1)
    ]


SINGLE = {"type": "single", "options": options(False, True, False)}


def multiple(scoring: str) -> dict[str, object]:
    return {"type": "multiple", "scoring": scoring, "options": options(True, True, False, False)}


def ordering(scoring: str) -> dict[str, object]:
    items = [{"id": f"i{n}", "text": f"Step {n}", "feedback": "Why."} for n in (1, 2, 3, 4)]
    return {"type": "ordering", "scoring": scoring, "items": items}


# start d1: a (2) -> d2, b (0) -> r1; d2: a (2) -> end-good, b (1) -> end-ok;
# r1: a (1) -> end-ok. Best path d1-a, d2-a = 4.
SCENARIO = {
    "type": "scenario",
    "start": "d1",
    "steps": [
        {
            "id": "d1",
            "options": [
                {"id": "d1-a", "score": 2, "next": "d2"},
                {"id": "d1-b", "score": 0, "next": "r1"},
            ],
        },
        {
            "id": "d2",
            "options": [
                {"id": "d2-a", "score": 2, "next": "end-good"},
                {"id": "d2-b", "score": 1, "next": "end-ok"},
            ],
        },
        {"id": "r1", "options": [{"id": "r1-a", "score": 1, "next": "end-ok"}]},
    ],
    "endings": [{"id": "end-good"}, {"id": "end-ok"}],
}


def test_single_is_one_or_nothing() -> None:
    assert grading.mark(SINGLE, {"choice": "o2"}, 1) == 1
    assert grading.mark(SINGLE, {"choice": "o1"}, 1) == 0
    assert grading.mark(SINGLE, None, 1) == 0


@pytest.mark.parametrize(
    ("choices", "partial", "all_or_nothing"),
    [
        (["o1", "o2"], Fraction(1), Fraction(1)),
        (["o1"], Fraction(1, 2), Fraction(0)),
        # One right (+1/2), one wrong (-1/2).
        (["o1", "o3"], Fraction(0), Fraction(0)),
        # Both right (+1), one wrong (-1/2).
        (["o1", "o2", "o3"], Fraction(1, 2), Fraction(0)),
        # Never below nothing.
        (["o3", "o4"], Fraction(0), Fraction(0)),
    ],
)
def test_multiple_partial_and_all_or_nothing(
    choices: list[str], partial: Fraction, all_or_nothing: Fraction
) -> None:
    assert grading.mark(multiple("partial"), {"choices": choices}, 1) == partial
    assert grading.mark(multiple("all-or-nothing"), {"choices": choices}, 1) == all_or_nothing


def test_ordering_counts_items_in_their_place() -> None:
    swapped = {"order": ["i1", "i3", "i2", "i4"]}
    assert grading.mark(ordering("partial"), swapped, 1) == Fraction(2, 4)
    assert grading.mark(ordering("all-or-nothing"), swapped, 1) == 0
    right = {"order": ["i1", "i2", "i3", "i4"]}
    assert grading.mark(ordering("all-or-nothing"), right, 1) == 1


@pytest.mark.parametrize(
    ("body", "response", "message"),
    [
        (SINGLE, {"choice": "o9"}, "Choose one of the options."),
        (SINGLE, ["o1"], "An answer is a set of choices."),
        (multiple("partial"), {"choices": []}, "Choose at least one option."),
        (multiple("partial"), {"choices": ["o1", "o1"]}, "each once"),
        (multiple("partial"), {"choices": ["o1", "x"]}, "each once"),
        (ordering("partial"), {"order": ["i1", "i2", "i3"]}, "exactly once"),
        (ordering("partial"), {"order": ["i1", "i1", "i2", "i3"]}, "exactly once"),
        (SCENARIO, {"path": []}, "not answered with choices"),
    ],
)
def test_bad_responses_are_refused_with_the_reason(
    body: dict[str, object], response: object, message: str
) -> None:
    with pytest.raises(grading.InvalidResponse, match=message):
        grading.check_response(body, response)


def test_multiple_choices_are_stored_in_the_question_order() -> None:
    assert grading.check_response(multiple("partial"), {"choices": ["o2", "o1"]}) == {
        "choices": ["o1", "o2"]
    }


def test_a_scenario_is_walked_one_decision_at_a_time_and_scored_against_the_best_path() -> None:
    path = grading.choose(SCENARIO, [], "d1", "d1-b")
    assert grading.position(SCENARIO, path) == "r1"
    with pytest.raises(grading.InvalidResponse, match="already been made"):
        grading.choose(SCENARIO, path, "d1", "d1-a")
    with pytest.raises(grading.InvalidResponse, match="Choose one of the options"):
        grading.choose(SCENARIO, path, "r1", "d2-a")
    path = grading.choose(SCENARIO, path, "r1", "r1-a")
    assert grading.is_ending(SCENARIO, grading.position(SCENARIO, path))
    with pytest.raises(grading.InvalidResponse, match="reached its end"):
        grading.choose(SCENARIO, path, "r1", "r1-a")
    # 0 + 1 of a best path worth 4.
    assert grading.mark(SCENARIO, {"path": path}, 4) == Fraction(1, 4)
    best = grading.best(SCENARIO)
    assert best is not None
    assert ([c.option for _, c in best.choices], best.ending, best.score) == (
        ["d1-a", "d2-a"],
        "end-good",
        4,
    )
