"""Grading: the mark a response earns on one question version, on the server only.

Pure functions over a stored `QuestionVersion.body` and a response. A response names
options by id and is checked against the body before anything is stored; the browser
never sends, and never receives before answering, a mark or a correctness flag.

Response shapes, by question type:

- single: `{"choice": "<option id>"}`
- multiple: `{"choices": ["<option id>", ...]}` (at least one)
- ordering: `{"order": ["<item id>", ...]}` (every item once)
- scenario: `{"path": [["<step id>", "<option id>"], ...]}`, one decision at a time

Marks are fractions of the question's maximum (docs/quiz-format.md, "Question types").
"""

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from quizzes.graph import Graph, Path, best_path

Body = Mapping[str, Any]


class InvalidResponse(ValueError):
    """The response does not fit the question: unknown ids, a repeat, a missing item."""


def _ids(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(entry["id"]) for entry in entries]


def check_response(body: Body, response: object) -> dict[str, Any]:
    """The response, checked against the question and normalised; raises
    InvalidResponse with the reason. Scenario decisions go through `choose` instead."""
    kind = body["type"]
    if not isinstance(response, Mapping):
        raise InvalidResponse("An answer is a set of choices.")
    if kind == "single":
        choice = response.get("choice")
        if choice not in _ids(body["options"]):
            raise InvalidResponse("Choose one of the options.")
        return {"choice": choice}
    if kind == "multiple":
        choices = response.get("choices")
        known = _ids(body["options"])
        if not isinstance(choices, list) or not choices:
            raise InvalidResponse("Choose at least one option.")
        if any(choice not in known for choice in choices) or len(set(choices)) != len(choices):
            raise InvalidResponse("Choose only options of this question, each once.")
        return {"choices": [each for each in known if each in choices]}
    if kind == "ordering":
        order = response.get("order")
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(_ids(body["items"])):
            raise InvalidResponse("Place every item exactly once.")
        return {"order": [str(each) for each in order]}
    raise InvalidResponse(f"A {kind} question is not answered with choices.")


def mark(body: Body, response: Mapping[str, Any] | None, max_score: int) -> Fraction:
    """The mark, from 0 to 1, that a (checked) response earns; nothing earns 0."""
    if response is None or max_score == 0:
        return Fraction(0)
    kind = body["type"]
    if kind == "single":
        correct = {o["id"] for o in body["options"] if o["correct"]}
        return Fraction(int(response["choice"] in correct))
    if kind == "multiple":
        correct = {o["id"] for o in body["options"] if o["correct"]}
        chosen = set(response["choices"])
        if body["scoring"] == "all-or-nothing":
            return Fraction(int(chosen == correct))
        # Partial credit: +1/C per correct option chosen, -1/C per other option chosen,
        # never below nothing (C: the number of correct options).
        earned = Fraction(len(chosen & correct) - len(chosen - correct), len(correct))
        return max(earned, Fraction(0))
    if kind == "ordering":
        expected = _ids(body["items"])
        placed = sum(
            1 for got, want in zip(response["order"], expected, strict=True) if got == want
        )
        if body["scoring"] == "all-or-nothing":
            return Fraction(int(placed == len(expected)))
        return Fraction(placed, len(expected))
    if kind == "scenario":
        return Fraction(path_score(body, response.get("path", [])), max_score)
    return Fraction(0)


# --- Scenarios ----------------------------------------------------------------------------


def _option(body: Body, step_id: str, option_id: str) -> Mapping[str, Any] | None:
    for step in body["steps"]:
        if step["id"] == step_id:
            return next((o for o in step["options"] if o["id"] == option_id), None)
    return None


def position(body: Body, path: Sequence[Sequence[str]]) -> str:
    """Where a path stands: the id of the step to decide next, or of the ending reached."""
    here = str(body["start"])
    for step_id, option_id in path:
        option = _option(body, step_id, option_id)
        if option is None:
            raise InvalidResponse("The path names a decision this scenario does not have.")
        here = str(option["next"])
    return here


def is_ending(body: Body, node: str) -> bool:
    return node in _ids(body["endings"])


def choose(
    body: Body, path: Sequence[Sequence[str]], step_id: str, option_id: str
) -> list[list[str]]:
    """The path with one more decision; only the step the learner is at can be decided,
    so a decision is never changed and a repeated request cannot decide twice."""
    here = position(body, path)
    if is_ending(body, here):
        raise InvalidResponse("This scenario has reached its end.")
    if step_id != here:
        raise InvalidResponse("That decision has already been made.")
    if _option(body, step_id, option_id) is None:
        raise InvalidResponse("Choose one of the options for this step.")
    return [*map(list, path), [step_id, option_id]]


def path_score(body: Body, path: Sequence[Sequence[str]]) -> int:
    total = 0
    for step_id, option_id in path:
        option = _option(body, step_id, option_id)
        total += int(option["score"]) if option is not None else 0
    return total


def best(body: Body) -> Path | None:
    """The best path (highest score; ties to the longer, then the file's order)."""
    return best_path(Graph.from_body(body))
