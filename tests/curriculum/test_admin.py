"""The curriculum in the admin: readable, never editable (the files are the source of
truth), with a lesson's body previewed through the one Markdown pipeline."""

from collections.abc import Callable
from http import HTTPStatus

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from curriculum.models import Lesson
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import (
    CurriculumVersionFactory,
    LessonFactory,
    ModuleFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    user = UserFactory(is_staff=True, is_superuser=True)
    # Staff reach the admin only with a second factor (StaffMFAMiddleware).
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def staff_client(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


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
    url = reverse(f"admin:curriculum_{model}_changelist")
    staff_client.get(url)  # allauth records the session on the first request

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
        assert response.status_code == HTTPStatus.OK
        return len(queries)

    for _ in range(2):
        ROWS[model]()
    few = count()
    for _ in range(18):
        ROWS[model]()
    assert count() == few


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
