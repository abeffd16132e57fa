"""The curriculum in the admin: readable, never editable (the files are the source of
truth), with a lesson's body previewed through the one Markdown pipeline."""

from collections.abc import Callable
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from curriculum.models import Lesson
from tests.curriculum.factories import (
    CurriculumVersionFactory,
    LessonFactory,
    ModuleFactory,
    TrackFactory,
)
from tests.helpers import assert_page_queries_do_not_grow

pytestmark = pytest.mark.django_db


ROWS: dict[str, Callable[[], object]] = {
    "track": TrackFactory,
    "module": ModuleFactory,
    "lesson": LessonFactory,
    "curriculumversion": CurriculumVersionFactory,
}


@pytest.mark.parametrize("model", ROWS)
def test_each_changelist_opens_with_the_same_queries_for_2_or_20_rows(
    staff_client: Client, model: str
) -> None:
    assert_page_queries_do_not_grow(
        staff_client, reverse(f"admin:curriculum_{model}_changelist"), ROWS[model]
    )


@pytest.mark.parametrize("model", ROWS)
def test_nothing_can_be_added_changed_or_deleted(staff_client: Client, model: str) -> None:
    row = ROWS[model]()
    pk = row.pk  # type: ignore[attr-defined]

    assert (
        staff_client.get(reverse(f"admin:curriculum_{model}_add")).status_code
        == HTTPStatus.FORBIDDEN
    )
    delete = reverse(f"admin:curriculum_{model}_delete", args=[pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    change = reverse(f"admin:curriculum_{model}_change", args=[pk])
    assert staff_client.get(change).status_code == HTTPStatus.OK  # to read
    assert staff_client.post(change, {"title": "Edited"}).status_code == HTTPStatus.FORBIDDEN
    assert type(row).objects.filter(pk=pk).exists()  # type: ignore[attr-defined]


def test_a_lesson_page_shows_the_rendered_body_with_its_references(staff_client: Client) -> None:
    lesson: Lesson = LessonFactory(
        body="A claim[^R1].\n\n## First section\n\n<script>alert(1)</script>Text.\n"
    )

    response = staff_client.get(reverse("admin:curriculum_lesson_change", args=[lesson.pk]))

    assert response.status_code == HTTPStatus.OK
    assert '<h2 id="first-section">First section</h2>' in response.text
    assert 'id="fn:R1"' in response.text
    assert "An Author. <cite>A Title</cite>. A Publisher, 2020." in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_a_module_page_shows_its_version_history_and_sources(staff_client: Client) -> None:
    module = ModuleFactory(slug="c1", track=TrackFactory(slug="core"))
    key = "core/c1"
    CurriculumVersionFactory(
        version="1.0.0-draft", module_hashes={key: "a" * 64}, changelog="- core/c1: first."
    )
    CurriculumVersionFactory(version="1.0.1-draft", module_hashes={key: "a" * 64}, changelog="")
    CurriculumVersionFactory(
        version="1.1.0-draft",
        module_hashes={key: "b" * 64},
        changelog="- core/c1: trauma defined more exactly (substantive).\n- core/c2: other.",
    )

    page = staff_client.get(reverse("admin:curriculum_module_change", args=[module.pk])).text

    assert "<td>1.0.0-draft</td>" in page and "<td>1.1.0-draft</td>" in page
    # 1.0.1 did not change this module, so it is not part of its history.
    assert "<td>1.0.1-draft</td>" not in page
    assert "- core/c1: trauma defined more exactly (substantive)." in page
    assert "core/c2: other" not in page
    assert "<code>bbbbbbbbbbbb</code>" in page
    assert "An Author. <cite>A Title</cite>. A Publisher, 2020." in page


def test_modules_whose_review_is_due_can_be_listed(staff_client: Client) -> None:
    ModuleFactory(title="Due module", next_review_on="2020-01-01")
    ModuleFactory(title="Later module", next_review_on="2999-01-01")
    ModuleFactory(title="Never reviewed module")

    page = staff_client.get(reverse("admin:curriculum_module_changelist") + "?review_due=yes").text

    assert "Due module" in page
    assert "Later module" not in page and "Never reviewed module" not in page
