"""The public Curriculum pages: what is taught, its hours, version, review status,
changelog and sources, open to anyone, in a fixed number of queries; and where the
lessons' internal links lead."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from courses import services
from courses.models import Course
from curriculum.markdown import render_markdown
from curriculum.models import Module
from tests.courses.factories import CourseFactory
from tests.curriculum.factories import (
    CurriculumVersionFactory,
    LessonFactory,
    ModuleFactory,
    TrackFactory,
)
from tests.helpers import assert_page_queries_do_not_grow

pytestmark = pytest.mark.django_db

CURRICULUM = reverse("catalogue:curriculum")


def test_the_curriculum_page_is_public_and_shows_courses_tracks_hours_version_and_status(
    client: Client, core: Course
) -> None:
    response = client.get(CURRICULUM)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Version 1.0.0-draft" in page
    assert "2 modules" in page and "4 lessons" in page
    assert f"{core.cpd_hours} hours of study" in page
    assert "Core module 1" in page and reverse("catalogue:module", args=["c1"]) in page
    assert "Draft, pending expert review" in page
    assert "This edition is a draft, pending expert review" in page
    # The changelog of the loaded version is shown.
    assert "core/c1: first edition (substantive)." in page


def test_a_fully_published_curriculum_has_no_draft_notice(client: Client, core: Course) -> None:
    Module.objects.update(review_status=Module.ReviewStatus.PUBLISHED)

    page = client.get(CURRICULUM).content.decode()

    assert "This edition is a draft" not in page
    assert "Published after expert review" in page


def test_the_curriculum_page_keeps_its_query_budget(client: Client, core: Course) -> None:
    track = TrackFactory(slug="law-enforcement", title="Law enforcement", order=2)
    CourseFactory(slug="law-enforcement", tracks=[core.tracks.get(), track], order=2)
    counter = iter(range(1000))

    def another_module() -> None:
        n = next(counter)
        module = ModuleFactory(track=track, slug=f"le-{n}", order=n)
        LessonFactory(module=module)
        CurriculumVersionFactory(version=f"1.1.{n}-draft")

    assert_page_queries_do_not_grow(client, CURRICULUM, another_module)
    with CaptureQueriesContext(connection) as queries:
        client.get(CURRICULUM)
    # Tracks, their modules with lesson counts, courses, their tracks, versions.
    assert len(queries) == 5


def test_a_module_page_lists_lessons_sources_with_identifiers_and_review(
    client: Client, core: Course
) -> None:
    response = client.get(reverse("catalogue:module", args=["c1"]))

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Module 1, lesson 1" in page and "Module 1, lesson 2" in page
    assert "HHS Publication No. (SMA) 14-4884" in page
    assert "Not yet checked against the publisher" in page
    assert "Not reviewed yet" in page
    assert "International" in page  # the module's jurisdictions, by name
    assert core.get_absolute_url() in page


def test_a_module_page_keeps_its_query_budget(client: Client, core: Course) -> None:
    module = Module.objects.get(slug="c1")
    assert_page_queries_do_not_grow(
        client, reverse("catalogue:module", args=["c1"]), lambda: LessonFactory(module=module)
    )


def test_an_unknown_or_retired_module_is_not_found(client: Client, core: Course) -> None:
    Module.objects.filter(slug="c2").update(retired_at="2026-01-01T00:00:00Z")

    assert client.get(reverse("catalogue:module", args=["c2"])).status_code == 404
    assert client.get(reverse("catalogue:module", args=["c9"])).status_code == 404


def test_a_lesson_link_opens_the_lesson_in_the_readers_course(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)

    response = learner_client.get(reverse("catalogue:lesson-link", args=["c2-lesson-1"]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse(
        "courses:lesson", kwargs={"course_slug": "core", "lesson_slug": "c2-lesson-1"}
    )


def test_a_lesson_link_without_an_enrolment_goes_to_the_module_page(
    learner_client: Client, core: Course
) -> None:
    response = learner_client.get(reverse("catalogue:lesson-link", args=["c2-lesson-1"]))

    assert response["Location"] == reverse("catalogue:module", args=["c2"]) + "#lesson-c2-lesson-1"


def test_internal_links_and_jurisdiction_labels_render(db: None) -> None:
    html = render_markdown(
        "## Rights\n\n[[jurisdiction: us, england-wales]]\n\n"
        "See [module C4](module:c4) and [a lesson](lesson:c4-memory).\n"
    )

    assert '<p class="jurisdiction"><strong>Jurisdiction:</strong> ' in html
    assert "United States (federal); England and Wales" in html
    assert f'href="{reverse("catalogue:module", args=["c4"])}"' in html
    assert f'href="{reverse("catalogue:lesson-link", args=["c4-memory"])}"' in html
    assert "[[" not in html and "module:" not in html
