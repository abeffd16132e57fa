"""Item analysis: per-question statistics over a set of quiz attempts, as Moodle's quiz
statistics report defines them (https://docs.moodle.org/dev/Quiz_statistics_calculations).

Pure Python, no Django: the CSV path (quizzes.marks_csv) feeds it today, a database
path will later. The caller chooses the attempts (first attempts only, as Moodle does
by default: later attempts break the assumptions item analysis rests on).

Notation, for one question: x is its mark in an attempt, x_max its maximum mark (the
minimum is 0); X is the attempt's total mark and X' = X - x the mark on the rest of the
test; S is the number of attempts that have the question. An attempt without the
question (a quiz that draws N of M questions) is left out of that question's figures.
V and C are the sample (S - 1) variance and covariance.

- facility index F = mean(x) / x_max, a fraction from 0 to 1;
- sd = sqrt(V(x)) / x_max, a fraction; undefined when S < 2;
- discrimination index D = 100 C(x, X') / sqrt(V(x) V(X')); undefined when S < 2 or
  either variance is 0;
- discriminative efficiency DE = 100 C(x, X') / Cmax(x, X'), where Cmax is the
  covariance once x and X' are each sorted ascending and paired up, the largest
  covariance those two sets of marks allow; undefined when S < 2 or Cmax is 0.

Undefined is None, never 0: "no information" and "no discrimination" are different
findings for an author.

How it is computed. One pass over the attempts; each question keeps a histogram of its
(x, X) pairs. Marks are discrete (a handful of values per question, totals are sums of
them), so the histogram stays small however many attempts there are: its size is the
number of distinct pairs, at most the number of values of x times that of X, and never
more than S. (Only a total column of near-continuous values would bring it towards S.)
Everything in the formulas is a sum over it: S, Σx, Σx², ΣX', ΣX'², ΣxX', and the two
marginal histograms of x and X' that Cmax needs. The sums are taken when the result is
asked for, once per distinct pair, in exact rationals (fractions.Fraction), so a
variance or a Cmax of exactly zero is recognised as zero, with no tolerance to choose.
Only the reported figures are floats: facility and DE are the exact ratio correctly
rounded; sd and D take one square root of a correctly rounded exact value, so they are
within an ulp or two.

Why a histogram rather than running sums, and why of (x, X) rather than (x, X'): X is
one object per attempt, shared by all of its questions, and a Decimal caches its hash,
so counting an answer costs a tuple and a dictionary update. Measured on a million
answers (2 cores, Python 3.13), counting (x, X) took 0.9 s; counting (x, X - x), which
makes and hashes a new Decimal per answer, 1.8 s; six running Decimal sums plus
histograms of x and X', 3.7 s; running sums in Fraction are slower still. The
subtraction X - x and the sums are done once per distinct pair instead.

Marks are Decimal (what a CSV export or a DecimalField gives) or Fraction (exact thirds
from partial credit); ints mix with either. One attempt's marks and total must be one
kind, since Decimal and Fraction do not add together. Totals are summed under a
Decimal context that can hold any sum exactly and traps rounding, so a Decimal total
is exact or the analysis stops.
"""

import decimal
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

type Mark = Decimal | Fraction | int


@dataclass(frozen=True)
class QuestionStatistics:
    """One question's row of the item analysis; None where a figure is undefined."""

    question: str
    max_mark: Mark
    attempts: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None


class AttemptMarks(NamedTuple):
    """One attempt: its id, its marks by question (a question the attempt did not have
    is absent or None), and its total mark, or None to take the sum of the marks."""

    attempt_id: Hashable
    marks: Mapping[str, Mark | None]
    total: Mark | None = None


def _exact(value: Mark) -> Fraction:
    # Fraction(Decimal) is exact, so every sum below is too.
    return value if isinstance(value, Fraction) else Fraction(value)


def comonotonic_cross_sum(xs: Mapping[Fraction, int], ys: Mapping[Fraction, int]) -> Fraction:
    """Return Σ x_(k) y_(k): the k-th smallest x times the k-th smallest y, summed.

    Both histograms must count the same number of values. They are walked together in
    ascending order, a run at a time: each step pairs as many copies of the current x
    with the current y as both have left, so the cost is the number of distinct values,
    not the number of attempts.
    """
    if sum(xs.values()) != sum(ys.values()):
        raise ValueError("the two histograms count different numbers of values")
    x_items = sorted(xs.items())
    y_items = sorted(ys.items())
    total = Fraction(0)
    i = j = 0
    x_left = x_items[0][1] if x_items else 0
    y_left = y_items[0][1] if y_items else 0
    while i < len(x_items) and j < len(y_items):
        run = min(x_left, y_left)
        total += run * x_items[i][0] * y_items[j][0]
        x_left -= run
        y_left -= run
        if x_left == 0:
            i += 1
            x_left = x_items[i][1] if i < len(x_items) else 0
        if y_left == 0:
            j += 1
            y_left = y_items[j][1] if j < len(y_items) else 0
    return total


class ItemAccumulator:
    """The running state of one question's statistics: a histogram of (x, X) pairs."""

    __slots__ = ("_pairs", "max_mark", "question")

    def __init__(self, *, question: str, max_mark: Mark) -> None:
        if max_mark <= 0:
            raise ValueError(f"question {question!r}: the maximum mark must be positive")
        self.question = question
        self.max_mark = max_mark
        self._pairs: Counter[tuple[Mark, Mark]] = Counter()

    def add(self, mark: Mark, total: Mark) -> None:
        """Count one attempt that has this question: its mark x and the attempt's total X."""
        self._pairs[(mark, total)] += 1

    def result(self) -> QuestionStatistics:
        """Compute the statistics from the attempts added so far."""
        x_max = _exact(self.max_mark)
        marks: Counter[Fraction] = Counter()  # histogram of x
        rests: Counter[Fraction] = Counter()  # histogram of X'
        sum_x_rest = Fraction(0)
        exact: dict[Mark, Fraction] = {}
        for (mark, total), count in self._pairs.items():
            x = exact.get(mark)
            if x is None:
                x = exact[mark] = _exact(mark)
            rest = _exact(total) - x
            marks[x] += count
            rests[rest] += count
            sum_x_rest += count * x * rest

        s = marks.total()
        if s == 0:
            return self._statistics(attempts=0)
        sum_x = sum((count * x for x, count in marks.items()), Fraction(0))
        sum_xx = sum((count * x * x for x, count in marks.items()), Fraction(0))
        sum_rest = sum((count * r for r, count in rests.items()), Fraction(0))
        sum_rr = sum((count * r * r for r, count in rests.items()), Fraction(0))

        facility = float(sum_x / (s * x_max))
        if s < 2:
            return self._statistics(attempts=s, facility=facility)

        # Sums of squared deviations and of cross products: (S - 1) V(x), (S - 1) V(X'),
        # (S - 1) C(x, X'), (S - 1) Cmax(x, X'). The common factor 1 / (S - 1) cancels
        # in both indices, so only sd divides by it.
        dev_xx = sum_xx - sum_x * sum_x / s
        dev_rr = sum_rr - sum_rest * sum_rest / s
        dev_x_rest = sum_x_rest - sum_x * sum_rest / s
        dev_max = comonotonic_cross_sum(marks, rests) - sum_x * sum_rest / s

        sd = math.sqrt(dev_xx / ((s - 1) * x_max * x_max))
        discrimination_index = None
        if dev_xx != 0 and dev_rr != 0:
            # r² is exact; one correctly rounded square root then keeps r within an ulp
            # or two and never outside [-1, 1].
            r_squared = dev_x_rest * dev_x_rest / (dev_xx * dev_rr)
            discrimination_index = 100 * math.copysign(math.sqrt(r_squared), dev_x_rest)
        # Cmax >= 0, and it is 0 exactly when x or X' takes a single value.
        discriminative_efficiency = None if dev_max == 0 else float(100 * dev_x_rest / dev_max)
        return self._statistics(
            attempts=s,
            facility=facility,
            sd=sd,
            discrimination_index=discrimination_index,
            discriminative_efficiency=discriminative_efficiency,
        )

    def _statistics(
        self,
        *,
        attempts: int,
        facility: float | None = None,
        sd: float | None = None,
        discrimination_index: float | None = None,
        discriminative_efficiency: float | None = None,
    ) -> QuestionStatistics:
        return QuestionStatistics(
            question=self.question,
            max_mark=self.max_mark,
            attempts=attempts,
            facility=facility,
            sd=sd,
            discrimination_index=discrimination_index,
            discriminative_efficiency=discriminative_efficiency,
        )


def analyse(
    rows: Iterable[AttemptMarks], *, max_marks: Mapping[str, Mark]
) -> list[QuestionStatistics]:
    """Analyse the attempts in one pass and return one row per question, in the order
    of `max_marks`.

    X is each attempt's `total` when given (a quiz whose total is not the plain sum of
    its marks), else the sum of its marks. A mark for a question that is not in
    `max_marks` is a ValueError.
    """
    accumulators = {
        question: ItemAccumulator(question=question, max_mark=max_mark)
        for question, max_mark in max_marks.items()
    }
    # The exact sum of some decimals is itself a decimal of modest length, so with the
    # largest precision and exponent range a total is never rounded; Inexact is trapped
    # all the same, so the exactness promised here cannot fail quietly.
    with decimal.localcontext(
        prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
    ) as context:
        context.traps[decimal.Inexact] = True
        for attempt_id, marks, total in rows:
            if total is None:
                total = sum(mark for mark in marks.values() if mark is not None)
            for question, mark in marks.items():
                if mark is None:
                    continue
                try:
                    accumulator = accumulators[question]
                except KeyError:
                    raise ValueError(
                        f"attempt {attempt_id}: question {question!r} has no maximum mark"
                    ) from None
                accumulator.add(mark, total)
    return [accumulator.result() for accumulator in accumulators.values()]
