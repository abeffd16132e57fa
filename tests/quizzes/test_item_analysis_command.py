"""`manage.py item_analysis --from-csv`: the marks table it reads (quizzes.marks_csv),
the CSV it prints, and the specific error for each kind of bad input."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.management.commands.item_analysis import HEADER, write_item_analysis_csv
from quizzes.marks_csv import MarksCsvError, read_marks_csv
from quizzes.statistics import QuestionStatistics

# Table A of test_statistics.py, as an export; the figures are worked there.
TABLE_A = """attempt,q1,q2,q3/2
a1,1,1,2
a2,1,0,1.5
a3,0,1,0.5
a4,1,0,1
a5,0,0,0
"""
# q1: D = 100 * 1.3 / sqrt(1.2 * 4.7) = 54.7398..., DE = 100 * 1.3 / 1.8 = 72.2222...
# q2: D = 100 * 0.3 / sqrt(1.2 * 6.7) = 10.5802..., DE = 100 * 0.3 / 2.3 = 13.0434...
# q3: sd = sqrt(0.625) / 2 = 0.395284..., D = 200 / sqrt(5) = 89.4427..., DE = 100.
TABLE_A_OUTPUT = """question,facility,sd,discrimination_index,discriminative_efficiency
q1,0.6000,0.5477,54.74,72.22
q2,0.4000,0.5477,10.58,13.04
q3,0.5000,0.3953,89.44,100.00
"""


def run(path: Path | str, *, stdin: str = "") -> str:
    out = StringIO()
    call_command("item_analysis", "--from-csv", str(path), stdin=StringIO(stdin), stdout=out)
    return out.getvalue()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "marks.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_header_is_exactly_as_specified(tmp_path: Path) -> None:
    output = run(write(tmp_path, TABLE_A))

    assert output.splitlines()[0] == (
        "question,facility,sd,discrimination_index,discriminative_efficiency"
    )
    assert ",".join(HEADER) == output.splitlines()[0]


def test_a_table_prints_one_row_per_question_in_column_order(tmp_path: Path) -> None:
    assert run(write(tmp_path, TABLE_A)) == TABLE_A_OUTPUT


def test_a_dash_reads_standard_input() -> None:
    assert run("-", stdin=TABLE_A) == TABLE_A_OUTPUT


def test_a_spreadsheet_export_with_a_byte_order_mark_and_crlf_reads_the_same(
    tmp_path: Path,
) -> None:
    path = tmp_path / "marks.csv"
    path.write_bytes(b"\xef\xbb\xbf" + TABLE_A.replace("\n", "\r\n").encode())

    assert run(path) == TABLE_A_OUTPUT


def test_undefined_figures_are_blank_cells_not_zeros(tmp_path: Path) -> None:
    # q1: everyone right. q2: one attempt only (a blank cell is a question not drawn).
    text = "attempt,q1,q2\na1,1,\na2,1,1\na3,1,\n"

    assert run(write(tmp_path, text)).splitlines()[1:] == [
        "q1,1.0000,0.0000,,",
        "q2,1.0000,,,",
    ]


def test_the_total_column_is_used_when_present(tmp_path: Path) -> None:
    # Table B of test_statistics.py: q1's D = 100 * -0.25 / sqrt(0.75 * 4.75) = -13.25,
    # DE = 100 * -0.25 / 1.75 = -14.29; q2's D = DE = -50.
    text = "attempt,q1,q2/2,total\nb1,1,2,4\nb2,0,1,2\nb3,1,,1\nb4,1,0,3\n"
    # Without the total, q1's X' is 2, 1, 0, 0: D = 100 * -0.25 / sqrt(0.75 * 2.75) =
    # -17.41; sorted, x 0,1,1,1 meets X' 0,0,1,2, Σ products = 3, SPmax = 3 - (3)(3)/4 =
    # 0.75, DE = 100 * -0.25 / 0.75 = -33.33.
    summed = "attempt,q1,q2/2\nb1,1,2\nb2,0,1\nb3,1,\nb4,1,0\n"

    assert run(write(tmp_path, text)).splitlines()[1:] == [
        "q1,0.7500,0.5000,-13.25,-14.29",
        "q2,0.5000,0.5000,-50.00,-50.00",
    ]
    assert run("-", stdin=summed).splitlines()[1] == "q1,0.7500,0.5000,-17.41,-33.33"


def test_rounding_never_prints_a_negative_zero() -> None:
    out = StringIO()
    row = QuestionStatistics(
        question="q, with a comma",
        max_mark=Decimal(1),
        attempts=10,
        facility=0.12345,
        sd=0.0,
        discrimination_index=-0.001,
        discriminative_efficiency=-0.004,
    )

    write_item_analysis_csv([row], out)

    assert out.getvalue().splitlines()[1] == '"q, with a comma",0.1235,0.0000,0.00,0.00'


def test_the_rows_are_read_as_they_are_consumed() -> None:
    lines = iter(["attempt,q1\n", "a1,1\n", "a2,0\n", "a3,oops\n"])

    table = read_marks_csv(lines)

    # Only the header has been read; the rest waits for the analysis.
    assert table.max_marks == {"q1": Decimal(1)}
    assert next(lines) == "a1,1\n"
    assert next(table.rows).marks == {"q1": Decimal(0)}
    with pytest.raises(MarksCsvError, match="line 3, column 2"):
        next(table.rows)


def test_blank_lines_are_skipped_and_lines_still_counted() -> None:
    table = read_marks_csv(StringIO("attempt,q1\n\na1,1\n\na2,x\n"))

    with pytest.raises(MarksCsvError) as excinfo:
        list(table.rows)

    assert (excinfo.value.line, excinfo.value.column, excinfo.value.heading) == (5, 2, "q1")


HEADER_HELP = (
    "a header row: the attempt id, then one column per question (q1, or q3/2 for a "
    "maximum of 2), then optionally total"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"the file is empty: expected {HEADER_HELP}"),
        ("\n\n", f"the file is empty: expected {HEADER_HELP}"),
        ("attempt\na1\n", f"line 1: no question columns: expected {HEADER_HELP}"),
        ("attempt,total\na1,3\n", f"line 1: no question columns: expected {HEADER_HELP}"),
        (
            "attempt,q1,q2,q1/2\n",
            'line 1, column 4 (q1/2): duplicate question "q1" (column 2 has it too)',
        ),
        (
            "attempt,q3/0\n",
            'line 1, column 2 (q3/0): bad maximum mark "0": write a positive number after '
            "the slash, as in q3/2",
        ),
        (
            "attempt,q3/x\n",
            'line 1, column 2 (q3/x): bad maximum mark "x": write a positive number after '
            "the slash, as in q3/2",
        ),
        (
            "attempt,q3/-1\n",
            'line 1, column 2 (q3/-1): bad maximum mark "-1": write a positive number after '
            "the slash, as in q3/2",
        ),
        ("attempt,q1,/2\n", "line 1, column 3 (/2): the column has no question name"),
        (
            "attempt,total,q1\n",
            'line 1, column 2 (total): "total" names the optional last column (the '
            "attempt's total mark), not a question",
        ),
        ("attempt,q1,q2\na1,1,0\na2,1,yes\n", 'line 3, column 3 (q2): mark "yes" is not a number'),
        ("attempt,q1\na1,NaN\n", 'line 2, column 2 (q1): mark "NaN" is not a number'),
        ("attempt,q1\na1,1e0\n", 'line 2, column 2 (q1): mark "1e0" is not a number'),
        ("attempt,q1/2\na1,-0.5\n", "line 2, column 2 (q1/2): mark -0.5 is below 0"),
        (
            "attempt,q1/2\na1,2.5\n",
            "line 2, column 2 (q1/2): mark 2.5 is above the maximum 2",
        ),
        ("attempt,q1,q2\na1,1\n", "line 2: expected 3 cells, found 2"),
        ("attempt,q1,q2\na1,1,1,1\n", "line 2: expected 3 cells, found 4"),
        (
            "attempt,q1,total\na1,1,lots\n",
            'line 2, column 3 (total): total "lots" is not a number',
        ),
        ('attempt,q1\na1,"1\na2,0\n', "line 3: not valid CSV: unexpected end of data"),
        ('attempt,q1\na1,"1"x\n', "line 2: not valid CSV: ',' expected after '\"'"),
        (
            "attempt,q1,total\na1,1,\n",
            "line 2, column 3 (total): the total is blank: every row needs one when the "
            "table has a total column",
        ),
    ],
)
def test_bad_input_gives_its_specific_error_and_prints_nothing(text: str, message: str) -> None:
    # Some tables fail after good rows: still nothing is printed.
    out = StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("item_analysis", "--from-csv", "-", stdin=StringIO(text), stdout=out)

    assert str(excinfo.value) == f"standard input: {message}"
    assert out.getvalue() == ""


def test_a_file_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "attempt,q1\na1,2\n")

    with pytest.raises(CommandError, match=r"marks\.csv: line 2, column 2 \(q1\): mark 2 is above"):
        run(path)


def test_a_missing_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"cannot read .*nowhere\.csv: No such file"):
        run(tmp_path / "nowhere.csv")


def test_a_file_that_is_not_utf8_is_a_command_error(tmp_path: Path) -> None:
    path = tmp_path / "marks.csv"
    path.write_bytes(b"attempt,q1\na1,1\na2,\xff\n")

    with pytest.raises(CommandError, match=r"marks\.csv: not UTF-8 text: 'utf-8' codec can't"):
        run(path)
