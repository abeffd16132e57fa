"""A learner reads the edition they started on until they choose to move (docs/versions.md):
a new edition changes nothing for them, pages say what moving would change, and moving
keeps every completion with the version it was earned on."""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from courses import selectors, services, versions
from courses.models import Course, EnrollmentCycle, LessonProgress
from courses.outline import course_outline
from courses.selectors import Progress
from curriculum.models import Lesson, ModuleRevision
from curriculum.services import load_curriculum
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD_TEXT = "Trauma is described by"
NEW_TEXT = "Trauma is best described by"
NEW_LESSON = """\
---
id: c1-after-the-meeting
title: After the meeting
minutes: 5
change: editorial
lang: en
---

Notes are written the same day[^R1].

## Key points

- Write notes the same day.

## Reflection

Think about one habit. Do not write case or client details.
"""


def new_edition(content: Path) -> None:
    """Edition 1.1.0-draft: one lesson revised, one added (c1 grows by five minutes)."""
    lesson = content / "core" / "c1" / "01-what-trauma-is.md"
    lesson.write_text(lesson.read_text().replace(OLD_TEXT, NEW_TEXT))
    (content / "core" / "c1" / "03-after-the-meeting.md").write_text(NEW_LESSON)
    module = content / "core" / "c1" / "module.yaml"
    text = module.read_text()
    minutes = int(text.split("minutes: ", 1)[1].split("\n", 1)[0])
    module.write_text(text.replace(f"minutes: {minutes}\n", f"minutes: {minutes + 5}\n", 1))
    (content / "VERSION").write_text("1.1.0-draft\n")
    changelog = content / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(
            "# Changelog\n",
            "# Changelog\n\n## 1.1.0-draft — 2026-12-01\n\n"
            "- core/c1: trauma defined more exactly; a lesson on notes (substantive).\n",
        )
    )
    load_curriculum(root=content)


@pytest.fixture
def started(content: Path, client: Client) -> tuple[User, Course, Client]:
    """A learner part-way through edition 1.0.0-draft when 1.1.0-draft is loaded."""
    load_curriculum(root=content)
    course = Course.objects.get(slug="core")
    learner = UserFactory(professional_role=User.ProfessionalRole.OTHER)
    services.enroll_learner(user=learner, course=course)
    first = Lesson.objects.get(slug="c1-what-trauma-is")
    services.acknowledge_content_note(user=learner, course=course, module=first.module)
    services.mark_lesson_complete(user=learner, course=course, lesson=first)
    new_edition(content)
    course.refresh_from_db()
    client.force_login(learner)
    return learner, course, client


def lesson_url(course: Course, slug: str) -> str:
    return reverse("courses:lesson", kwargs={"course_slug": course.slug, "lesson_slug": slug})


def test_the_loader_keeps_a_revision_per_module_hash_and_loading_again_adds_none(
    content: Path,
) -> None:
    load_curriculum(root=content)
    assert ModuleRevision.objects.count() == 2
    result = load_curriculum(root=content)
    assert result.writes == 0
    new_edition(content)
    c1 = ModuleRevision.objects.filter(module__slug="c1").order_by("created_at")
    assert [r.first_version for r in c1] == ["1.0.0-draft", "1.1.0-draft"]
    old, new = c1
    assert [lesson["slug"] for lesson in old.lessons] == [
        "c1-what-trauma-is",
        "c1-safety-and-choice",
    ]
    assert OLD_TEXT in old.lessons[0]["body"] and NEW_TEXT in new.lessons[0]["body"]
    assert new.lessons[-1]["slug"] == "c1-after-the-meeting"
    assert new.fields["minutes"] == old.fields["minutes"] + 5


def test_a_learner_part_way_through_reads_the_edition_they_started(
    started: tuple[User, Course, Client],
) -> None:
    learner, course, client = started

    page = client.get(lesson_url(course, "c1-what-trauma-is")).content.decode()
    assert OLD_TEXT in page and NEW_TEXT not in page
    # The lesson added in the new edition is not part of their edition.
    assert client.get(lesson_url(course, "c1-after-the-meeting")).status_code == 404
    module = client.get(
        reverse("courses:module", kwargs={"course_slug": course.slug, "module_slug": "c1"})
    ).content.decode()
    assert "After the meeting" not in module
    # Progress counts their edition's two lessons, one of them done.
    detail = client.get(course.get_absolute_url())
    assert detail.context["progress"].progress == Progress(completed=1, total=2)
    card = next(c for c in selectors.learner_courses(user=learner) if c.course == course)
    assert card.progress == Progress(completed=1, total=2)
    assert "1 of 2 lessons complete" in client.get(reverse("accounts:dashboard")).content.decode()


def test_someone_starting_now_reads_the_new_edition(
    started: tuple[User, Course, Client],
) -> None:
    _learner, course, _client = started
    newcomer = UserFactory(professional_role=User.ProfessionalRole.OTHER)
    client = Client()
    client.force_login(newcomer)
    client.post(reverse("courses:start", kwargs={"course_slug": course.slug}))
    services.acknowledge_content_note(
        user=newcomer, course=course, module=Lesson.objects.get(slug="c1-what-trauma-is").module
    )
    page = client.get(lesson_url(course, "c1-what-trauma-is")).content.decode()
    assert NEW_TEXT in page
    assert client.get(lesson_url(course, "c1-after-the-meeting")).status_code == HTTPStatus.OK
    assert client.get(course.get_absolute_url()).context["edition_change"] is None


def test_the_course_page_says_what_moving_changes_and_moving_keeps_completions(
    started: tuple[User, Course, Client],
) -> None:
    learner, course, client = started

    page = client.get(course.get_absolute_url())
    change = page.context["edition_change"]
    assert (change.from_version, change.to_version) == ("1.0.0-draft", "1.1.0-draft")
    assert [each.slug for each in change.updated] == ["c1-what-trauma-is"]
    assert [each.slug for each in change.added] == ["c1-after-the-meeting"]
    html = page.content.decode()
    assert "A newer edition of this course is available" in html
    assert "“After the meeting” is a new lesson." in html

    moved = client.post(reverse("courses:move_edition", kwargs={"course_slug": course.slug}))
    assert moved.status_code == HTTPStatus.FOUND
    cycle = EnrollmentCycle.objects.get(enrollment__user=learner)
    assert cycle.content_version == "1.1.0-draft"
    assert list(
        LessonProgress.objects.filter(cycle=cycle, completed_at__isnull=False).values_list(
            "lesson__slug", "content_version"
        )
    ) == [("c1-what-trauma-is", "1.0.0-draft")]
    after = client.get(course.get_absolute_url())
    assert after.context["edition_change"] is None
    assert after.context["progress"].progress == Progress(completed=1, total=3)
    assert NEW_TEXT in client.get(lesson_url(course, "c1-what-trauma-is")).content.decode()


def test_moving_needs_a_post_and_a_started_course_and_never_moves_a_completed_cycle(
    started: tuple[User, Course, Client],
) -> None:
    learner, course, client = started
    url = reverse("courses:move_edition", kwargs={"course_slug": course.slug})
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    stranger = UserFactory(professional_role=User.ProfessionalRole.OTHER)
    with pytest.raises(services.NotEnrolled):
        versions.move_learner(user=stranger, course=course)

    EnrollmentCycle.objects.filter(enrollment__user=learner).update(
        completed_at=EnrollmentCycle.objects.get(enrollment__user=learner).started_at
    )
    with pytest.raises(versions.CycleCompleted):
        versions.move_learner(user=learner, course=course)
    client.post(url)
    assert EnrollmentCycle.objects.get(enrollment__user=learner).content_version == "1.0.0-draft"


def test_the_operator_command_moves_every_open_cycle_once(
    started: tuple[User, Course, Client], capsys: pytest.CaptureFixture[str]
) -> None:
    learner, course, _client = started
    call_command("move_to_current_version", course=course.slug, dry_run=True)
    assert "would move 1 learner(s) to version 1.1.0-draft" in capsys.readouterr().out
    assert EnrollmentCycle.objects.get(enrollment__user=learner).content_version == "1.0.0-draft"

    call_command("move_to_current_version", course=course.slug)
    assert "moved 1 learner(s)" in capsys.readouterr().out
    call_command("move_to_current_version", course=course.slug)
    assert "moved 0 learner(s)" in capsys.readouterr().out
    assert course_outline(course, "1.1.0-draft").version == "1.1.0-draft"


@pytest.mark.parametrize("pinned", [False, True])
def test_the_lesson_page_budget_is_the_same_on_an_earlier_edition(
    started: tuple[User, Course, Client], django_assert_num_queries: object, pinned: bool
) -> None:
    learner, course, client = started
    if not pinned:
        versions.move_learner(user=learner, course=course)
    url = lesson_url(course, "c1-what-trauma-is")
    client.get(url)  # warm the outline at the learner's version
    with django_assert_num_queries(3):  # type: ignore[operator]
        assert client.get(url).status_code == HTTPStatus.OK
