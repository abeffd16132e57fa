"""Time item analysis (quizzes.statistics) over a generated marks table of a million
answers, on the CSV path (`manage.py item_analysis --from-csv`).

    .venv/bin/python -m bench.item_analysis [--attempts 50000 --runs 3 --seed 1]

The table has 50,000 first attempts at a quiz that draws 20 of 21 questions: 17
one-mark items (one of them discriminating the wrong way, as a flawed item would), a
partial-credit item in quarters, a `/2` item in halves, and a scenario normalised to a
fraction of its best path (thirds, exported to 4 decimal places); the last two columns
are alternatives, each attempt having one of them. Learners' marks follow a logistic
model of ability, so the statistics are realistic and the totals take many values.

Writing the file is not timed. Two figures are reported, each the median of the runs:
the CSV path (reading, checking and analysing the file as it streams) and `analyse`
alone over rows already in memory. No assertion: compare the figures across machines
and changes.
"""

import argparse
import csv
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from quizzes.marks_csv import read_marks_csv
from quizzes.statistics import AttemptMarks, analyse

# (discrimination a, difficulty b) for the one-mark items; q17 is the flawed one.
ONE_MARK_ITEMS = [(0.5 + (i % 5) * 0.35, -1.6 + i * 0.2) for i in range(16)] + [(-0.4, 0.0)]
HEADER = [
    "attempt",
    *(f"q{i}" for i in range(1, 18)),
    "q18",  # multiple, partial: quarters
    "q19/2",  # partial credit out of 2: halves
    "q20a",  # scenario, best path 3, normalised: thirds to 4 places
    "q20b",  # its alternative in the draw
]


def _p(theta: float, a: float, b: float) -> float:
    return 1 / (1 + math.exp(-a * (theta - b)))


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


def write_table(path: Path, *, attempts: int, seed: int) -> int:
    """Write the marks table; return the number of answers in it."""
    rng = random.Random(seed)
    answers = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for number in range(attempts):
            theta = rng.gauss(0, 1)
            row: list[str] = [f"a{number}"]
            row += ["1" if rng.random() < _p(theta, a, b) else "0" for a, b in ONE_MARK_ITEMS]
            row.append(str(Decimal(_binomial(rng, 4, _p(theta, 1.2, 0.3))) / 4))
            row.append(str(Decimal(_binomial(rng, 4, _p(theta, 1.0, -0.2))) / 2))
            scenario = f"{_binomial(rng, 3, _p(theta, 0.9, -0.5)) / 3:.4f}"
            row += [scenario, ""] if rng.random() < 0.5 else ["", scenario]
            writer.writerow(row)
            answers += len(row) - 2
    return answers


def _median_seconds(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "marks.csv"
        answers = write_table(path, attempts=args.attempts, seed=args.seed)

        def csv_path() -> object:
            with path.open(encoding="utf-8-sig", newline="") as lines:
                table = read_marks_csv(lines)
                return analyse(table.rows, max_marks=table.max_marks)

        with path.open(encoding="utf-8-sig", newline="") as lines:
            table = read_marks_csv(lines)
            max_marks = table.max_marks
            rows: list[AttemptMarks] = list(table.rows)

        csv_seconds = _median_seconds(csv_path, args.runs)
        analyse_seconds = _median_seconds(lambda: analyse(rows, max_marks=max_marks), args.runs)

    print(f"{args.attempts} attempts, {answers} answers, median of {args.runs} runs")
    print(
        f"CSV path (read, check, analyse): {csv_seconds:.2f} s, {answers / csv_seconds:,.0f} answers/s"
    )
    print(
        f"analyse alone (rows in memory):  {analyse_seconds:.2f} s, {answers / analyse_seconds:,.0f} answers/s"
    )
    for row in analyse(rows, max_marks=max_marks):
        figures = (row.facility, row.sd, row.discrimination_index, row.discriminative_efficiency)
        shown = ("-" if value is None else f"{value:.3f}" for value in figures)
        print(f"  {row.question:5} F, sd, D, DE = {', '.join(shown)}")


if __name__ == "__main__":
    main()
