"""Item analysis read from the database (quizzes.item_analysis): which attempts count,
the statistics against quizzes.statistics on the same marks, the per-option and
per-path counts, the score bands, the query budget, and `item_analysis --quiz`."""

import statistics as stdlib_statistics
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum.services import load_curriculum
from quizzes.item_analysis import analyse_quiz
from quizzes.models import Attempt, Question, QuestionVersion, Quiz
from quizzes.statistics import AttemptMarks, analyse
from tests.quizzes.item_analysis_data import (
    five_learners,
    learners,
    new_quiz,
    new_version,
    question,
    single_body,
    stored_mark,
    take,
)

pytestmark = pytest.mark.django_db

SINGLE = Question.Type.SINGLE
MULTIPLE = Question.Type.MULTIPLE
ORDERING = Question.Type.ORDERING
SCENARIO = Question.Type.SCENARIO
REFLECTION = Question.Type.REFLECTION


def test_the_statistics_are_quizzes_statistics_on_the_stored_marks() -> None:
    quiz, versions, rows = five_learners()

    report = analyse_quiz(quiz=quiz)

    # The same marks through quizzes.statistics: every item out of 1, X the sum of the
    # scored marks (the reflection left out), as the module docstring defines it.
    scored = ["q1", "q2", "q3", "s"]
    expected = analyse(
        [
            AttemptMarks(
                attempt_id=n,
                marks={
                    f"{key}@v1": stored_mark(versions[key], response)
                    for key, (_version, response) in zip(scored, responses, strict=False)
                },
            )
            for n, responses in enumerate(rows)
        ],
        max_marks={f"{key}@v1": 1 for key in scored},
    )
    assert [version.statistics for version in report.versions] == expected
    assert [version.label for version in report.versions] == ["q1@v1", "q2@v1", "q3@v1", "s@v1"]
    by_label = {version.label: version for version in report.versions}
    assert by_label["q1@v1"].facility == 0.6
    assert by_label["q2@v1"].facility == 0.4
    assert by_label["q3@v1"].facility == 0.4
    # The scenario is one item: marks 1, 2/3, 0, 1, 2/3 (stored to six places).
    assert by_label["s@v1"].facility == pytest.approx((2 + 2 * 0.666667) / 5, abs=1e-12)
    # q1 by the definition: x = 1 1 0 1 0; X = 4, 2.166667, 1, 2.5, 0.666667; X' = X - x.
    x = [1, 1, 0, 1, 0]
    rest = [3, 1.166667, 1, 1.5, 0.666667]
    assert by_label["q1@v1"].discrimination_index == pytest.approx(
        100 * stdlib_statistics.correlation(x, rest), abs=1e-9
    )
    assert by_label["q1@v1"].sd == pytest.approx(stdlib_statistics.stdev(x), abs=1e-12)
    assert all(version.attempts == 5 for version in report.versions)
    assert report.attempts == 5
    assert report.answers == 20


def test_reflections_are_never_read() -> None:
    quiz, _versions, _rows = five_learners()

    report = analyse_quiz(quiz=quiz)

    assert "r" not in {version.question for version in report.versions}


def test_choices_are_counted_per_option() -> None:
    quiz, _versions, _rows = five_learners()

    by_label = {version.label: version for version in analyse_quiz(quiz=quiz).versions}

    q1 = by_label["q1@v1"]
    assert [(o.id, o.correct, o.count) for o in q1.options] == [
        ("o1", True, 3),
        ("o2", False, 1),
        ("o3", False, 1),
    ]
    assert q1.answered == 5
    q3 = by_label["q3@v1"]
    assert [(o.id, o.correct, o.count) for o in q3.options] == [
        ("a", True, 4),
        ("b", True, 2),
        ("c", False, 3),
    ]


def test_scenario_decisions_and_paths_are_counted_with_their_scores() -> None:
    quiz, _versions, _rows = five_learners()

    scenario = next(v for v in analyse_quiz(quiz=quiz).versions if v.question == "s")

    assert scenario.options == ()
    assert [
        (s.id, s.decided, [(o.id, o.score, o.count) for o in s.options]) for s in scenario.steps
    ] == [
        ("d1", 5, [("d1-a", 2, 4), ("d1-b", 0, 1)]),
        ("d2", 3, [("d2-a", 1, 2), ("d2-b", 0, 1)]),
    ]
    assert [(p.options, p.ending, p.score, p.count) for p in scenario.paths] == [
        (("d1-a", "d2-a"), "end-good", 3, 2),
        (("d1-a",), None, 2, 1),  # submitted before an ending
        (("d1-a", "d2-b"), "end-good", 2, 1),
        (("d1-b",), "end-bad", 0, 1),
    ]


def test_ordering_counts_each_item_placed_in_its_correct_position() -> None:
    quiz = new_quiz()
    ordering = question(quiz, "order", ORDERING)
    orders = [["i1", "i2", "i3"], ["i2", "i1", "i3"], ["i1", "i3", "i2"], None]
    for user, order in zip(learners(4), orders, strict=True):
        take(user, quiz, [(ordering, None if order is None else {"order": order})])

    (version,) = analyse_quiz(quiz=quiz).versions

    assert [(o.position, o.id, o.count) for o in version.options] == [
        (1, "i1", 2),
        (2, "i2", 1),
        (3, "i3", 2),
    ]
    assert (version.attempts, version.answered) == (4, 3)


def test_only_each_learners_submitted_first_standard_attempt_counts() -> None:
    quiz = new_quiz()
    other_quiz = new_quiz()
    single = question(quiz, "q", SINGLE)
    other = question(other_quiz, "elsewhere", SINGLE)
    first, retaker, renewer, unfinished, elsewhere = learners(5)
    take(first, quiz, [(single, {"choice": "o1"})])
    # Later attempts are taken by someone who has seen the questions and the feedback.
    take(first, quiz, [(single, {"choice": "o2"})], number=2)
    take(retaker, quiz, [(single, {"choice": "o2"})])
    take(retaker, quiz, [(single, {"choice": "o3"})], number=2)
    # A renewal or refresher attempt, and a standard attempt after one, are left out.
    take(renewer, quiz, [(single, {"choice": "o3"})], kind=Attempt.Kind.RENEWAL)
    take(renewer, quiz, [(single, {"choice": "o3"})], number=2)
    # Not submitted yet: counted once it is.
    take(unfinished, quiz, [(single, {"choice": "o3"})], submitted=False)
    take(elsewhere, other_quiz, [(other, {"choice": "o3"})])

    report = analyse_quiz(quiz=quiz)

    assert report.attempts == 2
    (version,) = report.versions
    assert version.attempts == 2
    assert [(o.id, o.count) for o in version.options] == [("o1", 1), ("o2", 1), ("o3", 0)]


def test_undefined_figures_are_none_never_zero() -> None:
    quiz = new_quiz()
    easy = question(quiz, "easy", SINGLE, order=1)
    hard = question(quiz, "hard", SINGLE, order=2)
    for user, choice in zip(learners(3), ["o1", "o2", "o1"], strict=True):
        take(user, quiz, [(easy, {"choice": "o1"}), (hard, {"choice": choice})])

    by_label = {v.label: v for v in analyse_quiz(quiz=quiz).versions}

    everyone_right = by_label["easy@v1"]
    assert everyone_right.facility == 1.0
    assert everyone_right.sd == 0.0
    assert everyone_right.discrimination_index is None
    assert everyone_right.discriminative_efficiency is None
    # The other question's rest-of-test is the same for everyone, so no correlation.
    assert by_label["hard@v1"].discrimination_index is None


def test_each_question_version_is_analysed_on_its_own() -> None:
    quiz = new_quiz()
    first = question(quiz, "edited", SINGLE)
    second = new_version(first.question, single_body("A reworded prompt?"), max_score=1)
    users = learners(4)
    take(users[0], quiz, [(first, {"choice": "o1"})])
    take(users[1], quiz, [(first, {"choice": "o2"})])
    take(users[2], quiz, [(second, {"choice": "o1"})])
    take(users[3], quiz, [(second, {"choice": "o1"})])

    report = analyse_quiz(quiz=quiz)

    assert [(v.label, v.attempts, v.facility) for v in report.versions] == [
        ("edited@v1", 2, 0.5),
        ("edited@v2", 2, 1.0),
    ]


def test_scores_are_counted_in_bands_of_ten_points_with_100_in_the_last() -> None:
    quiz = new_quiz()
    single = question(quiz, "q", SINGLE)
    scores = ["0", "0.05", "0.1", "0.099999", "0.55", "0.9", "0.999999", "1"]
    for user, score in zip(learners(len(scores)), scores, strict=True):
        take(user, quiz, [(single, {"choice": "o1"})], score=Decimal(score))

    report = analyse_quiz(quiz=quiz)

    assert [(band.low, band.high) for band in report.bands] == [
        (low, low + 10) for low in range(0, 100, 10)
    ]
    assert [band.count for band in report.bands] == [3, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    assert report.attempts == 8


def test_a_quiz_without_attempts_has_an_empty_report() -> None:
    quiz = new_quiz()
    question(quiz, "q", SINGLE)

    report = analyse_quiz(quiz=quiz)

    assert report.attempts == 0
    assert report.versions == ()
    assert [band.count for band in report.bands] == [0] * 10


def fill(quiz: Any, versions: list[QuestionVersion], count: int) -> None:
    for n, user in enumerate(learners(count)):
        responses: list[tuple[QuestionVersion, Any]] = []
        for version in versions:
            kind = version.body["type"]
            if kind == "single":
                responses.append((version, {"choice": f"o{n % 3 + 1}"}))
            elif kind == "scenario":
                path = [["d1", "d1-a"], ["d2", f"d2-{'ab'[n % 2]}"]]
                responses.append((version, {"path": path}))
            else:
                responses.append((version, None))
        take(user, quiz, responses)


@pytest.mark.parametrize(("learner_count", "extra_questions"), [(2, 0), (20, 6)])
def test_the_analysis_takes_three_queries_whatever_the_size(
    django_assert_num_queries: Any, learner_count: int, extra_questions: int
) -> None:
    quiz = new_quiz()
    versions = [question(quiz, "s", SCENARIO, order=1), question(quiz, "r", REFLECTION, order=2)]
    versions += [question(quiz, f"q{n}", SINGLE, order=3 + n) for n in range(1 + extra_questions)]
    fill(quiz, versions, learner_count)

    # The quiz's scored versions; the attempts and score bands; the answer stream.
    with django_assert_num_queries(3):
        report = analyse_quiz(quiz=quiz, chunk_size=7)

    assert report.attempts == learner_count
    assert report.answers == learner_count * (2 + extra_questions)


# --- manage.py item_analysis --quiz ---------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("item_analysis", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_csv_header_and_a_row_per_version() -> None:
    quiz = new_quiz(slug="three")
    easy = question(quiz, "easy", SINGLE, order=1)
    hard = question(quiz, "hard", SINGLE, order=2)
    for user, choice in zip(learners(3), ["o1", "o2", "o1"], strict=True):
        take(user, quiz, [(easy, {"choice": "o1"}), (hard, {"choice": choice})])

    lines = run("--quiz", "three").splitlines()

    assert lines[0] == "question,facility,sd,discrimination_index,discriminative_efficiency"
    # Everyone right: no spread, so both indices are blank, never 0.
    assert lines[1] == "easy@v1,1.0000,0.0000,,"
    assert lines[2] == "hard@v1,0.6667,0.5774,,"
    assert len(lines) == 3


def test_the_command_prints_the_same_figures_as_the_report() -> None:
    quiz, _versions, _rows = five_learners()

    lines = run("--quiz", "five").splitlines()

    report = analyse_quiz(quiz=quiz)
    q1 = report.versions[0]
    assert lines[1] == (
        f"q1@v1,0.6000,{q1.sd:.4f},{q1.discrimination_index:.2f},{q1.discriminative_efficiency:.2f}"
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["q1@v1", "q2@v1", "q3@v1", "s@v1"]


def test_the_command_names_a_quiz_that_does_not_exist() -> None:
    with pytest.raises(CommandError, match='there is no quiz "nowhere"'):
        run("--quiz", "nowhere")


def test_the_command_takes_one_source_only(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("--quiz", "five", "--from-csv", str(tmp_path / "marks.csv"))


# --- The bench's data generator (manage.py seed_quiz_bench) ----------------------------------


@pytest.mark.parametrize("slug", ["c1-check", "c1-scenario"])
def test_the_bench_generator_makes_graded_first_attempts_and_others_to_leave_out(
    content: Path, slug: str
) -> None:
    load_curriculum(root=content)
    quiz = Quiz.objects.get(slug=slug)

    call_command("seed_quiz_bench", "--quiz", slug, "--attempts", "30", stdout=StringIO())

    report = analyse_quiz(quiz=quiz)
    assert report.attempts == 30
    # Learners 0, 10 and 20 took it again; 0 and 25 also took a renewal form.
    assert Attempt.objects.filter(quiz=quiz).count() == 30 + 3 + 2
    assert all(version.attempts == 30 for version in report.versions)
    assert {version.type for version in report.versions} <= {
        "single",
        "multiple",
        "ordering",
        "scenario",
    }
    assert sum(band.count for band in report.bands) == 30

    call_command("seed_quiz_bench", "--quiz", slug, "--attempts", "40", stdout=StringIO())

    assert analyse_quiz(quiz=quiz).attempts == 40
