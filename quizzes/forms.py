"""Reading what a learner sent from the quiz pages into the response shapes that
quizzes.grading checks (single, multiple, ordering), or a specific reason it does not fit.

Choices are checked against the question by the service itself (ids it does not know,
repeats, nothing chosen); here only what the page's own controls encode is read: an
ordering question's position menus, and its "Move up" and "Move down" buttons.
"""

from collections.abc import Sequence

from django.http import QueryDict
from django.utils.translation import gettext as _

from quizzes.services import InvalidResponse

UP = "up"
DOWN = "down"


def choice_response(kind: str, data: QueryDict) -> dict[str, object]:
    """A single or multiple question's response as the page's radios or checkboxes sent it."""
    if kind == "multiple":
        return {"choices": data.getlist("choices")}
    return {"choice": data.get("choice")}


def position_field(item_id: str) -> str:
    return f"position-{item_id}"


def _position(data: QueryDict, item_id: str, count: int) -> int | None:
    try:
        value = int(data.get(position_field(item_id), ""))
    except ValueError:
        return None
    return value if 1 <= value <= count else None


def ordering_response(items: Sequence[str], data: QueryDict) -> dict[str, object]:
    """The order the position menus give, when each item has a position of its own;
    raises InvalidResponse saying which position is missing or taken twice."""
    count = len(items)
    placed: dict[int, str] = {}
    for item_id in items:
        position = _position(data, item_id, count)
        if position is None:
            raise InvalidResponse(
                _("Choose a position from 1 to %(count)d for every item.") % {"count": count}
            )
        if position in placed:
            raise InvalidResponse(
                _(
                    "Two items are in position %(position)d. Give each item its own "
                    "position from 1 to %(count)d."
                )
                % {"position": position, "count": count}
            )
        placed[position] = item_id
    return {"order": [placed[position] for position in sorted(placed)]}


def parse_move(value: str, items: Sequence[str]) -> tuple[str, str] | None:
    """("item id", "up" or "down") from a move button's value, or None."""
    item_id, _sep, direction = value.rpartition(":")
    if item_id in items and direction in (UP, DOWN):
        return item_id, direction
    return None


def rearranged(shown: Sequence[str], data: QueryDict, item_id: str, direction: str) -> list[str]:
    """The order after moving one item up or down a place.

    Starts from the position menus as they were when the button was pressed (menus
    left unset, or two on the same number, keep the order shown), so a learner can mix
    menus and buttons freely."""
    count = len(shown)
    current = arranged(shown, data)
    index = current.index(item_id)
    target = index - 1 if direction == UP else index + 1
    if 0 <= target < count:
        current[index], current[target] = current[target], current[index]
    return current


def submitted_positions(items: Sequence[str], data: QueryDict) -> dict[str, int]:
    """The positions the menus were sent with, where they are in range."""
    count = len(items)
    return {
        item_id: position
        for item_id in items
        if (position := _position(data, item_id, count)) is not None
    }


def arranged(shown: Sequence[str], data: QueryDict) -> list[str]:
    """The items in the order their menus put them (menus left unset, or two on the
    same number, keep the order shown)."""
    positions = submitted_positions(shown, data)
    return sorted(
        shown, key=lambda each: (positions.get(each, shown.index(each) + 1), shown.index(each))
    )
