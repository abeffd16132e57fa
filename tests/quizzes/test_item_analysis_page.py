"""The item analysis page in the admin: for content editors (staff who may view quizzes)
only; the histogram with its table, the figures with blanks where undefined, the
choices and paths; no inline styles or scripts; a fixed query count."""

import re
from http import HTTPStatus
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from quizzes.models import Question, QuestionVersion, Quiz
from tests.accounts.factories import UserFactory
from tests.quizzes.item_analysis_data import five_learners, learners, new_quiz, question, take

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"


def url(quiz: Quiz) -> str:
    return reverse("admin:quizzes_quiz_item_analysis", args=[quiz.pk])


def cells(page: str, version: QuestionVersion) -> list[str]:
    """The data cells of a version's row in the figures table."""
    row = re.search(rf'<tr id="row-{version.pk}">(.*?)</tr>', page, re.DOTALL)
    assert row is not None, f"no row for {version}"
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.DOTALL)]


def editor(*, can_view_quizzes: bool) -> User:
    """A staff member who is not a superuser, with two-factor authentication on."""
    person = UserFactory(is_staff=True)
    TOTP.activate(person, generate_totp_secret())
    if can_view_quizzes:
        person.user_permissions.add(Permission.objects.get(codename="view_quiz"))
    return person


def test_the_quiz_page_links_to_its_item_analysis(staff_client: Client) -> None:
    quiz = new_quiz()

    page = staff_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).text

    assert f'href="{url(quiz)}"' in page
    assert "Item analysis" in page


def test_the_histogram_is_an_image_with_a_title_a_description_and_its_data_table(
    staff_client: Client,
) -> None:
    quiz, _versions, _rows = five_learners()

    response = staff_client.get(url(quiz))

    assert response.status_code == HTTPStatus.OK
    page = response.text
    assert "5 first attempts analysed." in page
    svg = re.search(r'<svg role="img"(.*?)</svg>', page, re.DOTALL)
    assert svg is not None
    assert 'aria-labelledby="scores-title scores-desc"' in svg.group(1)
    assert '<title id="scores-title">' in svg.group(1)
    assert '<desc id="scores-desc">' in svg.group(1)
    # Scores 1, 0.541667, 0.25, 0.625, 0.166667: one bar per band, each labelled.
    assert svg.group(1).count("<rect ") == 10
    labels = [f"{low}{DASH}{low + 10}%" for low in range(0, 100, 10)]
    for label in labels:
        assert f">{label}</text>" in svg.group(1)
    fullest = ", ".join(labels[n] for n in (1, 2, 5, 6, 9))
    assert f"The fullest band holds 1 attempt: {fullest}." in svg.group(1)
    assert "<caption>First attempts by score</caption>" in page
    bands = re.findall(
        rf'<th scope="row">(\d+{DASH}\d+%)</th>\s*<td class="number">(\d+)</td>', page
    )
    assert bands == [
        (label, "1" if n in (1, 2, 5, 6, 9) else "0") for n, label in enumerate(labels)
    ]


def test_each_version_has_its_figures_and_its_choices(staff_client: Client) -> None:
    quiz, versions, _rows = five_learners()

    page = staff_client.get(url(quiz)).text

    q1 = cells(page, versions["q1"])
    assert q1[:4] == ["v1", "Single answer", "5", "60.00"]  # version, type, attempts, facility
    assert q1[4] == "54.77"  # sd as a percentage of the maximum
    assert all(q1[5:7])  # both indices defined
    assert 'href="#version-{}"'.format(versions["q1"].pk) in page
    # Per-option counts: o1 chosen by 3 of 5.
    assert re.search(
        r"<code>o1</code> Option 1</th>\s*<td>Correct</td>\s*"
        r'<td class="number">3</td>\s*<td class="number">60.0</td>',
        page,
    )
    # The scenario's decisions and paths, beside each other in its section.
    scenario = page[page.index(f'id="version-{versions["s"].pk}"') :]
    assert "Decision <code>d1</code>: 5 decided" in scenario
    assert "<code>d1-a</code> → <code>d2-a</code>" in scenario
    assert "not reached (submitted part way)" in scenario
    # The reflection is in no figure and no table.
    assert f'id="row-{versions["r"].pk}"' not in page
    assert "Write a few lines for yourself" not in page


def test_undefined_figures_are_blank_cells_never_zero(staff_client: Client) -> None:
    quiz = new_quiz()
    easy = question(quiz, "easy", Question.Type.SINGLE, order=1)
    other = question(quiz, "other", Question.Type.SINGLE, order=2)
    for user, choice in zip(learners(3), ["o1", "o2", "o3"], strict=True):
        take(user, quiz, [(easy, {"choice": "o1"}), (other, {"choice": choice})])

    page = staff_client.get(url(quiz)).text

    # Everyone got "easy" right: facility 100, sd 0, both indices undefined.
    assert cells(page, easy)[3:7] == ["100.00", "0.00", "", ""]
    assert "A blank cell" in page
    assert "not the same as 0" in page


def test_a_quiz_without_first_attempts_says_so(staff_client: Client) -> None:
    quiz = new_quiz()
    question(quiz, "q", Question.Type.SINGLE)

    page = staff_client.get(url(quiz)).text

    assert "No learner has submitted a first attempt at this quiz yet." in page
    assert 'id="scores-title"' not in page


def test_the_page_has_no_inline_styles_or_scripts(staff_client: Client) -> None:
    quiz, _versions, _rows = five_learners()

    response = staff_client.get(url(quiz))

    page = response.text
    assert " style=" not in page
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "css/item-analysis.css" in page
    assert "script-src" in response.headers["Content-Security-Policy"]


def test_a_learner_is_sent_to_the_admin_sign_in(user_client: Client) -> None:
    quiz, _versions, _rows = five_learners()

    response = user_client.get(url(quiz))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("admin:login"))


def test_staff_who_may_not_view_quizzes_are_refused(client: Client) -> None:
    quiz, _versions, _rows = five_learners()
    client.force_login(editor(can_view_quizzes=False))

    assert client.get(url(quiz)).status_code == HTTPStatus.FORBIDDEN


def test_a_content_editor_who_may_view_quizzes_reads_it(client: Client) -> None:
    quiz, _versions, _rows = five_learners()
    client.force_login(editor(can_view_quizzes=True))

    assert client.get(url(quiz)).status_code == HTTPStatus.OK


def test_an_unknown_quiz_is_not_found(staff_client: Client) -> None:
    response = staff_client.get(reverse("admin:quizzes_quiz_item_analysis", args=[999999]))

    assert response.status_code == HTTPStatus.NOT_FOUND


# Session, user, the staff MFA check, the quiz; the quiz's scored versions, the attempts
# and their score bands, the answer stream (quizzes.item_analysis).
PAGE_QUERIES = 7


@pytest.mark.parametrize(("learner_count", "questions"), [(2, 1), (20, 8)])
def test_the_page_takes_the_same_queries_whatever_the_size(
    staff_client: Client, django_assert_num_queries: Any, learner_count: int, questions: int
) -> None:
    quiz = new_quiz()
    scenario = question(quiz, "s", Question.Type.SCENARIO, order=1)
    singles = [question(quiz, f"q{n}", Question.Type.SINGLE, order=2 + n) for n in range(questions)]
    for n, user in enumerate(learners(learner_count)):
        path = [["d1", "d1-a"], ["d2", "d2-a" if n % 2 else "d2-b"]]
        responses: list[tuple[QuestionVersion, Any]] = [(scenario, {"path": path})]
        responses += [
            (single, {"choice": f"o{(n + i) % 3 + 1}"}) for i, single in enumerate(singles)
        ]
        take(user, quiz, responses)
    staff_client.get(url(quiz))  # allauth records the session on the first request

    with django_assert_num_queries(PAGE_QUERIES):
        response = staff_client.get(url(quiz))

    assert response.status_code == HTTPStatus.OK
    assert f"{learner_count} first attempts analysed." in response.text
