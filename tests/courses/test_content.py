"""courses.yaml: read, linted and loaded by the curriculum's commands through the
content-kind registry, after the curriculum's own tracks and modules."""

from decimal import Decimal
from pathlib import Path

import pytest

from courses import services, versions
from courses.content import cpd_hours_for
from courses.models import Course, LessonProgress
from courses.outline import course_outline
from curriculum import registry
from curriculum.models import CurriculumVersion, Lesson
from curriculum.services import ContentInvalid, lint_curriculum, load_curriculum
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def messages(root: Path) -> list[str]:
    return [f.format() for f in lint_curriculum(root=root).findings]


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [(0, "0.0"), (10, "0.5"), (23, "0.5"), (44, "0.5"), (45, "1.0"), (75, "1.5"), (600, "10.0")],
)
def test_cpd_hours_are_reading_time_to_the_nearest_half_hour(minutes: int, hours: str) -> None:
    assert cpd_hours_for(minutes) == Decimal(hours)


def test_the_courses_kind_is_registered_after_the_curriculums() -> None:
    names = [kind.name for kind in registry.content_kinds()]
    assert names.index("courses") > names.index("curriculum")


def test_load_creates_courses_with_their_tracks_and_hours(content: Path) -> None:
    result = load_curriculum(root=content)

    tally = next(t for t in result.tallies if t.label == "courses")
    assert (tally.added, tally.changed, tally.retired, tally.unchanged) == (2, 0, 0, 0)
    core = Course.objects.get(slug="core")
    assert list(core.tracks.values_list("slug", flat=True)) == ["core"]
    assert core.roles == ["other", "prosecutor"]
    assert core.cpd_hours == Decimal("0.5")  # 30 minutes
    assert core.certificate_validity_days == 730
    assert core.is_published
    legal = Course.objects.get(slug="legal-practice")
    assert sorted(legal.tracks.values_list("slug", flat=True)) == ["core", "legal"]
    assert legal.cpd_hours == Decimal("1.0")  # 30 + 20 minutes
    assert legal.certificate_validity_days == 365
    assert not legal.is_published


def test_loading_the_same_file_again_changes_nothing(content: Path) -> None:
    load_curriculum(root=content)
    before = list(Course.objects.order_by("pk").values())

    result = load_curriculum(root=content)

    tally = next(t for t in result.tallies if t.label == "courses")
    assert (tally.added, tally.changed, tally.retired, tally.unchanged) == (0, 0, 0, 2)
    assert list(Course.objects.order_by("pk").values()) == before


def test_a_load_that_changes_a_lesson_touches_every_course(content: Path) -> None:
    # Cached course outlines are keyed by the course's updated_at (courses.selectors).
    load_curriculum(root=content)
    before = dict(Course.objects.values_list("slug", "updated_at"))
    # An editorial edit (lesson 02 declares it), so the same version loads again.
    lesson = content / "core" / "c1" / "02-safety-and-choice.md"
    lesson.write_text(lesson.read_text() + "\nOne more sentence.\n")

    load_curriculum(root=content)

    after = dict(Course.objects.values_list("slug", "updated_at"))
    assert after.keys() == before.keys()
    assert all(after[slug] > before[slug] for slug in before)


def test_a_course_removed_from_the_file_is_unpublished_not_deleted(content: Path) -> None:
    load_curriculum(root=content)
    text = (content / "courses.yaml").read_text()
    (content / "courses.yaml").write_text(text[: text.index("  - id: legal-practice")])
    Course.objects.filter(slug="legal-practice").update(is_published=True)

    result = load_curriculum(root=content)

    tally = next(t for t in result.tallies if t.label == "courses")
    assert tally.retired == 1
    assert not Course.objects.get(slug="legal-practice").is_published


def test_a_stated_cpd_figure_is_used_with_a_warning_when_it_differs(content: Path) -> None:
    text = (content / "courses.yaml").read_text()
    (content / "courses.yaml").write_text(
        text.replace("    order: 1\n", "    order: 1\n    cpd_hours: 2\n", 1)
    )
    assert any("states 2.0 CPD hours" in m and "warning" in m for m in messages(content))
    load_curriculum(root=content)
    assert Course.objects.get(slug="core").cpd_hours == Decimal("2.0")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("tracks: [core]\n", "tracks: [core, mental-health]\n", "'mental-health', which no"),
        ("roles: [other, prosecutor]", "roles: [other, wizard]", "unknown roles wizard"),
        ("roles: [other, prosecutor]", "roles: [other, other]", "a role is listed twice"),
        ("id: legal-practice", "id: core", "the course id 'core' is used twice"),
        ("id: core\n", "id: Core Course\n", "`id` is lowercase letters"),
        ("    published: true\n", "", "has no `published`"),
        ("    order: 1\n", "    order: 1\n    colour: blue\n", "unknown key 'colour'"),
        ("certificate_validity_days: 365", "certificate_validity_days: 0", "above 0"),
    ],
)
def test_lint_reports_a_broken_course_and_nothing_loads(
    content: Path, old: str, new: str, problem: str
) -> None:
    text = (content / "courses.yaml").read_text()
    assert old in text
    (content / "courses.yaml").write_text(text.replace(old, new, 1))

    found = messages(content)

    assert any(problem in m and ": error: " in m for m in found), found
    assert all(m.startswith("courses.yaml") for m in found if ": error: " in m), found
    with pytest.raises(ContentInvalid):
        load_curriculum(root=content)
    assert not Course.objects.exists()


def test_a_content_folder_without_courses_yaml_warns_that_no_course_is_offered(
    content: Path,
) -> None:
    (content / "courses.yaml").unlink()
    assert any("no course is offered" in m for m in messages(content))


def test_the_repositorys_content_lints_without_course_errors(kinds: None) -> None:
    root = Path(__file__).parents[2] / "curriculum" / "content"
    errors = [f.format() for f in lint_curriculum(root=root).errors if f.path == "courses.yaml"]
    assert errors == []


def test_a_substantive_edit_makes_a_new_version_and_earlier_progress_keeps_the_old_one(
    content: Path,
) -> None:
    load_curriculum(root=content)
    course = Course.objects.get(slug="core")
    learner = UserFactory()
    enrollment = services.enroll_learner(user=learner, course=course)
    first = Lesson.objects.get(slug="c1-what-trauma-is")
    done_before = services.mark_lesson_complete(user=learner, course=course, lesson=first)

    lesson = content / "core" / "c1" / "01-what-trauma-is.md"
    lesson.write_text(lesson.read_text().replace("is described by", "is best described by"))
    (content / "VERSION").write_text("1.1.0-draft\n")
    changelog = content / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(
            "# Changelog\n",
            "# Changelog\n\n## 1.1.0-draft — 2026-12-01\n\n"
            "- core/c1: trauma defined more exactly (substantive).\n",
        )
    )
    load_curriculum(root=content)
    course.refresh_from_db()

    hashes = dict(CurriculumVersion.objects.values_list("version", "module_hashes"))
    assert set(hashes) == {"1.0.0-draft", "1.1.0-draft"}
    assert hashes["1.0.0-draft"]["core/c1"] != hashes["1.1.0-draft"]["core/c1"]
    assert "is best described by" in Lesson.objects.get(pk=first.pk).body
    # What was earned before still names the version it was earned on.
    done_before.refresh_from_db()
    enrollment.refresh_from_db()
    assert done_before.content_version == "1.0.0-draft"
    assert enrollment.content_version == "1.0.0-draft"
    assert enrollment.cycles.get().content_version == "1.0.0-draft"
    # Completing again changes nothing.
    again = services.mark_lesson_complete(user=learner, course=course, lesson=first)
    assert (again.completed_at, again.content_version) == (
        done_before.completed_at,
        "1.0.0-draft",
    )
    # The learner is pinned: they read, and complete lessons in, the edition they began.
    pinned = course_outline(course, "1.0.0-draft")
    assert pinned.version == "1.0.0-draft"
    assert "is best described by" not in pinned.lesson_by_id(first.pk).body
    assert "is best described by" in course_outline(course).lesson_by_id(first.pk).body
    second = Lesson.objects.get(slug="c1-safety-and-choice")
    done_pinned = services.mark_lesson_complete(user=learner, course=course, lesson=second)
    assert done_pinned.content_version == "1.0.0-draft"
    # Moving is explicit; it says what changes, keeps what was completed, and is idempotent.
    change = versions.move_learner(user=learner, course=course)
    assert change is not None
    assert (change.from_version, change.to_version) == ("1.0.0-draft", "1.1.0-draft")
    assert [each.pk for each in change.updated] == [first.pk]
    assert change.added == change.removed == ()
    assert versions.move_learner(user=learner, course=course) is None
    assert enrollment.cycles.get().content_version == "1.1.0-draft"
    assert set(
        LessonProgress.objects.filter(cycle__enrollment=enrollment).values_list(
            "lesson__slug", "content_version"
        )
    ) == {("c1-what-trauma-is", "1.0.0-draft"), ("c1-safety-and-choice", "1.0.0-draft")}
    # Someone starting now reads, and completes on, the new edition.
    newcomer = UserFactory()
    services.enroll_learner(user=newcomer, course=course)
    done_after = services.mark_lesson_complete(user=newcomer, course=course, lesson=first)
    assert done_after.content_version == "1.1.0-draft"
