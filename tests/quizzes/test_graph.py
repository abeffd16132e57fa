"""Scenario graphs on small hand-made examples: what the linter reports, and the best
path the maximum score comes from."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.graph import (
    Choice,
    Graph,
    Problem,
    ProblemKind,
    best_path,
    branching_steps,
    loops,
    max_score,
    paths,
    problems,
    reachable,
)


def scenario(start: str, endings: tuple[str, ...], **steps: list[tuple[int, str]]) -> Graph:
    """`d1=[(2, "d2"), (0, "end")]`: step d1 has option d1-a scoring 2 leading to d2, and
    option d1-b scoring 0 leading to the ending."""
    return Graph(
        start=start,
        steps={
            step: tuple(
                Choice(option=f"{step}-{'abcdefgh'[i]}", score=score, next=target)
                for i, (score, target) in enumerate(choices)
            )
            for step, choices in steps.items()
        },
        endings=endings,
    )


SOUND = scenario(
    "d1",
    ("good", "poor"),
    d1=[(2, "d2"), (0, "d3")],
    d2=[(2, "d3"), (0, "poor")],
    d3=[(2, "good"), (1, "poor")],
)


def test_a_sound_graph_has_no_problems() -> None:
    assert problems(SOUND) == []
    assert reachable(SOUND) == {"d1", "d2", "d3", "good", "poor"}
    assert branching_steps(SOUND) == ["d1", "d2", "d3"]


def test_a_loop_is_reported_at_the_option_that_closes_it() -> None:
    graph = scenario(
        "d1", ("end",), d1=[(2, "d2")], d2=[(1, "d3"), (0, "end")], d3=[(1, "d1"), (2, "end")]
    )

    assert problems(graph) == [Problem(ProblemKind.LOOP, step="d3", option="d3-a", target="d1")]
    assert best_path(graph) is None


def test_a_step_that_leads_to_itself_is_a_loop() -> None:
    graph = scenario("d1", ("end",), d1=[(1, "d1"), (0, "end")])

    assert [(p.kind, p.option) for p in problems(graph)] == [(ProblemKind.LOOP, "d1-a")]


def test_a_loop_among_unreachable_steps_is_reported_too() -> None:
    graph = scenario("d1", ("end",), d1=[(1, "end")], d8=[(1, "d9")], d9=[(1, "d8")])

    assert {(p.kind, p.step) for p in problems(graph)} == {
        (ProblemKind.UNREACHABLE, "d8"),
        (ProblemKind.UNREACHABLE, "d9"),
        (ProblemKind.LOOP, "d9"),
    }
    assert len(loops(graph)) == 1


def test_an_unreachable_step_is_reported() -> None:
    graph = scenario("d1", ("end",), d1=[(2, "d2")], d2=[(1, "end")], d3=[(1, "end")])

    assert problems(graph) == [Problem(ProblemKind.UNREACHABLE, step="d3")]


def test_a_step_without_options_is_a_dead_end() -> None:
    graph = scenario("d1", ("end",), d1=[(2, "d2"), (0, "end")], d2=[])

    assert problems(graph) == [Problem(ProblemKind.DEAD_END, step="d2")]
    # The best path avoids the dead end: only paths that reach an ending count.
    path = best_path(graph)
    assert path is not None and path.steps == ("d1",) and path.ending == "end"


def test_a_next_that_names_nothing_is_reported() -> None:
    graph = scenario("d1", ("end",), d1=[(2, "d7"), (0, "end")])

    assert problems(graph) == [
        Problem(ProblemKind.UNKNOWN_NEXT, step="d1", option="d1-a", target="d7")
    ]


def test_an_ending_no_path_reaches_is_reported() -> None:
    graph = scenario("d1", ("end", "never"), d1=[(2, "end"), (0, "end")])

    assert problems(graph) == [Problem(ProblemKind.UNREACHED_ENDING, target="never")]


def test_an_ending_reached_only_from_an_unreachable_step_is_unreached() -> None:
    graph = scenario("d1", ("end", "lost"), d1=[(1, "end")], d2=[(1, "lost")])

    assert {p.kind for p in problems(graph)} == {
        ProblemKind.UNREACHABLE,
        ProblemKind.UNREACHED_ENDING,
    }


def test_a_start_that_is_not_a_step_is_reported_and_nothing_is_reachable() -> None:
    graph = scenario("d0", ("end",), d1=[(1, "end")])

    assert problems(graph) == [Problem(ProblemKind.NO_START, target="d0")]
    assert reachable(graph) == set()
    assert best_path(graph) is None


def test_the_maximum_is_the_best_path_not_the_greedy_one() -> None:
    # At d1 the greedy choice (3 points) leads straight to an ending; the 1-point option
    # opens two more steps worth 2 + 2.
    graph = scenario(
        "d1",
        ("quick", "slow"),
        d1=[(3, "quick"), (1, "d2")],
        d2=[(2, "d3"), (0, "slow")],
        d3=[(2, "slow"), (0, "slow")],
    )

    path = best_path(graph)

    assert path is not None
    assert [choice.option for _step, choice in path.choices] == ["d1-b", "d2-a", "d3-a"]
    assert path.steps == ("d1", "d2", "d3")
    assert path.ending == "slow"
    assert max_score(graph) == 5
    assert max(p.score for p in paths(graph)) == 5


def test_equal_totals_prefer_the_path_through_more_steps_then_file_order() -> None:
    longer = scenario("d1", ("end",), d1=[(2, "end"), (1, "d2")], d2=[(1, "end")])
    path = best_path(longer)
    assert path is not None and path.steps == ("d1", "d2") and path.score == 2

    tied = scenario("d1", ("a", "b"), d1=[(1, "a"), (1, "b")])
    path = best_path(tied)
    assert path is not None and path.ending == "a"


def test_a_graph_without_a_path_to_an_ending_has_no_maximum() -> None:
    graph = scenario("d1", ("end",), d1=[(1, "d2")], d2=[])

    assert best_path(graph) is None
    with pytest.raises(ValueError, match="no path from its start"):
        max_score(graph)


def test_a_stored_body_gives_the_same_graph() -> None:
    body = {
        "start": "d1",
        "steps": [
            {"id": "d1", "options": [{"id": "d1-a", "score": 2, "next": "end"}]},
        ],
        "endings": [{"id": "end", "text": "Done."}],
    }

    assert Graph.from_body(body) == Graph(
        start="d1", steps={"d1": (Choice("d1-a", 2, "end"),)}, endings=("end",)
    )


@st.composite
def acyclic_graphs(draw: st.DrawFn) -> Graph:
    """Random scenarios whose options only lead forwards (so no loops), each step with
    one to three options, some leading to one of two endings."""
    count = draw(st.integers(min_value=1, max_value=7))
    names = [f"d{i}" for i in range(count)]
    steps: dict[str, list[tuple[int, str]]] = {}
    for index, name in enumerate(names):
        targets = [*names[index + 1 :], "e1", "e2"]
        steps[name] = draw(
            st.lists(
                st.tuples(st.integers(min_value=0, max_value=3), st.sampled_from(targets)),
                min_size=1,
                max_size=3,
            )
        )
    return scenario("d0", ("e1", "e2"), **steps)


@given(acyclic_graphs())
def test_the_best_path_scores_the_most_of_every_path(graph: Graph) -> None:
    every = list(paths(graph))
    path = best_path(graph)

    assert path is not None
    assert path.score == max(p.score for p in every)
    assert not loops(graph)
