"""Quizzes in the admin: readable, never editable (the files are the source of truth),
each question with its versions previewed through the one Markdown pipeline."""

from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curriculum.services import load_curriculum
from quizzes.models import Question, QuestionVersion, Quiz
from quizzes.parsing import body_hash
from tests.helpers import assert_page_queries_do_not_grow
from tests.quizzes.factories import QuestionFactory, QuizFactory, single_body

pytestmark = pytest.mark.django_db

ROWS: dict[str, Callable[[], object]] = {"quiz": QuizFactory, "question": QuestionFactory}


@pytest.mark.parametrize("model", ROWS)
def test_each_changelist_opens_with_the_same_queries_for_2_or_20_rows(
    staff_client: Client, model: str
) -> None:
    assert_page_queries_do_not_grow(
        staff_client, reverse(f"admin:quizzes_{model}_changelist"), ROWS[model]
    )


@pytest.mark.parametrize("model", ROWS)
def test_nothing_can_be_added_changed_or_deleted(staff_client: Client, model: str) -> None:
    row = ROWS[model]()
    pk = row.pk  # type: ignore[attr-defined]

    assert (
        staff_client.get(reverse(f"admin:quizzes_{model}_add")).status_code == HTTPStatus.FORBIDDEN
    )
    delete = reverse(f"admin:quizzes_{model}_delete", args=[pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    change = reverse(f"admin:quizzes_{model}_change", args=[pk])
    assert staff_client.get(change).status_code == HTTPStatus.OK  # to read
    assert staff_client.post(change, {"title": "Edited"}).status_code == HTTPStatus.FORBIDDEN
    assert type(row).objects.filter(pk=pk).exists()  # type: ignore[attr-defined]


def test_a_quiz_page_lists_its_questions_with_links(staff_client: Client) -> None:
    quiz = QuizFactory(intro="Read *this* first.<script>alert(1)</script>")
    question = QuestionFactory(quiz=quiz, slug="c1-check-q1")

    page = staff_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).text

    assert "<p>Read <em>this</em> first.</p>" in page
    assert "<script>alert(1)</script>" not in page
    assert "c1-check-q1" in page
    assert reverse("admin:quizzes_question_change", args=[question.pk]) in page
    assert "v1" in page


def test_a_question_page_previews_each_version_newest_first(staff_client: Client) -> None:
    question = QuestionFactory()
    body = single_body("A *second* prompt?<script>alert(1)</script>")
    second = QuestionVersion.objects.create(
        question=question,
        number=2,
        content_hash=body_hash(body),
        body=body,
        max_score=1,
        content_version="1.1.0-draft",
    )
    Question.objects.filter(pk=question.pk).update(current_version=second)

    page = staff_client.get(reverse("admin:quizzes_question_change", args=[question.pk])).text

    assert "<p>A <em>second</em> prompt?</p>" in page
    assert "<p>Which of these is right?</p>" in page
    assert page.index("A <em>second</em> prompt?") < page.index("Which of these is right?")
    assert "<script>alert(1)</script>" not in page
    assert "Not correct" in page and "1.1.0-draft" in page


def test_a_question_page_opens_with_the_same_queries_for_2_or_20_versions(
    staff_client: Client,
) -> None:
    question = QuestionFactory()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    staff_client.get(url)

    def add_versions(count: int) -> None:
        start = question.versions.count() + 1
        for number in range(start, start + count):
            body = single_body(f"Prompt {number}?")
            QuestionVersion.objects.create(
                question=question,
                number=number,
                content_hash=body_hash(body),
                body=body,
                max_score=1,
                content_version="1.0.0-draft",
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url).status_code == HTTPStatus.OK
        return len(queries)

    add_versions(1)
    few = count()
    add_versions(18)
    assert count() == few


def test_a_loaded_scenario_is_previewed_with_its_best_path(
    staff_client: Client, content: Path
) -> None:
    load_curriculum(root=content)
    scenario = Question.objects.get(slug="c1-scenario-s")
    quiz = Quiz.objects.get(slug="c1-check")

    page = staff_client.get(reverse("admin:quizzes_question_change", args=[scenario.pk])).text
    quiz_page = staff_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).text

    assert "Best path:" in page
    assert "c1-scenario-s-d1-a → c1-scenario-s-d2-a → c1-scenario-s-d4-a → " in page
    assert "c1-scenario-s-end-steady (score 6)" in page
    assert "Rating based on expert judgement" in page
    assert "better (2)" in page and "harmful (0)" in page
    assert all(slug in quiz_page for slug in ("c1-check-q1", "c1-check-q2", "c1-check-q3"))
