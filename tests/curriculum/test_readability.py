"""Plain-language measures: syllables, prose extraction and the Flesch-Kincaid grade,
checked against hand-counted examples."""

import pytest

from curriculum.readability import measure, prose_blocks, syllables


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("the", 1),
        ("trauma", 2),
        ("people", 2),
        ("table", 2),
        ("makes", 1),
        ("decisions", 3),
        ("investigator", 5),
        ("survivor's", 3),
        ("2014", 1),
    ],
)
def test_syllables(word: str, expected: int) -> None:
    assert syllables(word) == expected


def test_prose_leaves_out_markup_citations_labels_code_and_comments() -> None:
    body = (
        "## A heading\n\n[[jurisdiction: us]]\n\nA *claim*[^R1] with [a link](module:c4).\n\n"
        "```\ncode here\n```\n\n- an item <!-- term-ok: reason -->\n"
    )

    assert prose_blocks(body) == ["A heading", "A claim with a link.", "an item"]


def test_grade_of_a_hand_counted_text() -> None:
    # 2 sentences, 8 words, 10 syllables ("The cat sat." 3 words, 3 syllables;
    # "Practitioners rest today." 3 words: prac-ti-tion-ers 4, rest 1, to-day 2).
    reading = measure("The cat sat. Practitioners rest today.\n")

    assert (reading.words, reading.sentences, reading.syllables) == (6, 2, 10)
    assert reading.grade == pytest.approx(0.39 * 3 + 11.8 * 10 / 6 - 15.59)


def test_headings_are_not_sentences_unless_asked() -> None:
    body = "## Why it matters\n\nIt matters.\n"

    assert measure(body).words == 2
    assert measure(body, headings=True).words == 5


def test_an_empty_body_has_grade_zero() -> None:
    assert measure("").grade == 0.0
