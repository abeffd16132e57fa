"""Loading quiz files: what lands in the database, that a second load writes nothing,
that an edit makes a new question version and keeps the old one, that removed quizzes
and questions are retired and kept, and that the changelog rule covers quizzes."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum import registry
from curriculum.models import Module
from curriculum.services import CURRICULUM_KIND, ContentInvalid, lint_curriculum, load_curriculum
from quizzes.content import QUIZZES_KIND
from quizzes.models import Question, QuestionVersion, Quiz
from tests.quizzes.conftest import CHECK, LAW_SCENARIO, SCENARIO, Bump, Edit

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every quiz row, every column: equal snapshots mean nothing was written."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Quiz, Question, QuestionVersion)
    }


def tallies(result: Any) -> dict[str, tuple[int, int, int, int]]:
    return {t.label: (t.added, t.changed, t.retired, t.unchanged) for t in result.tallies}


def errors(root: Path) -> list[str]:
    return [f.format() for f in lint_curriculum(root=root).errors]


def test_the_app_registers_the_quizzes_kind_after_the_curriculums() -> None:
    from django.apps import apps

    labels = [config.label for config in apps.get_app_configs()]
    assert labels.index("curriculum") < labels.index("quizzes") < labels.index("courses")
    with registry.replaced([CURRICULUM_KIND]):
        apps.get_app_config("quizzes").ready()
        assert registry.content_kinds() == (CURRICULUM_KIND, QUIZZES_KIND)
    assert QUIZZES_KIND.patterns == ("*/*/quiz-*.yaml",)


def test_load_creates_quizzes_questions_and_first_versions(content: Path) -> None:
    result = load_curriculum(root=content)

    assert tallies(result)["quizzes"] == (3, 0, 0, 0)
    assert tallies(result)["questions"] == (7, 0, 0, 0)
    assert tallies(result)["question versions"] == (7, 0, 0, 0)
    assert [t.label for t in result.tallies][-3:] == ["quizzes", "questions", "question versions"]

    c1 = Module.objects.get(slug="c1")
    assert list(c1.quizzes.values_list("slug", "order")) == [("c1-check", 1), ("c1-scenario", 2)]
    check = Quiz.objects.get(slug="c1-check")
    assert check.purpose == Quiz.Purpose.PRACTICE
    assert check.title == "Check: what trauma is"
    assert check.intro.startswith("A few short questions on the lessons of this module.")
    assert (check.pass_mark, check.attempts_allowed, check.draw) == (70, None, None)
    assert (check.shuffle_questions, check.shuffle_options) == (False, True)
    assert check.feedback_timing == Quiz.FeedbackTiming.AFTER_EACH
    assert check.time_limit_minutes is None
    assert check.change == Quiz.Change.EDITORIAL and check.lang == "en"
    assert len(check.content_hash) == 64
    # No settings in the file: an assessment's defaults.
    legal = Quiz.objects.get(slug="l1-scenario")
    assert (legal.pass_mark, legal.feedback_timing) == (70, Quiz.FeedbackTiming.AFTER_SUBMISSION)
    assert legal.module.slug == "l1"

    questions = list(check.questions.values_list("slug", "order", "type"))
    assert questions == [
        ("c1-check-q1", 1, "single"),
        ("c1-check-q2", 2, "multiple"),
        ("c1-check-q3", 3, "ordering"),
    ]
    q1 = Question.objects.select_related("current_version").get(slug="c1-check-q1")
    assert q1.current_version is not None
    version = q1.current_version
    assert (version.number, version.max_score, version.content_version) == (1, 1, "1.0.0-draft")
    assert version.body == {
        "type": "single",
        "prompt": "Which of these is how the lessons describe trauma?",
        "lessons": ["c1-what-trauma-is"],
        "sources": ["R1"],
        "jurisdiction": [],
        "options": [
            {
                "id": "c1-check-q1-a",
                "text": "By its event, experience and effect",
                "correct": True,
                "feedback": "Yes. The three parts help you see more than the event.",
            },
            {
                "id": "c1-check-q1-b",
                "text": "By the event alone",
                "correct": False,
                "feedback": "The event is one part. How it was lived, and what it changed, "
                "count too.",
            },
            {
                "id": "c1-check-q1-c",
                "text": "By how others saw it",
                "correct": False,
                "feedback": "Others may see little of it. The person's own experience comes first.",
            },
        ],
    }
    q2 = Question.objects.get(slug="c1-check-q2").current_version
    assert q2 is not None and q2.body["scoring"] == "partial"
    q3 = Question.objects.get(slug="c1-check-q3").current_version
    assert q3 is not None
    assert [item["id"] for item in q3.body["items"]] == [
        "c1-check-q3-event",
        "c1-check-q3-experience",
        "c1-check-q3-effect",
    ]


def test_a_scenario_stores_its_graph_and_its_best_path_total(content: Path) -> None:
    load_curriculum(root=content)

    scenario = Question.objects.get(slug="c1-scenario-s").current_version
    reflection = Question.objects.get(slug="c1-scenario-r").current_version
    assert scenario is not None and reflection is not None
    # d1-a, d2-a, d4-a: 2 + 2 + 2.
    assert scenario.max_score == 6
    assert scenario.body["start"] == "c1-scenario-s-d1"
    first = scenario.body["steps"][0]
    assert first["lessons"] == ["c1-safety-and-choice"]
    assert first["options"][1] == {
        "id": "c1-scenario-s-d1-b",
        "text": "Carry on with the plan, but go more slowly.",
        "rating": "acceptable",
        "score": 1,
        "feedback": "Going slowly helps. Asking what they need would help more.",
        "sources": "expert judgement",
        "next": "c1-scenario-s-d2",
    }
    assert [ending["id"] for ending in scenario.body["endings"]] == [
        "c1-scenario-s-end-steady",
        "c1-scenario-s-end-rushed",
    ]
    assert reflection.max_score == 0
    assert reflection.body == {
        "type": "reflection",
        "prompt": "Think about how you open a meeting that starts late. Write a few lines for "
        "yourself. Do not write case or client details.",
        "lessons": [],
        "jurisdiction": [],
    }
    law = Question.objects.get(slug="l1-scenario-s").current_version
    assert law is not None and law.body["steps"][0]["jurisdiction"] == ["england-wales"]


def test_a_second_load_reports_no_changes_and_writes_nothing(content: Path) -> None:
    load_curriculum(root=content)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        result = load_curriculum(root=content)

    assert result.writes == 0
    assert tallies(result)["quizzes"] == (0, 0, 0, 3)
    assert tallies(result)["questions"] == (0, 0, 0, 7)
    assert tallies(result)["question versions"] == (0, 0, 0, 7)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert snapshot() == before


def test_a_second_load_reads_the_same_number_of_queries_however_many_quizzes(
    content: Path, bump: Bump
) -> None:
    def queries_of_a_load_that_changes_nothing() -> int:
        load_curriculum(root=content)
        with CaptureQueriesContext(connection) as queries:
            assert load_curriculum(root=content).writes == 0
        return len(queries)

    few = queries_of_a_load_that_changes_nothing()
    extra = (content / CHECK).read_text()
    for n in range(3):
        (content / f"core/c1/quiz-more-{n}.yaml").write_text(
            extra.replace("c1-check", f"c1-more{n}")
        )
    bump("1.1.0-draft", "core/c1: three more knowledge checks (substantive).")

    assert queries_of_a_load_that_changes_nothing() == few


def test_an_edited_question_gets_version_2_and_version_1_stays_as_it_was(
    content: Path, edit: Edit
) -> None:
    load_curriculum(root=content)
    question = Question.objects.get(slug="c1-check-q1")
    first = QuestionVersion.objects.get(question=question)
    first_row = QuestionVersion.objects.filter(pk=first.pk).values().get()
    others = {
        row["slug"]: row
        for row in Question.objects.exclude(pk=question.pk).values("slug", "current_version")
    }

    # The file says `change: editorial`, so this loads under the same version.
    edit(CHECK, "By how others saw it", "By how other people saw it")
    result = load_curriculum(root=content)

    assert tallies(result)["quizzes"] == (0, 1, 0, 2)
    assert tallies(result)["questions"] == (0, 1, 0, 6)
    assert tallies(result)["question versions"] == (1, 0, 0, 6)
    question.refresh_from_db()
    assert question.current_version is not None
    second = question.current_version
    assert second.number == 2
    assert second.body["options"][2]["text"] == "By how other people saw it"
    assert second.content_hash != first.content_hash
    # Version 1 is exactly as it was: attempts made on it still read what they answered.
    assert QuestionVersion.objects.filter(pk=first.pk).values().get() == first_row
    assert first_row["body"]["options"][2]["text"] == "By how others saw it"
    # The other questions did not move.
    assert {
        row["slug"]: row
        for row in Question.objects.exclude(pk=question.pk).values("slug", "current_version")
    } == others
    assert load_curriculum(root=content).writes == 0


def test_a_question_edited_back_points_at_its_earlier_version(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    edit(CHECK, "By how others saw it", "By how other people saw it")
    load_curriculum(root=content)

    edit(CHECK, "By how other people saw it", "By how others saw it")
    result = load_curriculum(root=content)

    assert tallies(result)["question versions"] == (0, 0, 0, 7)
    question = Question.objects.select_related("current_version").get(slug="c1-check-q1")
    assert question.current_version is not None and question.current_version.number == 1
    assert question.versions.count() == 2


def test_reordering_questions_changes_their_order_and_makes_no_version(
    content: Path, edit: Edit
) -> None:
    load_curriculum(root=content)
    text = (content / CHECK).read_text()
    start, middle = text.index("  - id: c1-check-q1\n"), text.index("  - id: c1-check-q2\n")
    (content / CHECK).write_text(text[:start] + text[middle:] + text[start:middle])

    result = load_curriculum(root=content)

    assert tallies(result)["question versions"] == (0, 0, 0, 7)
    assert list(
        Question.objects.filter(quiz__slug="c1-check").order_by("order").values_list("slug")
    ) == [("c1-check-q2",), ("c1-check-q3",), ("c1-check-q1",)]


def test_a_removed_question_is_retired_with_its_versions_kept(
    content: Path, edit: Edit, bump: Bump
) -> None:
    load_curriculum(root=content)
    question = Question.objects.get(slug="c1-check-q3")
    version = question.current_version
    text = (content / CHECK).read_text()
    (content / CHECK).write_text(text[: text.index("  - id: c1-check-q3\n")])
    bump("1.0.1-draft", "core/c1: question c1-check-q3 removed (substantive).")

    result = load_curriculum(root=content)

    assert tallies(result)["questions"] == (0, 0, 1, 6)
    retired = Question.objects.get(pk=question.pk)
    assert retired.retired_at is not None
    assert retired.current_version == version
    assert QuestionVersion.objects.filter(question=question).count() == 1
    assert not Question.objects.current().filter(pk=question.pk).exists()
    assert load_curriculum(root=content).writes == 0


def test_a_removed_quiz_file_retires_the_quiz_and_its_questions(content: Path, bump: Bump) -> None:
    load_curriculum(root=content)
    (content / CHECK).unlink()
    bump("1.0.1-draft", "core/c1: the knowledge check is withdrawn (substantive).")

    result = load_curriculum(root=content)

    # c1-scenario is now the module's first quiz file: its order changed.
    assert tallies(result)["quizzes"] == (0, 1, 1, 1)
    assert tallies(result)["questions"] == (0, 0, 3, 4)
    assert Quiz.objects.count() == 3
    assert list(Quiz.objects.current().values_list("slug", flat=True)) == [
        "c1-scenario",
        "l1-scenario",
    ]
    assert Question.objects.current().filter(quiz__slug="c1-check").count() == 0
    assert QuestionVersion.objects.filter(question__quiz__slug="c1-check").count() == 3


def test_a_question_that_comes_back_is_current_again_at_its_old_version(
    content: Path, bump: Bump
) -> None:
    load_curriculum(root=content)
    saved = (content / CHECK).read_text()
    (content / CHECK).write_text(saved[: saved.index("  - id: c1-check-q3\n")])
    bump("1.0.1-draft", "core/c1: question c1-check-q3 removed (substantive).")
    load_curriculum(root=content)

    (content / CHECK).write_text(saved)
    bump("1.0.2-draft", "core/c1: question c1-check-q3 restored (substantive).")
    result = load_curriculum(root=content)

    assert tallies(result)["questions"] == (0, 1, 0, 6)
    question = Question.objects.current().select_related("current_version").get(slug="c1-check-q3")
    assert question.current_version is not None and question.current_version.number == 1


def test_a_new_question_version_names_the_version_it_was_loaded_under(
    content: Path, edit: Edit, bump: Bump
) -> None:
    load_curriculum(root=content)
    edit(CHECK, "change: editorial", "change: substantive")
    edit(CHECK, "By the event alone", "Only by the event")
    bump("1.1.0-draft", "core/c1: the knowledge check asks about the event (substantive).")

    load_curriculum(root=content)

    versions = QuestionVersion.objects.filter(question__slug="c1-check-q1").order_by("number")
    assert list(versions.values_list("number", "content_version")) == [
        (1, "1.0.0-draft"),
        (2, "1.1.0-draft"),
    ]


def test_renaming_a_quiz_file_changes_only_its_order(content: Path) -> None:
    load_curriculum(root=content)
    before = snapshot()

    (content / CHECK).rename(content / "core/c1/quiz-z-check.yaml")
    result = load_curriculum(root=content)

    # By file name, quiz-scenario.yaml now comes before quiz-z-check.yaml.
    assert dict(Quiz.objects.filter(module__slug="c1").values_list("slug", "order")) == {
        "c1-scenario": 1,
        "c1-check": 2,
    }
    assert tallies(result)["quizzes"] == (0, 2, 0, 1)
    assert snapshot()["QuestionVersion"] == before["QuestionVersion"]


def test_a_bad_quiz_loads_nothing_at_all(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    # Other, valid edits in the same load must not land either.
    edit(CHECK, "By how others saw it", "By how other people saw it")
    edit("core/c1/02-safety-and-choice.md", "title: Safety and choice", "title: Choice")
    before = snapshot()
    edit(SCENARIO, "score: 2\n", "score: two\n")

    with pytest.raises(ContentInvalid) as raised:
        load_curriculum(root=content)

    assert [f.path for f in raised.value.findings if f.is_error] == [SCENARIO]
    assert snapshot() == before


def test_a_bad_quiz_on_first_load_leaves_the_database_empty(content: Path, edit: Edit) -> None:
    edit(LAW_SCENARIO, "purpose: assessment", "purpose: exam")

    with pytest.raises(ContentInvalid):
        load_curriculum(root=content)

    assert snapshot() == {"Quiz": [], "Question": [], "QuestionVersion": []}
    assert not Module.objects.exists()


def test_renaming_a_module_folder_changes_nothing(content: Path) -> None:
    load_curriculum(root=content)
    before = snapshot()

    shutil.move(content / "core/c1", content / "core/foundations")
    result = load_curriculum(root=content)

    assert result.writes == 0
    assert snapshot() == before


# --- The changelog rule, for quizzes ----------------------------------------------------------


def test_an_editorial_quiz_change_loads_under_the_same_version(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    edit(SCENARIO, "There is not much time left.", "There is little time left.")

    assert errors(content) == []
    load_curriculum(root=content)
    assert QuestionVersion.objects.filter(question__slug="c1-scenario-s").count() == 2


def test_a_substantive_quiz_change_under_a_loaded_version_is_refused(
    content: Path, edit: Edit
) -> None:
    load_curriculum(root=content)
    edit(SCENARIO, "change: editorial", "change: substantive")
    edit(SCENARIO, "There is not much time left.", "There is little time left.")

    assert errors(content) == [
        "VERSION:1: error: 1.0.0-draft was already loaded, and the content changed "
        "substantively since (core/c1: changes quiz c1-scenario (substantive)): set a new "
        "VERSION and add its CHANGELOG.md section naming each module"
    ]


def test_an_added_question_needs_a_new_version_naming_its_module(
    content: Path, edit: Edit, bump: Bump
) -> None:
    load_curriculum(root=content)
    question = (
        "  - id: l1-scenario-r2\n"
        "    type: reflection\n"
        "    prompt: What will you plan next time? Do not write case or client details.\n"
    )
    (content / LAW_SCENARIO).write_text((content / LAW_SCENARIO).read_text() + question)
    bump("1.0.1-draft", "core/c1: nothing to do with the legal track (editorial).")

    assert errors(content) == [
        "CHANGELOG.md:3: error: the 1.0.1-draft section does not name legal/l1, which changed "
        "substantively (adds question l1-scenario-r2): add a line such as "
        "'- legal/l1: <what changed> (substantive).'"
    ]

    bump("1.0.2-draft", "legal/l1: a second reflection (substantive).")
    assert errors(content) == []
    load_curriculum(root=content)
    assert Question.objects.get(slug="l1-scenario-r2").current_version is not None


def test_a_removed_quiz_is_substantive(content: Path) -> None:
    load_curriculum(root=content)
    (content / SCENARIO).unlink()

    assert errors(content) == [
        "VERSION:1: error: 1.0.0-draft was already loaded, and the content changed "
        "substantively since (core/c1: removes quiz c1-scenario): set a new VERSION and add "
        "its CHANGELOG.md section naming each module"
    ]


def test_an_added_quiz_is_substantive_and_its_questions_come_with_it(
    content: Path, edit: Edit
) -> None:
    (content / CHECK).unlink()
    load_curriculum(root=content)
    shutil.copy(Path(__file__).parent / "fixtures" / CHECK, content / CHECK)

    [finding] = errors(content)

    assert "(core/c1: adds quiz c1-check)" in finding


def test_a_first_load_has_nothing_to_compare_with(content: Path, edit: Edit) -> None:
    edit(CHECK, "change: editorial", "change: substantive")

    assert errors(content) == []
