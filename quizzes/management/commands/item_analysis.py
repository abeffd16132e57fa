"""`manage.py item_analysis --from-csv FILE`: item analysis of a quiz's first attempts
(quizzes.statistics), printed as CSV.

The source today is an exported marks table (quizzes.marks_csv; `-` reads standard
input); reading the attempts from the database will be a second source beside
`--from-csv`. Output, one row per question in the table's column order:

    question,facility,sd,discrimination_index,discriminative_efficiency

facility and sd are fractions (0 to 1) rounded to 4 decimal places; the two indices
are percentages (-100 to 100) rounded to 2, as Moodle shows them. A blank cell is a
figure that is undefined for that question (too few attempts, or no spread of marks to
correlate), which is not the same as 0. Nothing is printed unless the whole input is
valid.
"""

import csv
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Protocol

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.marks_csv import MarksCsvError, read_marks_csv
from quizzes.statistics import QuestionStatistics, analyse

HEADER = ("question", "facility", "sd", "discrimination_index", "discriminative_efficiency")
FRACTION_PLACES = 4
INDEX_PLACES = 2
STDIN = "-"


class _TextOut(Protocol):
    def write(self, text: str, /) -> Any: ...


def analyse_marks_csv(lines: Iterable[str]) -> list[QuestionStatistics]:
    """Analyse an exported marks table; MarksCsvError if it is not valid."""
    table = read_marks_csv(lines)
    return analyse(table.rows, max_marks=table.max_marks)


def _format(value: float | None, places: int) -> str:
    # "z" turns a -0.00 left by rounding into 0.00.
    return "" if value is None else f"{value:z.{places}f}"


def write_item_analysis_csv(statistics: Iterable[QuestionStatistics], out: _TextOut) -> None:
    """Write the item analysis as CSV: HEADER, then one row per question."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in statistics:
        writer.writerow(
            (
                row.question,
                _format(row.facility, FRACTION_PLACES),
                _format(row.sd, FRACTION_PLACES),
                _format(row.discrimination_index, INDEX_PLACES),
                _format(row.discriminative_efficiency, INDEX_PLACES),
            )
        )


class Command(BaseCommand):
    help = (
        "Item analysis (facility, sd, discrimination index, discriminative efficiency) "
        "of a quiz's first attempts, printed as CSV."
    )
    # call_command(..., stdin=StringIO(...)) stands in for standard input in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        # One source of attempts per run; reading them from the database will be the
        # second option of this group.
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--from-csv",
            metavar="FILE",
            help=(
                "an exported marks table: attempt id, one column per question (q1, or "
                "q3/2 for a maximum mark of 2), optionally total; - reads standard input"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["from_csv"]
        stdin: IO[str] = options.get("stdin") or sys.stdin
        name = "standard input" if source == STDIN else source
        try:
            if source == STDIN:
                statistics = analyse_marks_csv(stdin)
            else:
                with Path(source).open(encoding="utf-8-sig", newline="") as lines:
                    statistics = analyse_marks_csv(lines)
        except MarksCsvError as exc:
            raise CommandError(f"{name}: {exc}") from exc
        except OSError as exc:
            raise CommandError(f"cannot read {name}: {exc.strerror or exc}") from exc
        write_item_analysis_csv(statistics, self.stdout)
