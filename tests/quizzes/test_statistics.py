"""Item analysis statistics (quizzes.statistics) on hand-computed tables, the edge cases
where a figure is undefined, and a cross-check against a brute-force implementation."""

import math
import statistics as stdlib_statistics
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.statistics import (
    AttemptMarks,
    ItemAccumulator,
    QuestionStatistics,
    analyse,
    comonotonic_cross_sum,
)

TOLERANCE = 1e-9


def table(*rows: tuple[str | None, ...], total: bool = False) -> list[AttemptMarks]:
    """Rows of decimal strings, one per question q1, q2, ... (None: not in the attempt);
    with total=True the last string is the attempt's total."""
    attempts = []
    for number, row in enumerate(rows, start=1):
        marks = row[:-1] if total else row
        attempts.append(
            AttemptMarks(
                attempt_id=f"a{number}",
                marks={
                    f"q{i}": None if mark is None else Decimal(mark)
                    for i, mark in enumerate(marks, start=1)
                },
                total=Decimal(row[-1]) if total and row[-1] is not None else None,
            )
        )
    return attempts


def by_question(rows: list[QuestionStatistics]) -> dict[str, QuestionStatistics]:
    return {row.question: row for row in rows}


def assert_close(actual: float | None, expected: float) -> None:
    assert actual is not None
    assert actual == pytest.approx(expected, abs=TOLERANCE, rel=0)


# Table A: five attempts, three questions, q3 out of 2 with partial marks; X is the
# sum of the marks.
#
#        q1  q2  q3/2 |  X  | X' for q1  q2   q3
#   a1    1   1   2   | 4   |        3   3    2
#   a2    1   0   1.5 | 2.5 |        1.5 2.5  1
#   a3    0   1   0.5 | 1.5 |        1.5 0.5  1
#   a4    1   0   1   | 2   |        1   2    1
#   a5    0   0   0   | 0   |        0   0    0
#
# Below, SSx = Σ(x - x̄)², SSX' likewise, SP = Σ(x - x̄)(X' - X̄'), SPmax the same over
# the two columns sorted ascending; V = SS/4, C = SP/4, and the 1/4 cancels in D and DE.
#
# q1: x̄ = 3/5 = 0.6, F = 0.6.
#   SSx = 3(0.4²) + 2(0.6²) = 0.48 + 0.72 = 1.2; sd = sqrt(1.2/4) = sqrt(0.3).
#   X̄' = 7/5 = 1.4; deviations 1.6, 0.1, 0.1, -0.4, -1.4; SSX' = 2.56 + 0.01 + 0.01 +
#   0.16 + 1.96 = 4.7.
#   SP = 0.4(1.6) + 0.4(0.1) - 0.6(0.1) + 0.4(-0.4) - 0.6(-1.4) = 0.64 + 0.04 - 0.06 -
#   0.16 + 0.84 = 1.3; D = 100 * 1.3 / sqrt(1.2 * 4.7).
#   Sorted: x 0,0,1,1,1 and X' 0,1,1.5,1.5,3; Σ products = 1.5 + 1.5 + 3 = 6;
#   SPmax = 6 - (3)(7)/5 = 1.8; DE = 100 * 1.3 / 1.8 = 72.22...
# q2: x̄ = 0.4, F = 0.4; SSx = 2(0.6²) + 3(0.4²) = 1.2; sd = sqrt(0.3).
#   X̄' = 8/5 = 1.6; deviations 1.4, 0.9, -1.1, 0.4, -1.6; SSX' = 1.96 + 0.81 + 1.21 +
#   0.16 + 2.56 = 6.7.
#   SP = 0.6(1.4) - 0.4(0.9) + 0.6(-1.1) - 0.4(0.4) - 0.4(-1.6) = 0.84 - 0.36 - 0.66 -
#   0.16 + 0.64 = 0.3; D = 100 * 0.3 / sqrt(1.2 * 6.7).
#   Sorted: x 0,0,0,1,1 and X' 0,0.5,2,2.5,3; Σ products = 2.5 + 3 = 5.5;
#   SPmax = 5.5 - (2)(8)/5 = 2.3; DE = 100 * 0.3 / 2.3 = 13.04...
# q3 (max 2): x̄ = 1, F = 1/2.
#   SSx = 1 + 0.25 + 0.25 + 0 + 1 = 2.5; sd = sqrt(2.5/4) / 2 = sqrt(0.625) / 2.
#   X̄' = 1; deviations 1, 0, 0, 0, -1; SSX' = 2.
#   SP = 1(1) + 0.5(0) - 0.5(0) + 0(0) - 1(-1) = 2; D = 100 * 2 / sqrt(2.5 * 2).
#   Sorted: x 0,0.5,1,1.5,2 and X' 0,1,1,1,2; Σ products = 0.5 + 1 + 1.5 + 4 = 7;
#   SPmax = 7 - (5)(5)/5 = 2; DE = 100 * 2 / 2 = 100: the marks are already in the order
#   of the rest of the test, though not in proportion to it, so D stays below 100.
TABLE_A = table(
    ("1", "1", "2"),
    ("1", "0", "1.5"),
    ("0", "1", "0.5"),
    ("1", "0", "1"),
    ("0", "0", "0"),
)
TABLE_A_MAX_MARKS = {"q1": Decimal(1), "q2": Decimal(1), "q3": Decimal(2)}


def test_table_a_matches_the_hand_computation() -> None:
    rows = analyse(TABLE_A, max_marks=TABLE_A_MAX_MARKS)

    assert [row.question for row in rows] == ["q1", "q2", "q3"]
    q1, q2, q3 = rows
    assert (q1.attempts, q2.attempts, q3.attempts) == (5, 5, 5)
    assert q3.max_mark == 2

    assert_close(q1.facility, 0.6)
    assert_close(q1.sd, math.sqrt(0.3))
    assert_close(q1.discrimination_index, 100 * 1.3 / math.sqrt(1.2 * 4.7))
    assert_close(q1.discriminative_efficiency, 100 * 1.3 / 1.8)

    assert_close(q2.facility, 0.4)
    assert_close(q2.sd, math.sqrt(0.3))
    assert_close(q2.discrimination_index, 100 * 0.3 / math.sqrt(1.2 * 6.7))
    assert_close(q2.discriminative_efficiency, 100 * 0.3 / 2.3)

    assert_close(q3.facility, 0.5)
    assert_close(q3.sd, math.sqrt(0.625) / 2)
    assert_close(q3.discrimination_index, 100 * 2 / math.sqrt(5))
    assert_close(q3.discriminative_efficiency, 100)


# Table B: an explicit total that is not the sum of the marks (a bonus, or a question
# outside the export), and q2 (max 2) missing from b3, which drew other questions.
#
#        q1  q2/2 | total | X' for q1  q2
#   b1    1   2   |  4    |        3   2
#   b2    0   1   |  2    |        2   1
#   b3    1   -   |  1    |        0   -
#   b4    1   0   |  3    |        2   3
#
# q1 (S = 4): x̄ = 3/4, F = 0.75; SSx = 3(0.25²) + 0.75² = 0.75; sd = sqrt(0.75/3) = 0.5.
#   X̄' = 7/4; deviations 1.25, 0.25, -1.75, 0.25; SSX' = 1.5625 + 0.0625 + 3.0625 +
#   0.0625 = 4.75.
#   SP = 0.25(1.25) - 0.75(0.25) + 0.25(-1.75) + 0.25(0.25) = 0.3125 - 0.1875 - 0.4375 +
#   0.0625 = -0.25; D = 100 * -0.25 / sqrt(0.75 * 4.75) (negative: the learner who got
#   it wrong did better on the rest than one who got it right).
#   Sorted: x 0,1,1,1 and X' 0,2,2,3; Σ products = 7; SPmax = 7 - (3)(7)/4 = 1.75;
#   DE = 100 * -0.25 / 1.75 = -14.29...
# q2 (S = 3, max 2): x 2,1,0, x̄ = 1, F = 1/2; SSx = 2; sd = sqrt(2/2) / 2 = 0.5.
#   X' 2,1,3, X̄' = 2; SSX' = 0 + 1 + 1 = 2; SP = 1(0) + 0(-1) - 1(1) = -1;
#   D = 100 * -1 / sqrt(2 * 2) = -50.
#   Sorted: x 0,1,2 and X' 1,2,3; Σ products = 0 + 2 + 6 = 8; SPmax = 8 - (3)(6)/3 = 2;
#   DE = 100 * -1 / 2 = -50.
TABLE_B = table(
    ("1", "2", "4"),
    ("0", "1", "2"),
    ("1", None, "1"),
    ("1", "0", "3"),
    total=True,
)
TABLE_B_MAX_MARKS = {"q1": Decimal(1), "q2": Decimal(2)}


def test_table_b_uses_the_total_and_leaves_out_attempts_without_the_question() -> None:
    q1, q2 = analyse(TABLE_B, max_marks=TABLE_B_MAX_MARKS)

    assert (q1.attempts, q2.attempts) == (4, 3)
    assert_close(q1.facility, 0.75)
    assert_close(q1.sd, 0.5)
    assert_close(q1.discrimination_index, 100 * -0.25 / math.sqrt(0.75 * 4.75))
    assert_close(q1.discriminative_efficiency, 100 * -0.25 / 1.75)

    assert_close(q2.facility, 0.5)
    assert_close(q2.sd, 0.5)
    assert_close(q2.discrimination_index, -50)
    assert_close(q2.discriminative_efficiency, -50)


def test_without_the_total_the_sum_of_the_marks_is_used() -> None:
    summed = [attempt._replace(total=None) for attempt in TABLE_B]

    # b1..b4 now total 3, 1, 1, 1: q1's X' is 2, 1, 0, 0, a different picture.
    q1, _ = analyse(summed, max_marks=TABLE_B_MAX_MARKS)
    with_total, _ = analyse(TABLE_B, max_marks=TABLE_B_MAX_MARKS)

    assert q1.discrimination_index != with_total.discrimination_index
    # SSx = 0.75; X' 2,1,0,0: X̄' = 0.75, SSX' = 1.5625 + 0.0625 + 0.5625 + 0.5625 = 2.75;
    # SP = 0.25(1.25) - 0.75(0.25) + 0.25(-0.75) + 0.25(-0.75) = -0.25.
    assert_close(q1.discrimination_index, 100 * -0.25 / math.sqrt(0.75 * 2.75))


def test_everyone_right_has_facility_1_sd_0_and_no_indices() -> None:
    (row,) = analyse(table(("1",), ("1",), ("1",)), max_marks={"q1": Decimal(1)})

    assert (row.facility, row.sd) == (1.0, 0.0)
    assert row.discrimination_index is None
    assert row.discriminative_efficiency is None


def test_everyone_wrong_has_facility_0_sd_0_and_no_indices() -> None:
    rows = analyse(table(("0", "1"), ("0", "0"), ("0", "1")), max_marks=TABLE_B_MAX_MARKS)

    assert rows[0].facility == 0.0
    assert rows[0].sd == 0.0
    assert rows[0].discrimination_index is None
    assert rows[0].discriminative_efficiency is None
    # q2 varies, but its rest of the test (q1) is 0 for everyone: nothing to correlate.
    assert rows[1].sd is not None and rows[1].sd > 0
    assert rows[1].discrimination_index is None
    assert rows[1].discriminative_efficiency is None


def test_a_constant_decimal_mark_has_a_variance_of_exactly_zero() -> None:
    # In floats, 0.1 summed and squared leaves a variance of about 1e-18, and D would be
    # a meaningless number instead of undefined.
    attempts = table(*[("0.1", str(n % 3)) for n in range(30)])

    q1, _ = analyse(attempts, max_marks={"q1": Decimal(1), "q2": Decimal(2)})

    assert q1.sd == 0.0
    assert q1.discrimination_index is None
    assert q1.discriminative_efficiency is None


def test_thirds_from_partial_credit_are_exact_as_fractions() -> None:
    third = Fraction(1, 3)
    attempts = [
        AttemptMarks(attempt_id=n, marks={"q1": third * (n % 4), "q2": Fraction(n % 2)})
        for n in range(8)
    ]

    q1, q2 = analyse(attempts, max_marks={"q1": Fraction(1), "q2": Fraction(1)})

    # q1 takes 0, 1/3, 2/3, 1 twice each: mean 1/2.
    assert q1.facility == 0.5
    # SSx = 2 (1/4 + 1/36 + 1/36 + 1/4) = 10/9; V = 10/63.
    assert_close(q1.sd, math.sqrt(10 / 63))
    assert q2.facility == 0.5


def test_a_perfectly_discriminating_question_has_de_100() -> None:
    # Right exactly for the two learners best on the rest of the test (X' 5 and 4).
    attempts = [
        AttemptMarks(attempt_id=n, marks={"q1": Decimal(x)}, total=Decimal(x + rest))
        for n, (x, rest) in enumerate([(1, 5), (1, 4), (0, 1), (0, 0)])
    ]

    (row,) = analyse(attempts, max_marks={"q1": Decimal(1)})

    assert row.discriminative_efficiency == 100.0
    # SSx = 1, X̄' = 2.5, SSX' = 6.25 + 2.25 + 2.25 + 6.25 = 17, SP = 0.5(2.5 + 1.5 + 1.5
    # + 2.5) = 4: D = 400 / sqrt(17), below 100 as the rest is not two-valued.
    assert_close(row.discrimination_index, 400 / math.sqrt(17))


def test_a_perfectly_inverted_two_valued_question_has_d_and_de_minus_100() -> None:
    attempts = [
        AttemptMarks(attempt_id=n, marks={"q1": Decimal(x)}, total=Decimal(x + rest))
        for n, (x, rest) in enumerate([(0, 3), (0, 3), (1, 0), (1, 0)])
    ]

    (row,) = analyse(attempts, max_marks={"q1": Decimal(1)})

    assert_close(row.discrimination_index, -100)
    assert_close(row.discriminative_efficiency, -100)


def test_one_attempt_gives_a_facility_and_nothing_else() -> None:
    (row,) = analyse(table(("0.5",)), max_marks={"q1": Decimal(1)})

    assert row == QuestionStatistics(
        question="q1",
        max_mark=Decimal(1),
        attempts=1,
        facility=0.5,
        sd=None,
        discrimination_index=None,
        discriminative_efficiency=None,
    )


def test_a_question_no_attempt_had_is_all_undefined() -> None:
    _, q2 = analyse(table(("1", None), ("0", None)), max_marks=TABLE_B_MAX_MARKS)

    assert q2.attempts == 0
    assert (q2.facility, q2.sd, q2.discrimination_index, q2.discriminative_efficiency) == (
        None,
        None,
        None,
        None,
    )


def test_a_mark_for_an_unknown_question_is_refused() -> None:
    with pytest.raises(ValueError, match="attempt a1: question 'q2' has no maximum mark"):
        analyse(table(("1", "1")), max_marks={"q1": Decimal(1)})


def test_a_maximum_mark_must_be_positive() -> None:
    with pytest.raises(ValueError, match="maximum mark must be positive"):
        ItemAccumulator(question="q1", max_mark=Decimal(0))


def test_comonotonic_cross_sum_needs_histograms_of_the_same_size() -> None:
    with pytest.raises(ValueError, match="different numbers"):
        comonotonic_cross_sum({Fraction(1): 2}, {Fraction(1): 3})


# Brute force, straight from the definitions: lists, not histograms.


def _deviation_product(a: list[Fraction], b: list[Fraction]) -> Fraction:
    mean_a = sum(a, Fraction(0)) / len(a)
    mean_b = sum(b, Fraction(0)) / len(b)
    return sum(((p - mean_a) * (q - mean_b) for p, q in zip(a, b, strict=True)), Fraction(0))


_MARKS = st.sampled_from([Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(1), Fraction(2)])
_RESTS = st.sampled_from([Fraction(n, 3) for n in range(0, 13)])


@given(st.lists(st.tuples(_MARKS, _RESTS), max_size=40))
def test_comonotonic_cross_sum_matches_sorting_and_pairing(
    pairs: list[tuple[Fraction, Fraction]],
) -> None:
    xs = [x for x, _ in pairs]
    rests = [rest for _, rest in pairs]

    expected = sum(
        (x * rest for x, rest in zip(sorted(xs), sorted(rests), strict=True)), Fraction(0)
    )

    assert comonotonic_cross_sum(Counter(xs), Counter(rests)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_MARKS, _RESTS), max_size=40))
def test_statistics_match_a_brute_force_implementation(
    pairs: list[tuple[Fraction, Fraction]],
) -> None:
    max_mark = Fraction(2)
    attempts = [
        AttemptMarks(attempt_id=n, marks={"q1": x}, total=x + rest)
        for n, (x, rest) in enumerate(pairs)
    ]

    (row,) = analyse(attempts, max_marks={"q1": max_mark})

    x_list = [x for x, _ in pairs]
    rest_list = [rest for _, rest in pairs]
    assert row.attempts == len(pairs)
    if not pairs:
        assert row.facility is None
        return
    assert row.facility == float(sum(x_list, Fraction(0)) / len(x_list) / max_mark)
    if len(pairs) < 2:
        assert (row.sd, row.discrimination_index, row.discriminative_efficiency) == (
            None,
            None,
            None,
        )
        return

    assert_close(row.sd, math.sqrt(stdlib_statistics.variance(x_list)) / float(max_mark))

    try:
        expected_d = 100 * stdlib_statistics.correlation(
            [float(x) for x in x_list], [float(r) for r in rest_list]
        )
    except stdlib_statistics.StatisticsError:  # a constant column
        assert row.discrimination_index is None
    else:
        assert_close(row.discrimination_index, expected_d)

    most = _deviation_product(sorted(x_list), sorted(rest_list))
    if most == 0:
        assert row.discriminative_efficiency is None
    else:
        assert_close(
            row.discriminative_efficiency,
            float(100 * _deviation_product(x_list, rest_list) / most),
        )
