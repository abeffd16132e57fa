"""Scenario graphs: steps joined by their options' `next`, ending at endings
(docs/quiz-format.md, "scenario").

Pure functions over one small shape, `Graph`, which both a parsed quiz file and a
stored question body produce: the linter checks the same graph the grader scores.
"""

import enum
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Choice:
    """One option of a step: its id, its score and where it leads."""

    option: str
    score: int
    next: str


@dataclass(frozen=True)
class Graph:
    start: str
    # Step id -> its options, both in file order (the order breaks ties between paths).
    steps: Mapping[str, tuple[Choice, ...]]
    endings: tuple[str, ...]

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> "Graph":
        """The graph of a stored scenario body (QuestionVersion.body)."""
        return cls(
            start=str(body["start"]),
            steps={
                str(step["id"]): tuple(
                    Choice(option=str(o["id"]), score=int(o["score"]), next=str(o["next"]))
                    for o in step["options"]
                )
                for step in body["steps"]
            },
            endings=tuple(str(ending["id"]) for ending in body["endings"]),
        )


class ProblemKind(enum.StrEnum):
    NO_START = "no-start"
    UNKNOWN_NEXT = "unknown-next"
    DEAD_END = "dead-end"
    UNREACHABLE = "unreachable"
    UNREACHED_ENDING = "unreached-ending"
    LOOP = "loop"


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: `step` and `option` say where it is, `target` what it
    names (the missing start, an unknown next, the step a loop returns to, an ending)."""

    kind: ProblemKind
    step: str = ""
    option: str = ""
    target: str = ""


@dataclass(frozen=True)
class Path:
    """A walk from the start: each step with the option taken there, then an ending."""

    choices: tuple[tuple[str, Choice], ...]
    ending: str

    @property
    def score(self) -> int:
        return sum(choice.score for _step, choice in self.choices)

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(step for step, _choice in self.choices)


def reachable(graph: Graph) -> set[str]:
    """Every step and ending some path from the start arrives at."""
    if graph.start not in graph.steps:
        return set()
    seen = {graph.start}
    queue = deque([graph.start])
    while queue:
        for choice in graph.steps.get(queue.popleft(), ()):
            if choice.next not in seen and (
                choice.next in graph.steps or choice.next in graph.endings
            ):
                seen.add(choice.next)
                queue.append(choice.next)
    return seen


def loops(graph: Graph) -> list[tuple[str, Choice]]:
    """Options that lead back to a step already on the path, each loop once: a depth-first
    walk from the start, then from every step it did not reach."""
    on_path: set[str] = set()
    done: set[str] = set()
    found: list[tuple[str, Choice]] = []

    def walk(step: str) -> None:
        on_path.add(step)
        for choice in graph.steps[step]:
            if choice.next in on_path:
                found.append((step, choice))
            elif choice.next in graph.steps and choice.next not in done:
                walk(choice.next)
        on_path.discard(step)
        done.add(step)

    roots = [graph.start] if graph.start in graph.steps else []
    for step in [*roots, *graph.steps]:
        if step not in done:
            walk(step)
    return found


def problems(graph: Graph) -> list[Problem]:
    """Everything that stops every path from the start ending at an ending, once."""
    found: list[Problem] = []
    if graph.start not in graph.steps:
        found.append(Problem(ProblemKind.NO_START, target=graph.start))
    targets = set(graph.steps) | set(graph.endings)
    for step, choices in graph.steps.items():
        if not choices:
            found.append(Problem(ProblemKind.DEAD_END, step=step))
        for choice in choices:
            if choice.next not in targets:
                found.append(
                    Problem(
                        ProblemKind.UNKNOWN_NEXT,
                        step=step,
                        option=choice.option,
                        target=choice.next,
                    )
                )
    if graph.start in graph.steps:
        reached = reachable(graph)
        found.extend(
            Problem(ProblemKind.UNREACHABLE, step=step)
            for step in graph.steps
            if step not in reached
        )
        found.extend(
            Problem(ProblemKind.UNREACHED_ENDING, target=ending)
            for ending in graph.endings
            if ending not in reached
        )
    found.extend(
        Problem(ProblemKind.LOOP, step=step, option=choice.option, target=choice.next)
        for step, choice in loops(graph)
    )
    return found


def best_path(graph: Graph) -> Path | None:
    """The highest-scoring path from the start to an ending; of paths that score the
    same, the one passing more steps, then the first in file order. None when no path
    from the start reaches an ending, or a loop makes "highest" meaningless."""
    if graph.start not in graph.steps or loops(graph):
        return None
    best: dict[str, Path | None] = {}

    def from_step(step: str) -> Path | None:
        if step in best:
            return best[step]
        winner: Path | None = None
        for choice in graph.steps[step]:
            if choice.next in graph.endings:
                rest: Path | None = Path(choices=(), ending=choice.next)
            elif choice.next in graph.steps:
                rest = from_step(choice.next)
            else:
                rest = None
            if rest is None:
                continue
            path = Path(choices=((step, choice), *rest.choices), ending=rest.ending)
            # Strictly better only: the first option in file order wins a tie.
            if winner is None or (path.score, len(path.choices)) > (
                winner.score,
                len(winner.choices),
            ):
                winner = path
        best[step] = winner
        return winner

    return from_step(graph.start)


def max_score(graph: Graph) -> int:
    """The scenario's maximum score: the best path's total."""
    path = best_path(graph)
    if path is None:
        raise ValueError("The scenario has no path from its start to an ending.")
    return path.score


def branching_steps(graph: Graph) -> list[str]:
    """Steps whose options lead to at least two different next steps or endings."""
    return [
        step
        for step, choices in graph.steps.items()
        if len({choice.next for choice in choices}) >= 2
    ]


def paths(graph: Graph) -> Iterator[Path]:
    """Every path from the start to an ending (for tests and small graphs: the number of
    paths grows fast with the number of steps)."""
    if graph.start not in graph.steps or loops(graph):
        return

    def walk(step: str, so_far: tuple[tuple[str, Choice], ...]) -> Iterator[Path]:
        for choice in graph.steps[step]:
            taken = (*so_far, (step, choice))
            if choice.next in graph.endings:
                yield Path(choices=taken, ending=choice.next)
            elif choice.next in graph.steps:
                yield from walk(choice.next, taken)

    yield from walk(graph.start, ())
