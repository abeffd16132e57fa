"""Reading an exported marks table, one attempt a row, for item analysis
(quizzes.statistics).

    attempt,q1,q2,q3/2,total
    a-101,1,0,1.5,2.5
    a-102,0,,2,2

The first column is the attempt id, under any heading. Then one column per question,
headed `<name>` (maximum mark 1) or `<name>/<max>` (`q3/2`: maximum 2; any positive
decimal). An optional last column headed exactly `total` gives each attempt's total
mark X; without it X is the sum of the row's marks. A blank mark means the attempt did
not have that question (a quiz that draws N of M). Marks are plain decimals (`1`,
`0.5`, `.25`); no exponents, no thousands separators, no `1/3`: a spreadsheet would
read that as a date.

The header is checked when the table is opened and each row as it is read: the rows
stream from the file and are never held together, so a million answers take the
memory of one row (and of each distinct mark, parsed once). The first problem found
raises MarksCsvError, which names its line and column.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from quizzes.statistics import AttemptMarks

if TYPE_CHECKING:
    from _csv import Reader  # what csv.reader() returns

TOTAL = "total"

# Decimal() alone would also take "NaN", "Infinity", "1e3" and "1_000".
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_HEADER_HELP = (
    "a header row: the attempt id, then one column per question (q1, or q3/2 for a "
    "maximum of 2), then optionally total"
)


class MarksCsvError(ValueError):
    """A marks table that cannot be analysed, with where the problem is."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        heading: str | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.heading = heading
        where = []
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}" + (f" ({heading})" if heading else ""))
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass
class _Column:
    position: int  # 1-based, as a spreadsheet user counts
    heading: str
    question: str
    max_mark: Decimal
    # Marks repeat (a question has a few possible values), so each distinct cell is
    # parsed and checked once; the same Decimal object then serves every row, with its
    # hash already computed for the statistics' histograms.
    seen: dict[str, Decimal | None] = field(default_factory=dict)

    def mark(self, cell: str, line: int) -> Decimal | None:
        try:
            return self.seen[cell]
        except KeyError:
            pass
        text = cell.strip()
        if not text:
            value = None
        else:
            value = _number(text)
            if value is None:
                raise self.error(f'mark "{cell}" is not a number', line)
            if value < 0:
                raise self.error(f"mark {text} is below 0", line)
            if value > self.max_mark:
                raise self.error(f"mark {text} is above the maximum {self.max_mark}", line)
        self.seen[cell] = value
        return value

    def error(self, message: str, line: int) -> MarksCsvError:
        return MarksCsvError(message, line=line, column=self.position, heading=self.heading)


@dataclass(frozen=True)
class MarksTable:
    """An opened marks table: its questions, then its attempts as they are read."""

    # Question name to maximum mark, in column order.
    max_marks: dict[str, Decimal]
    has_total: bool
    # Read from the file as they are consumed, once; MarksCsvError on the first bad row.
    rows: Iterator[AttemptMarks]


def _number(text: str) -> Decimal | None:
    return Decimal(text) if _NUMBER_RE.fullmatch(text) else None


def read_marks_csv(lines: Iterable[str]) -> MarksTable:
    """Check the header of a marks table and return it with its rows still to read.

    `lines` is a text file opened with newline="" (or any iterable of lines); it must
    stay open until the rows have been consumed.
    """
    # strict: an unclosed quote is an error where it happens, not a cell that swallows
    # the rest of the file.
    reader = csv.reader(lines, strict=True)
    header = _next_record(reader)
    if header is None:
        raise MarksCsvError(f"the file is empty: expected {_HEADER_HELP}")
    line = reader.line_num
    headings = [cell.strip() for cell in header]
    # A spreadsheet's UTF-8 export may start with a byte order mark.
    headings[0] = headings[0].lstrip("\ufeff").strip()
    has_total = len(headings) > 1 and headings[-1] == TOTAL
    question_headings = headings[1:-1] if has_total else headings[1:]
    if not question_headings:
        raise MarksCsvError(f"no question columns: expected {_HEADER_HELP}", line=line)

    columns: list[_Column] = []
    by_question: dict[str, _Column] = {}
    for position, heading in enumerate(question_headings, start=2):
        column = _question_column(position, heading, line)
        if column.question in by_question:
            raise column.error(
                f'duplicate question "{column.question}" '
                f"(column {by_question[column.question].position} has it too)",
                line,
            )
        by_question[column.question] = column
        columns.append(column)

    return MarksTable(
        max_marks={column.question: column.max_mark for column in columns},
        has_total=has_total,
        rows=_rows(reader, columns, total_position=len(headings) if has_total else None),
    )


def _next_record(reader: "Reader") -> list[str] | None:
    """Return the next record that is not a blank line (csv.DictReader skips those too),
    or None at the end of the file."""
    try:
        for record in reader:
            if record:
                return record
    except csv.Error as exc:
        raise MarksCsvError(f"not valid CSV: {exc}", line=reader.line_num) from exc
    except UnicodeDecodeError as exc:
        # Text is decoded a block at a time, ahead of the parser: the line being read
        # says nothing about where the bad byte is, so none is given.
        raise MarksCsvError(f"not UTF-8 text: {exc}") from exc
    return None


def _question_column(position: int, heading: str, line: int) -> _Column:
    name, slash, max_text = heading.rpartition("/")
    if slash:
        name, max_text = name.strip(), max_text.strip()
    else:
        name, max_text = heading, ""
    column = _Column(position=position, heading=heading, question=name, max_mark=Decimal(1))
    if not name:
        raise column.error("the column has no question name", line)
    if name == TOTAL:
        raise column.error(
            f'"{TOTAL}" names the optional last column (the attempt\'s total mark), not a question',
            line,
        )
    if slash:
        max_mark = _number(max_text)
        if max_mark is None or max_mark <= 0:
            raise column.error(
                f'bad maximum mark "{max_text}": write a positive number after the slash, '
                "as in q3/2",
                line,
            )
        column.max_mark = max_mark
    return column


def _rows(
    reader: "Reader", columns: list[_Column], *, total_position: int | None
) -> Iterator[AttemptMarks]:
    width = len(columns) + 1 + (total_position is not None)
    while (record := _next_record(reader)) is not None:
        line = reader.line_num
        if len(record) != width:
            raise MarksCsvError(f"expected {width} cells, found {len(record)}", line=line)
        marks: dict[str, Decimal] = {}
        for column, cell in zip(columns, record[1:], strict=False):
            mark = column.mark(cell, line)
            if mark is not None:
                marks[column.question] = mark
        total = None
        if total_position is not None:
            cell = record[-1]
            total = _number(cell.strip())
            if total is None:
                raise MarksCsvError(
                    f'total "{cell}" is not a number'
                    if cell.strip()
                    else "the total is blank: every row needs one when the table has a "
                    "total column",
                    line=line,
                    column=total_position,
                    heading=TOTAL,
                )
        yield AttemptMarks(attempt_id=record[0].strip(), marks=marks, total=total)
