"""Loading the content files: what lands in the database, that a second load writes
nothing, that removed content is retired and kept, and that bad content loads nothing."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum.models import CurriculumVersion, Lesson, Module, Track
from curriculum.services import ContentInvalid, ContentMissing, lint_curriculum, load_curriculum
from tests.curriculum.conftest import Bump, Edit

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every curriculum row, every column: equal snapshots mean nothing was written."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Track, Module, Lesson, CurriculumVersion)
    }


def tallies(result: Any) -> dict[str, tuple[int, int, int, int]]:
    return {t.label: (t.added, t.changed, t.retired, t.unchanged) for t in result.tallies}


def test_load_creates_tracks_modules_lessons_and_the_version(content: Path) -> None:
    result = load_curriculum(root=content)

    assert tallies(result) == {
        "tracks": (2, 0, 0, 0),
        "modules": (2, 0, 0, 0),
        "lessons": (3, 0, 0, 0),
        "module revisions": (2, 0, 0, 0),
        "curriculum versions": (1, 0, 0, 0),
    }
    assert list(Track.objects.current().values_list("slug", flat=True)) == ["core", "legal"]
    module = Module.objects.select_related("track").get(slug="c1")
    assert module.track.slug == "core"
    assert module.objectives[0] == "define trauma as event, experience and effect"
    assert module.content_note == (
        "This module talks about trauma and its effects in general terms. It does not describe abuse."
    )
    assert module.review_status == Module.ReviewStatus.DRAFT
    assert [r["id"] for r in module.references] == ["R1", "R2"]
    assert module.reference("R2") == {
        "id": "R2",
        "authors": "Otgaar, H., Howe, M. L., Patihis, L., et al.",
        "title": "The return of the repressed",
        "journal": "Perspectives on Psychological Science",
        "year": 2019,
        "identifier": "doi:10.1177/1745691619862306",
        "verified": True,
    }
    legal = Module.objects.get(slug="l1")
    assert legal.reviewed_on is not None and legal.reviewed_on.isoformat() == "2026-01-15"
    lessons = list(module.lessons.current().values_list("slug", "order", "change"))
    assert lessons == [
        ("c1-what-trauma-is", 1, "substantive"),
        ("c1-safety-and-choice", 2, "editorial"),
    ]
    lesson = Lesson.objects.get(slug="c1-what-trauma-is")
    assert lesson.body.startswith("Trauma is described by its event")
    assert len(lesson.content_hash) == 64


def test_a_second_load_reports_no_changes_and_writes_nothing(content: Path) -> None:
    load_curriculum(root=content)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        result = load_curriculum(root=content)

    assert result.writes == 0
    assert all(t.added == t.changed == t.retired == 0 for t in result.tallies)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    # Same hashes, same updated_at, same everything.
    assert snapshot() == before


def test_a_second_load_reads_one_query_per_model_whatever_the_size(
    content: Path, django_assert_num_queries: Any
) -> None:
    load_curriculum(root=content)
    # The changelog rule's baseline (the latest version, the current lessons); tracks,
    # modules, lessons, the revisions known, the version; plus the savepoint and its
    # release (the test's own transaction turns the load's atomic block into a savepoint).
    with django_assert_num_queries(2 + 5 + 2):
        load_curriculum(root=content)


def test_an_edited_lesson_is_updated_and_nothing_else(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    before = snapshot()
    old = Lesson.objects.get(slug="c1-safety-and-choice")

    edit("core/c1/02-safety-and-choice.md", "physical and emotional", "both physical and emotional")
    result = load_curriculum(root=content)

    assert tallies(result)["lessons"] == (0, 1, 0, 2)
    # The module's hash covers its lessons, so the module changed too; the other did not.
    assert tallies(result)["modules"] == (0, 1, 0, 1)
    lesson = Lesson.objects.get(slug="c1-safety-and-choice")
    assert "both physical and emotional" in lesson.body
    assert lesson.content_hash != old.content_hash
    assert lesson.updated_at > old.updated_at
    after = snapshot()
    unchanged = [row for row in after["Lesson"] if row["slug"] != "c1-safety-and-choice"]
    assert unchanged == [row for row in before["Lesson"] if row["slug"] != "c1-safety-and-choice"]
    assert after["Track"] == before["Track"]


def test_a_removed_lesson_is_retired_and_its_row_kept(
    content: Path, edit: Edit, bump: Bump
) -> None:
    load_curriculum(root=content)
    lesson = Lesson.objects.get(slug="c1-safety-and-choice")

    (content / "core/c1/02-safety-and-choice.md").unlink()
    edit("core/c1/module.yaml", "minutes: 30", "minutes: 15")  # the module's sum
    bump("1.0.1-draft", "core/c1: lesson c1-safety-and-choice removed (substantive).")
    result = load_curriculum(root=content)

    assert tallies(result)["lessons"] == (0, 0, 1, 2)
    retired = Lesson.objects.get(pk=lesson.pk)
    assert retired.retired_at is not None
    assert retired.body == lesson.body
    assert not Lesson.objects.current().filter(pk=lesson.pk).exists()
    # Retiring is itself a change made once: the next load leaves the row alone.
    assert load_curriculum(root=content).writes == 0


def test_a_lesson_that_comes_back_is_current_again(content: Path, edit: Edit, bump: Bump) -> None:
    load_curriculum(root=content)
    saved = (content / "core/c1/02-safety-and-choice.md").read_text()
    (content / "core/c1/02-safety-and-choice.md").unlink()
    edit("core/c1/module.yaml", "minutes: 30", "minutes: 15")
    bump("1.0.1-draft", "core/c1: lesson c1-safety-and-choice removed (substantive).")
    load_curriculum(root=content)

    (content / "core/c1/02-safety-and-choice.md").write_text(saved)
    edit("core/c1/module.yaml", "minutes: 15", "minutes: 30")
    bump("1.0.2-draft", "core/c1: lesson c1-safety-and-choice restored (substantive).")
    result = load_curriculum(root=content)

    assert tallies(result)["lessons"] == (0, 1, 0, 2)
    assert Lesson.objects.current().filter(slug="c1-safety-and-choice").exists()


def test_a_removed_track_retires_it_with_its_modules_and_lessons(
    content: Path, edit: Edit, bump: Bump
) -> None:
    load_curriculum(root=content)
    shutil.rmtree(content / "law")
    bump("1.0.1-draft", "legal/l1: the legal track is withdrawn (substantive).")

    result = load_curriculum(root=content)

    assert tallies(result)["tracks"] == (0, 0, 1, 1)
    assert tallies(result)["modules"] == (0, 0, 1, 1)
    assert tallies(result)["lessons"] == (0, 0, 1, 2)
    assert Track.objects.count() == 2
    assert list(Track.objects.current().values_list("slug", flat=True)) == ["core"]


def test_renaming_files_and_folders_changes_nothing(content: Path) -> None:
    load_curriculum(root=content)
    before = snapshot()

    (content / "law").rename(content / "legal-practice")
    (content / "core/c1").rename(content / "core/foundations")
    (content / "core/foundations/01-what-trauma-is.md").rename(
        content / "core/foundations/01-trauma.md"
    )
    result = load_curriculum(root=content)

    assert result.writes == 0
    assert snapshot() == before


def test_the_module_hash_ignores_line_endings_and_a_byte_order_mark(content: Path) -> None:
    load_curriculum(root=content)
    before = snapshot()
    lesson = content / "core/c1/02-safety-and-choice.md"
    lesson.write_bytes(b"\xef\xbb\xbf" + lesson.read_bytes().replace(b"\n", b"\r\n") + b"\r\n")

    assert load_curriculum(root=content).writes == 0
    assert snapshot() == before


def test_any_file_in_a_module_folder_counts_towards_its_hash(content: Path) -> None:
    # Quiz files live beside lessons; a curriculum version pins them through this hash.
    load_curriculum(root=content)
    old = Module.objects.get(slug="c1").content_hash

    (content / "core/c1/quiz-check.yaml").write_text("id: q1\n")
    result = load_curriculum(root=content)

    assert Module.objects.get(slug="c1").content_hash != old
    assert tallies(result)["modules"] == (0, 1, 0, 1)


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        pytest.param(
            "core/c1/module.yaml",
            "summary: What trauma is",
            "sumary: What trauma is",
            id="missing-field",
        ),
        pytest.param(
            "core/c1/02-safety-and-choice.md",
            "id: c1-safety-and-choice",
            "id: c1-what-trauma-is",
            id="duplicate-id",
        ),
        pytest.param("law/track.yaml", "order: 2", "order: [2", id="yaml-syntax"),
        pytest.param("VERSION", "1.0.0-draft", "one", id="bad-version"),
    ],
)
def test_a_bad_file_loads_nothing_at_all(
    content: Path, edit: Edit, path: str, old: str, new: str
) -> None:
    load_curriculum(root=content)
    # Other, valid edits in the same load must not land either.
    edit("core/c1/01-what-trauma-is.md", "title: What we mean by trauma", "title: Trauma")
    (content / "core/c1/03-new.md").write_text(
        "---\nid: c1-new\ntitle: New\nminutes: 5\nchange: editorial\nlang: en\n---\n\nNew.\n"
    )
    before = snapshot()
    edit(path, old, new)

    with pytest.raises(ContentInvalid) as raised:
        load_curriculum(root=content)

    assert any(f.is_error and f.path == path for f in raised.value.findings)
    assert snapshot() == before


def test_a_bad_file_on_first_load_leaves_the_database_empty(content: Path, edit: Edit) -> None:
    edit("core/c1/module.yaml", "minutes: 30\n", "")

    with pytest.raises(ContentInvalid):
        load_curriculum(root=content)

    assert snapshot() == {"Track": [], "Module": [], "Lesson": [], "CurriculumVersion": []}


def test_the_version_is_recorded_with_its_changelog_and_module_hashes(content: Path) -> None:
    load_curriculum(root=content)

    version = CurriculumVersion.objects.get()
    assert version.version == "1.0.0-draft"
    assert version.changelog == (
        "- core/c1: first edition (substantive).\n- legal/l1: first edition (substantive)."
    )
    assert version.module_hashes == {
        "core/c1": Module.objects.get(slug="c1").content_hash,
        "legal/l1": Module.objects.get(slug="l1").content_hash,
    }


def test_a_new_version_adds_a_row_and_keeps_the_old_one(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    edit("VERSION", "1.0.0-draft", "1.0.1-draft")
    edit(
        "CHANGELOG.md",
        "# Changelog\n",
        "# Changelog\n\n## 1.0.1-draft — 2026-12-01\n\n- core/c1: typo (editorial).\n",
    )
    edit("core/c1/02-safety-and-choice.md", "comes first", "always comes first")

    result = load_curriculum(root=content)

    assert tallies(result)["curriculum versions"] == (1, 0, 0, 0)
    assert result.findings == ()
    versions = dict(CurriculumVersion.objects.values_list("version", "module_hashes"))
    assert set(versions) == {"1.0.0-draft", "1.0.1-draft"}
    assert versions["1.0.0-draft"]["core/c1"] != versions["1.0.1-draft"]["core/c1"]
    assert versions["1.0.0-draft"]["legal/l1"] == versions["1.0.1-draft"]["legal/l1"]


def test_an_editorial_change_loads_under_the_same_version(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    # Lesson 02 declares `change: editorial`.
    edit("core/c1/02-safety-and-choice.md", "comes first", "always comes first")

    result = load_curriculum(root=content)

    assert result.findings == ()
    assert tallies(result)["curriculum versions"] == (0, 1, 0, 0)
    assert (
        CurriculumVersion.objects.get().module_hashes["core/c1"]
        == Module.objects.get(slug="c1").content_hash
    )
    assert load_curriculum(root=content).writes == 0


def test_a_substantive_change_under_a_loaded_version_is_refused(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    before = Lesson.objects.get(slug="c1-what-trauma-is").body
    edit("core/c1/01-what-trauma-is.md", "is described by", "is best described by")

    with pytest.raises(ContentInvalid) as raised:
        load_curriculum(root=content)

    assert [f.format() for f in raised.value.findings if f.is_error] == [
        "VERSION:1: error: 1.0.0-draft was already loaded, and the content changed "
        "substantively since (core/c1: changes lesson c1-what-trauma-is (substantive)): set "
        "a new VERSION and add its CHANGELOG.md section naming each module"
    ]
    assert Lesson.objects.get(slug="c1-what-trauma-is").body == before


def test_a_new_version_must_name_each_substantively_changed_module(
    content: Path, edit: Edit
) -> None:
    load_curriculum(root=content)
    edit("core/c1/01-what-trauma-is.md", "is described by", "is best described by")
    (content / "law/l1/01-the-hearing.md").unlink()
    edit("VERSION", "1.0.0-draft", "1.1.0-draft")
    edit(
        "CHANGELOG.md",
        "# Changelog\n",
        "# Changelog\n\n## 1.1.0-draft — 2026-12-01\n\n- core/c1: trauma defined more exactly (substantive).\n",
    )

    messages = [f.format() for f in lint_curriculum(root=content).findings if f.is_error]

    assert messages == [
        "CHANGELOG.md:3: error: the 1.1.0-draft section does not name legal/l1, which changed "
        "substantively (removes lesson l1-the-hearing): add a line such as "
        "'- legal/l1: <what changed> (substantive).'"
    ]


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentMissing):
        load_curriculum(root=tmp_path / "nowhere")


# --- The command ----------------------------------------------------------------------


def test_command_prints_counts_then_nothing_changed(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_curriculum", path=content)
    first = capsys.readouterr().out
    call_command("load_curriculum", path=content)
    second = capsys.readouterr().out

    assert "lessons              3 added, 0 changed, 0 retired, 0 unchanged" in first
    assert "Loaded: 10 changes." in first
    assert "lessons              0 added, 0 changed, 0 retired, 3 unchanged" in second
    assert "Nothing changed." in second


def test_command_refuses_to_load_with_errors_and_prints_them(
    content: Path, edit: Edit, capsys: pytest.CaptureFixture[str]
) -> None:
    edit("core/c1/module.yaml", "minutes: 30", "minutes: thirty")

    with pytest.raises(CommandError) as raised:
        call_command("load_curriculum", path=content)

    assert raised.value.returncode == 1
    assert str(raised.value) == "1 error in the content; nothing was loaded."
    assert (
        f"{content.as_posix()}/core/c1/module.yaml:5: error: 'minutes' must be a whole number"
        in (capsys.readouterr().err)
    )
    assert not Track.objects.exists()


def test_command_refuses_a_substantive_change_under_the_same_version(
    content: Path, edit: Edit, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_curriculum", path=content)
    edit("core/c1/01-what-trauma-is.md", "is described by", "is best described by")
    capsys.readouterr()

    with pytest.raises(CommandError):
        call_command("load_curriculum", path=content)

    assert (
        f"{content.as_posix()}/VERSION:1: error: 1.0.0-draft was already loaded"
        in capsys.readouterr().err
    )
