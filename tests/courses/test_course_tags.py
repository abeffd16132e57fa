"""`{% progress_bar %}` (courses/templatetags/course_tags.py): a label tied to a
`<progress>` element whose text is the percentage, everything it is given escaped."""

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from courses.selectors import Progress


def progress_bar(progress: Progress, id: str, label: str) -> str:
    template = Template("{% load course_tags %}{% progress_bar progress id label %}")
    with translation.override("en-gb"):
        return template.render(Context({"progress": progress, "id": id, "label": label}))


def test_a_progress_bar_is_a_label_for_a_progress_element_showing_the_percentage() -> None:
    html = progress_bar(Progress(completed=3, total=4), "course-progress", "This course")

    assert html == (
        '<label class="progress-label" for="course-progress">'
        "This course: 3 of 4 lessons complete</label>\n"
        '<progress id="course-progress" max="4" value="3">75%</progress>'
    )


@pytest.mark.parametrize(
    ("completed", "total", "percent"), [(0, 4, 0), (1, 3, 33), (2, 3, 67), (5, 5, 100)]
)
def test_the_bar_shows_the_completed_count_of_the_total_and_the_rounded_percentage(
    completed: int, total: int, percent: int
) -> None:
    html = progress_bar(Progress(completed=completed, total=total), "bar", "This module")

    assert f"This module: {completed} of {total} lessons complete</label>" in html
    assert html.endswith(
        f'<progress id="bar" max="{total}" value="{completed}">{percent}%</progress>'
    )


def test_an_empty_course_has_a_bar_with_a_maximum_of_one_not_zero() -> None:
    # max="0" is invalid HTML: browsers fall back to 1 anyway, but say so explicitly.
    html = progress_bar(Progress(completed=0, total=0), "course-progress", "This course")

    assert html.endswith('<progress id="course-progress" max="1" value="0">0%</progress>')
    assert "This course: 0 of 0 lessons complete</label>" in html


def test_the_label_is_escaped() -> None:
    html = progress_bar(Progress(completed=1, total=2), "bar", "<b>Grief</b> & loss")

    assert 'for="bar">&lt;b&gt;Grief&lt;/b&gt; &amp; loss: 1 of 2 lessons complete</label>' in html
    assert "<b>" not in html


def test_the_id_is_escaped_in_both_attributes() -> None:
    html = progress_bar(Progress(completed=1, total=2), 'x" onclick="alert(1)', "This module")

    assert html.count('"x&quot; onclick=&quot;alert(1)"') == 2
    assert ' onclick="' not in html


def test_a_label_already_marked_safe_is_not_escaped_twice() -> None:
    # As the old include's `{{ label }}` did: text already escaped stays as it is.
    html = progress_bar(Progress(completed=0, total=1), "bar", mark_safe("Rest &amp; recovery"))

    assert ">Rest &amp; recovery: 0 of 1 lessons complete</label>" in html
