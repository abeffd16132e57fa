"""The learner's courses in their data export, and their erasure."""

import json
from typing import Any

import pytest

from accounts import personal_data
from accounts.models import User
from courses import services
from courses.models import (
    Course,
    Enrollment,
    EnrollmentCycle,
    LessonProgress,
    ModuleEntry,
    ReadingPlace,
)
from courses.outline import course_lessons
from courses.personal_data import export_enrolments
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _study(user: User, course: Course) -> None:
    services.enroll_learner(user=user, course=course)
    first, second, *_ = course_lessons(course).select_related("module")
    services.acknowledge_content_note(user=user, course=course, module=first.module)
    services.open_lesson(user=user, course=course, lesson=first)
    services.mark_lesson_complete(user=user, course=course, lesson=first)
    services.take_break(user=user, course=course, lesson=second, section_id="why-this-matters")


def test_every_courses_model_is_covered_by_export_and_erasure() -> None:
    covered = personal_data.covered_models()
    for model in (Enrollment, EnrollmentCycle, LessonProgress, ModuleEntry, ReadingPlace):
        assert model in covered, model.__name__
    assert "enrolments" in {section.name for section in personal_data.registered_sections()}


def test_export_holds_enrolments_cycles_progress_module_entries_and_the_place(
    core: Course, learner: User
) -> None:
    _study(learner, core)

    data = personal_data.export_user_data(user=learner)["enrolments"]

    assert len(data) == 1
    enrolment = data[0]
    assert (enrolment["course"], enrolment["content_version"]) == ("core", "1.0.0-draft")
    (cycle,) = enrolment["cycles"]
    assert cycle["number"] == 1
    assert [(row["lesson"], row["completed_at"] is not None) for row in cycle["lessons"]] == [
        ("c1-lesson-1", True)
    ]
    assert [row["module"] for row in cycle["modules_entered"]] == ["c1"]
    assert cycle["modules_entered"][0]["content_note_seen_at"] is not None
    # The break is the learner's own to see, in their own download.
    assert enrolment["reading_place"] == {
        "lesson": "c1-lesson-2",
        "section": "why-this-matters",
        "saved_at": enrolment["reading_place"]["saved_at"],
        "on_break": True,
    }


def test_export_holds_no_one_elses_progress(core: Course, learner: User) -> None:
    _study(learner, core)
    other = UserFactory(email="someone.else@example.org")
    _study(other, core)

    data = export_enrolments(learner)

    assert len(data) == 1
    assert len(data[0]["cycles"][0]["lessons"]) == 1
    assert "someone.else" not in json.dumps(personal_data.export_user_data(user=learner))


def test_export_of_enrolments_runs_a_fixed_number_of_queries(
    core: Course, learner: User, django_assert_num_queries: Any
) -> None:
    _study(learner, core)
    for lesson in course_lessons(core):
        services.mark_lesson_complete(user=learner, course=core, lesson=lesson)
    # Enrolments, cycles, lessons, module entries, places.
    with django_assert_num_queries(5):
        export_enrolments(learner)


def test_erasure_removes_every_courses_row_of_the_person_and_no_one_elses(
    core: Course, learner: User
) -> None:
    _study(learner, core)
    other = UserFactory()
    _study(other, core)
    learner_id = learner.pk

    personal_data.erase_account(user=learner, erased_by=None)

    assert not Enrollment.objects.filter(user_id=learner_id).exists()
    assert not EnrollmentCycle.objects.filter(enrollment__user_id=learner_id).exists()
    assert not LessonProgress.objects.filter(cycle__enrollment__user_id=learner_id).exists()
    assert not ModuleEntry.objects.filter(cycle__enrollment__user_id=learner_id).exists()
    assert not ReadingPlace.objects.filter(enrollment__user_id=learner_id).exists()
    assert Enrollment.objects.filter(user=other).count() == 1
    assert LessonProgress.objects.filter(cycle__enrollment__user=other).count() == 1
    assert ReadingPlace.objects.filter(enrollment__user=other).count() == 1
    # The course and the curriculum stay.
    assert Course.objects.filter(pk=core.pk).exists()
    assert course_lessons(core).count() == 4
