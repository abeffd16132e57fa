"""Courses in the admin: readable by staff, never editable, and no learner's progress or
reading place anywhere in it."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from courses.models import (
    Course,
    Enrollment,
    EnrollmentCycle,
    LessonProgress,
    ModuleEntry,
    ReadingPlace,
)

pytestmark = pytest.mark.django_db


def test_staff_can_read_a_course_but_not_change_it(staff_client: Client, core: Course) -> None:
    listing = staff_client.get(reverse("admin:courses_course_changelist"))
    assert listing.status_code == HTTPStatus.OK
    assert "Core" in listing.content.decode()

    page = staff_client.get(reverse("admin:courses_course_change", args=[core.pk]))
    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    response = staff_client.post(
        reverse("admin:courses_course_change", args=[core.pk]), {"title": "Renamed"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    core.refresh_from_db()
    assert core.title == "Core"


def test_learners_progress_and_places_are_not_in_the_admin() -> None:
    for model in (Enrollment, EnrollmentCycle, LessonProgress, ModuleEntry, ReadingPlace):
        assert not admin.site.is_registered(model), model.__name__
