"""What a slot shows while it can still be answered: the question, and its options or
items as ids and text only.

The fairness rule lives here: before a learner has answered a slot (or, in a scenario,
taken a step) the page must not carry a correctness flag, score, rating or feedback in
any form. So the template never sees a question body: only the small records below,
built field by field from it. A scenario's earlier decisions carry their rating and
feedback only when the quiz gives feedback after each question.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString

from curriculum.models import Module
from quizzes import grading, services
from quizzes.models import Answer, Attempt
from quizzes.views.review import StepReview, ending_html, step_review
from quizzes.views.text import block_html, inline_html, jurisdiction, plain_text


@dataclass(frozen=True)
class Choice:
    """An option as shown before feedback: its id and text, and whether the learner's
    saved answer (changeable until submission) chose it."""

    id: str
    html: SafeString
    is_chosen: bool = False


@dataclass(frozen=True)
class ChoiceQuestion:
    template = "quizzes/includes/question_choice.html"
    kind: str
    prompt_html: SafeString
    jurisdiction: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class OrderingItem:
    id: str
    html: SafeString
    # Plain words, for the names of its controls ("Move up: Event").
    text: str
    position: int


@dataclass(frozen=True)
class OrderingQuestion:
    template = "quizzes/includes/question_ordering.html"
    prompt_html: SafeString
    jurisdiction: str
    items: tuple[OrderingItem, ...]
    # The item whose "Move up" or "Move down" was just pressed, and which: its button
    # keeps the focus on the page that comes back, so the keyboard can press it again.
    moved: str = ""
    moved_direction: str = ""

    @property
    def positions(self) -> range:
        return range(1, len(self.items) + 1)


@dataclass(frozen=True)
class TakenStep:
    """A decision already taken: the situation and the option chosen; its review
    (rating, feedback, sources) only when the quiz gives feedback after each question."""

    situation_html: SafeString
    choice_html: SafeString
    review: StepReview | None


@dataclass(frozen=True)
class CurrentStep:
    id: str
    situation_html: SafeString
    jurisdiction: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class ScenarioQuestion:
    template = "quizzes/includes/question_scenario.html"
    title: str
    setting_html: SafeString
    jurisdiction: str
    taken: tuple[TakenStep, ...]
    # The step to decide now; None once an ending is reached.
    current: CurrentStep | None
    ending_html: SafeString | None


@dataclass(frozen=True)
class ReflectionQuestion:
    template = "quizzes/includes/question_reflection.html"
    slug: str
    prompt_html: SafeString
    text: str
    has_saved: bool


type Question = ChoiceQuestion | OrderingQuestion | ScenarioQuestion | ReflectionQuestion


def choice_question(attempt: Attempt, answer: Answer) -> ChoiceQuestion:
    body = answer.question_version.body
    text = {str(option["id"]): option["text"] for option in body["options"]}
    response = answer.response or {}
    chosen = {str(response["choice"])} if "choice" in response else set(response.get("choices", []))
    return ChoiceQuestion(
        kind=str(body["type"]),
        prompt_html=inline_html(body["prompt"]),
        jurisdiction=jurisdiction(body.get("jurisdiction")),
        choices=tuple(
            Choice(id=option_id, html=inline_html(text[option_id]), is_chosen=option_id in chosen)
            for option_id in services.shown_order(attempt, answer.slot, list(text))
        ),
    )


def ordering_order(attempt: Attempt, answer: Answer) -> list[str]:
    """The order the items stand in now: the learner's saved answer, else the attempt's
    shuffled order (never the file's, which is the right one)."""
    body = answer.question_version.body
    ids = [str(item["id"]) for item in body["items"]]
    saved = [str(each) for each in (answer.response or {}).get("order", [])]
    if sorted(saved) == sorted(ids):
        return saved
    return services.shown_order(attempt, answer.slot, ids, where="items")


def ordering_question(
    attempt: Attempt,
    answer: Answer,
    *,
    order: Sequence[str] | None = None,
    positions: Mapping[str, int] | None = None,
    moved: str = "",
    moved_direction: str = "",
) -> OrderingQuestion:
    body = answer.question_version.body
    text = {str(item["id"]): item["text"] for item in body["items"]}
    shown = list(order) if order is not None else ordering_order(attempt, answer)
    return OrderingQuestion(
        prompt_html=inline_html(body["prompt"]),
        jurisdiction=jurisdiction(body.get("jurisdiction")),
        items=tuple(
            OrderingItem(
                id=item_id,
                html=inline_html(text[item_id]),
                text=plain_text(text[item_id]),
                # A refused answer shows the menus as they were sent (two on one number).
                position=(positions or {}).get(item_id, place),
            )
            for place, item_id in enumerate(shown, start=1)
        ),
        moved=moved,
        moved_direction=moved_direction,
    )


def scenario_question(
    attempt: Attempt, answer: Answer, *, module: Module, with_feedback: bool
) -> ScenarioQuestion:
    body = answer.question_version.body
    steps = {str(step["id"]): step for step in body["steps"]}
    path = (answer.response or {}).get("path", [])
    taken: list[TakenStep] = []
    for step_id, option_id in path:
        step = steps[step_id]
        option = next(o for o in step["options"] if o["id"] == option_id)
        taken.append(
            TakenStep(
                situation_html=block_html(step["situation"]),
                choice_html=inline_html(option["text"]),
                review=step_review(body, step_id, option_id, module) if with_feedback else None,
            )
        )
    here = grading.position(body, path)
    current = None
    if not grading.is_ending(body, here):
        step = steps[here]
        text = {str(option["id"]): option["text"] for option in step["options"]}
        current = CurrentStep(
            id=here,
            situation_html=block_html(step["situation"]),
            jurisdiction=jurisdiction(step.get("jurisdiction")),
            choices=tuple(
                Choice(id=option_id, html=inline_html(text[option_id]))
                for option_id in services.shown_order(attempt, answer.slot, list(text), where=here)
            ),
        )
    return ScenarioQuestion(
        title=str(body["title"]),
        setting_html=block_html(body["setting"]),
        jurisdiction=jurisdiction(body.get("jurisdiction")),
        taken=tuple(taken),
        current=current,
        ending_html=ending_html(body, here) if current is None else None,
    )


def reflection_question(answer: Answer, *, text: str, has_saved: bool) -> ReflectionQuestion:
    body = answer.question_version.body
    return ReflectionQuestion(
        slug=answer.question_version.question.slug,
        prompt_html=block_html(body["prompt"]),
        text=text,
        has_saved=has_saved,
    )
