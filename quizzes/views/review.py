"""What an answered question shows: the learner's answer, whether it was right (or the
scenario's ratings), the feedback for every option, the sources and the lessons.

Built only once feedback may be seen: on the take page right after answering when the
quiz gives feedback after each question, otherwise on the results page. Nothing here is
ever built for a slot the learner has not answered (quizzes.views.slots builds those).
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from curriculum.models import Module
from quizzes import grading, services
from quizzes.models import Answer, Attempt
from quizzes.views.text import (
    LessonLink,
    Sources,
    block_html,
    inline_html,
    jurisdiction,
    lesson_links,
    sources,
)

RATING_LABELS: dict[str, StrOrPromise] = {
    "better": _("A better choice"),
    "acceptable": _("An acceptable choice"),
    "harmful": _("A choice that could cause harm"),
}


def percent(fraction: Decimal | None) -> int:
    """A fraction as a whole percentage, rounded down: a score shown as 70% has reached
    a pass mark of 70, and one that has not is never shown as reaching it."""
    return math.floor((fraction or Decimal(0)) * 100)


@dataclass(frozen=True)
class Outcome:
    """How an answer did: `kind` (correct, partial, incorrect, unanswered) for the CSS
    class, the words, and the mark as a percentage."""

    kind: str
    label: StrOrPromise
    percent: int


def outcome(answer: Answer) -> Outcome:
    if answer.response is None:
        return Outcome("unanswered", _("Not answered"), 0)
    mark = answer.mark or Decimal(0)
    if mark >= 1:
        return Outcome("correct", _("Correct"), 100)
    if mark <= 0:
        return Outcome("incorrect", _("Not correct"), 0)
    return Outcome("partial", _("Partly correct"), percent(mark))


@dataclass(frozen=True)
class OptionReview:
    id: str
    html: SafeString
    feedback_html: SafeString
    is_correct: bool
    is_chosen: bool


@dataclass(frozen=True)
class ChoiceReview:
    template: ClassVar[str] = "quizzes/includes/review_choice.html"
    kind: str
    prompt_html: SafeString
    jurisdiction: str
    options: tuple[OptionReview, ...]
    outcome: Outcome
    sources: Sources
    lessons: tuple[LessonLink, ...]


@dataclass(frozen=True)
class PlacedItem:
    html: SafeString
    position: int
    correct_position: int

    @property
    def is_in_place(self) -> bool:
        return self.position == self.correct_position


@dataclass(frozen=True)
class ItemReview:
    html: SafeString
    feedback_html: SafeString


@dataclass(frozen=True)
class OrderingReview:
    template: ClassVar[str] = "quizzes/includes/review_ordering.html"
    prompt_html: SafeString
    jurisdiction: str
    # The learner's order, each item with where it belongs; then the right order.
    placed: tuple[PlacedItem, ...]
    items: tuple[ItemReview, ...]
    outcome: Outcome
    sources: Sources
    lessons: tuple[LessonLink, ...]


@dataclass(frozen=True)
class StepReview:
    """One decision: the situation, the option taken, and its rating and feedback."""

    situation_html: SafeString
    jurisdiction: str
    choice_html: SafeString
    rating: str
    rating_label: StrOrPromise
    score: int
    feedback_html: SafeString
    sources: Sources
    is_on_best_path: bool = False


@dataclass(frozen=True)
class ScenarioReview:
    template: ClassVar[str] = "quizzes/includes/review_scenario.html"
    title: str
    setting_html: SafeString
    jurisdiction: str
    taken: tuple[StepReview, ...]
    # None while the scenario has not reached an ending.
    ending_html: SafeString | None
    best: tuple[StepReview, ...]
    best_ending_html: SafeString | None
    score: int
    max_score: int
    outcome: Outcome
    sources: Sources
    lessons: tuple[LessonLink, ...]

    @property
    def took_best_path(self) -> bool:
        return (
            bool(self.best)
            and len(self.taken) == len(self.best)
            and all(step.is_on_best_path for step in self.taken)
        )


type Review = ChoiceReview | OrderingReview | ScenarioReview


def lesson_slugs(bodies: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every lesson the questions (and a scenario's steps) point to."""
    slugs: list[str] = []
    for body in bodies:
        slugs.extend(str(slug) for slug in body.get("lessons", []))
        for step in body.get("steps", []):
            slugs.extend(str(slug) for slug in step.get("lessons", []))
    return slugs


def _choice(
    attempt: Attempt, answer: Answer, module: Module, titles: Mapping[str, str]
) -> ChoiceReview:
    body = answer.question_version.body
    by_id = {str(option["id"]): option for option in body["options"]}
    response = answer.response or {}
    chosen = {str(response["choice"])} if "choice" in response else set(response.get("choices", []))
    return ChoiceReview(
        kind=str(body["type"]),
        prompt_html=inline_html(body["prompt"]),
        jurisdiction=jurisdiction(body.get("jurisdiction")),
        options=tuple(
            OptionReview(
                id=option_id,
                html=inline_html(by_id[option_id]["text"]),
                feedback_html=block_html(by_id[option_id]["feedback"]),
                is_correct=bool(by_id[option_id]["correct"]),
                is_chosen=option_id in chosen,
            )
            for option_id in services.shown_order(attempt, answer.slot, list(by_id))
        ),
        outcome=outcome(answer),
        sources=sources(body.get("sources"), module),
        lessons=lesson_links(body.get("lessons", []), titles),
    )


def _ordering(answer: Answer, module: Module, titles: Mapping[str, str]) -> OrderingReview:
    body = answer.question_version.body
    items = list(body["items"])
    correct = {str(item["id"]): place for place, item in enumerate(items, start=1)}
    text = {str(item["id"]): item["text"] for item in items}
    order = [str(each) for each in (answer.response or {}).get("order", [])]
    return OrderingReview(
        prompt_html=inline_html(body["prompt"]),
        jurisdiction=jurisdiction(body.get("jurisdiction")),
        placed=tuple(
            PlacedItem(
                html=inline_html(text[item_id]),
                position=place,
                correct_position=correct[item_id],
            )
            for place, item_id in enumerate(order, start=1)
            if item_id in text
        ),
        items=tuple(
            ItemReview(html=inline_html(item["text"]), feedback_html=block_html(item["feedback"]))
            for item in items
        ),
        outcome=outcome(answer),
        sources=sources(body.get("sources"), module),
        lessons=lesson_links(body.get("lessons", []), titles),
    )


def step_review(
    body: Mapping[str, Any], step_id: str, option_id: str, module: Module
) -> StepReview | None:
    """The review of one decision, or None when the body has no such step or option."""
    step = next((s for s in body["steps"] if s["id"] == step_id), None)
    if step is None:
        return None
    option = next((o for o in step["options"] if o["id"] == option_id), None)
    if option is None:
        return None
    rating = str(option["rating"])
    return StepReview(
        situation_html=block_html(step["situation"]),
        jurisdiction=jurisdiction(step.get("jurisdiction")),
        choice_html=inline_html(option["text"]),
        rating=rating,
        rating_label=RATING_LABELS.get(rating, rating),
        score=int(option["score"]),
        feedback_html=block_html(option["feedback"]),
        sources=sources(option.get("sources"), module),
    )


def ending_html(body: Mapping[str, Any], node: str) -> SafeString | None:
    ending = next((e for e in body["endings"] if e["id"] == node), None)
    return None if ending is None else block_html(ending["text"])


def _scenario(answer: Answer, module: Module, titles: Mapping[str, str]) -> ScenarioReview:
    version = answer.question_version
    body = version.body
    path: Sequence[Sequence[str]] = (answer.response or {}).get("path", [])
    best = grading.best(body)
    on_best = (
        {(step, choice.option) for step, choice in best.choices} if best is not None else set()
    )
    taken: list[StepReview] = []
    for step_id, option_id in path:
        review = step_review(body, step_id, option_id, module)
        if review is not None:
            taken.append(replace(review, is_on_best_path=(step_id, option_id) in on_best))
    best_steps = tuple(
        review
        for step_id, choice in (best.choices if best is not None else ())
        if (review := step_review(body, step_id, choice.option, module)) is not None
    )
    here = grading.position(body, path)
    step_lessons = [
        str(slug)
        for step in body["steps"]
        if step["id"] in {step_id for step_id, _option in path}
        for slug in step.get("lessons", [])
    ]
    return ScenarioReview(
        title=str(body["title"]),
        setting_html=block_html(body["setting"]),
        jurisdiction=jurisdiction(body.get("jurisdiction")),
        taken=tuple(taken),
        ending_html=ending_html(body, here) if grading.is_ending(body, here) else None,
        best=best_steps,
        best_ending_html=ending_html(body, best.ending) if best is not None else None,
        score=grading.path_score(body, path),
        max_score=version.max_score,
        outcome=Outcome(
            "scenario",
            _("Your path"),
            percent(Decimal(grading.path_score(body, path)) / version.max_score)
            if version.max_score
            else 0,
        ),
        sources=sources(body.get("sources"), module),
        lessons=lesson_links([*body.get("lessons", []), *step_lessons], titles),
    )


def review(
    *, attempt: Attempt, answer: Answer, module: Module, titles: Mapping[str, str]
) -> Review | None:
    """The review of an answered slot (None for a reflection: it is never reviewed)."""
    kind = answer.question_version.body["type"]
    if kind in ("single", "multiple"):
        return _choice(attempt, answer, module, titles)
    if kind == "ordering":
        return _ordering(answer, module, titles)
    if kind == "scenario":
        return _scenario(answer, module, titles)
    return None
