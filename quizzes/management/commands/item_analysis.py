"""`manage.py item_analysis (--from-csv FILE | --quiz SLUG)`: item analysis of a quiz's
first attempts (quizzes.statistics), printed as CSV.

Two sources, one per run: an exported marks table (`--from-csv`, quizzes.marks_csv; `-`
reads standard input), or the database (`--quiz`, quizzes.item_analysis: each learner's
first standard attempt at the quiz, one row per question version, named
`<question slug>@v<version>`, in question order). Output, one row per question (in the
table's column order for a marks table):

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

from quizzes.item_analysis import analyse_quiz, format_figure
from quizzes.marks_csv import MarksCsvError, read_marks_csv
from quizzes.models import Quiz
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


def write_item_analysis_csv(statistics: Iterable[QuestionStatistics], out: _TextOut) -> None:
    """Write the item analysis as CSV: HEADER, then one row per question."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in statistics:
        writer.writerow(
            (
                row.question,
                format_figure(row.facility, FRACTION_PLACES),
                format_figure(row.sd, FRACTION_PLACES),
                format_figure(row.discrimination_index, INDEX_PLACES),
                format_figure(row.discriminative_efficiency, INDEX_PLACES),
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
        # One source of attempts per run.
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--from-csv",
            metavar="FILE",
            help=(
                "an exported marks table: attempt id, one column per question (q1, or "
                "q3/2 for a maximum mark of 2), optionally total; - reads standard input"
            ),
        )
        source.add_argument(
            "--quiz",
            metavar="SLUG",
            help="a quiz's id: analyse its learners' first attempts in the database",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["quiz"] is not None:
            self._from_database(options["quiz"])
        else:
            self._from_csv(options["from_csv"], options.get("stdin") or sys.stdin)

    def _from_database(self, slug: str) -> None:
        quiz = Quiz.objects.filter(slug=slug).first()
        if quiz is None:
            raise CommandError(f'there is no quiz "{slug}"')
        report = analyse_quiz(quiz=quiz)
        write_item_analysis_csv((version.statistics for version in report.versions), self.stdout)

    def _from_csv(self, source: str, stdin: IO[str]) -> None:
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
