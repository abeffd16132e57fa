"""The quiz linter: the valid fixture is clean, and each rule fails its own broken copy
with a finding that names the file and the line."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from curriculum.services import lint_curriculum, load_curriculum
from quizzes.linting import RULES
from tests.quizzes.conftest import CHECK, LAW_SCENARIO, SCENARIO, Bump, Edit

pytestmark = pytest.mark.django_db  # two rules compare with the last load

MODULE = "core/c1/module.yaml"


def lint(root: Path) -> list[str]:
    return [finding.format() for finding in lint_curriculum(root=root).findings]


def test_the_valid_fixture_has_no_findings(content: Path) -> None:
    assert lint(content) == []


def test_rules_are_small_functions_in_a_list() -> None:
    assert all(callable(rule) for rule in RULES)
    assert len({rule.__name__ for rule in RULES}) == len(RULES)


# --- One broken copy per rule -------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """Edits to the valid tree: ("replace", path, old, new), ("delete", path) or
    ("write", path, text)."""

    edits: tuple[tuple[str, ...], ...]
    expected: str


def apply(content: Path, edit: Edit, edits: tuple[tuple[str, ...], ...]) -> None:
    for action, path, *rest in edits:
        if action == "replace":
            edit(path, *rest)
        elif action == "delete":
            (content / path).unlink()
        elif action == "write":
            (content / path).parent.mkdir(parents=True, exist_ok=True)
            (content / path).write_text(rest[0])


def replace(path: str, old: str, new: str) -> tuple[str, ...]:
    return ("replace", path, old, new)


SMALL_QUIZ = """\
id: c1-extra
title: Extra
purpose: practice
change: editorial
lang: en
intro: More questions.
questions: []
"""

ITEMS = "".join(
    f"      - id: c1-check-q3-more-{n}\n        text: More {n}\n        feedback: Then this.\n"
    for n in range(4)
)

HARD_WORDS = (
    "Institutionalised organisational considerations notwithstanding, interdisciplinary "
    "epistemological disagreements regarding autobiographical memory reconsolidation "
    "characteristically necessitate methodologically sophisticated, multidimensional, "
    "comprehensively contextualised investigation."
)
HARD_QUIZ = """\
id: c1-hard
title: Hard
purpose: practice
change: editorial
lang: en
intro: {intro}
questions:
  - id: c1-hard-r
    type: reflection
    prompt: Write for yourself. Do not write case or client details.
"""

BREAKS = {
    # Reading the file
    "yaml-syntax": Break(
        (replace(CHECK, "lang: en", "lang: [en"),),
        f"{CHECK}:6: error: is not valid YAML",
    ),
    "yaml-duplicate-key": Break(
        (replace(CHECK, "change: editorial\n", "change: editorial\nlang: en\n"),),
        f"{CHECK}:6: error: the key 'lang' appears twice",
    ),
    "not-a-mapping": Break(
        (("write", CHECK, "- a\n- list\n"),),
        f"{CHECK}:1: error: must be a mapping of fields (name: value)",
    ),
    # The quiz's own fields
    "quiz-required-field": Break(
        (replace(SCENARIO, "intro: >\n  You will make", "introduction: >\n  You will make"),),
        f"{SCENARIO}:1: error: the required field 'intro' is missing",
    ),
    "quiz-unknown-field": Break(
        (replace(CHECK, "lang: en\n", "lang: en\ncolour: blue\n"),),
        f"{CHECK}:6: error: unknown field 'colour' (misspelt?)",
    ),
    "quiz-id-syntax": Break(
        (replace(CHECK, "id: c1-check\n", "id: C1_check\n"),),
        f"{CHECK}:1: error: 'id' must be an id: lowercase letters, digits and single hyphens",
    ),
    "quiz-purpose": Break(
        (replace(CHECK, "purpose: practice", "purpose: homework"),),
        f"{CHECK}:3: error: 'purpose' must be one of: assessment, practice",
    ),
    "quiz-change": Break(
        (replace(CHECK, "change: editorial", "change: minor"),),
        f"{CHECK}:4: error: 'change' must be one of: editorial, substantive",
    ),
    "quiz-lang": Break(
        (replace(CHECK, "lang: en", "lang: English"),),
        f"{CHECK}:5: error: 'lang' must be a language tag such as en or en-GB",
    ),
    "quiz-title-empty": Break(
        (replace(CHECK, 'title: "Check: what trauma is"', 'title: ""'),),
        f"{CHECK}:2: error: 'title' must be non-empty text",
    ),
    "questions-empty": Break(
        (("write", "core/c1/quiz-extra.yaml", SMALL_QUIZ),),
        "core/c1/quiz-extra.yaml:7: error: 'questions' must list at least one question",
    ),
    # Settings and their ranges
    "settings-not-a-mapping": Break(
        (
            replace(
                CHECK, "settings:\n  pass_mark: 70\n  feedback: after-each\n", "settings: [70]\n"
            ),
        ),
        f"{CHECK}:9: error: settings: must be a mapping of fields (name: value)",
    ),
    "settings-unknown-field": Break(
        (replace(CHECK, "  pass_mark: 70\n", "  pass_mark: 70\n  passmark: 80\n"),),
        f"{CHECK}:11: error: settings: unknown field 'passmark' (misspelt?)",
    ),
    "pass-mark-zero": Break(
        (replace(CHECK, "pass_mark: 70", "pass_mark: 0"),),
        f"{CHECK}:10: error: settings: 'pass_mark' must be a whole number from 1 to 100",
    ),
    "pass-mark-above-100": Break(
        (replace(CHECK, "pass_mark: 70", "pass_mark: 101"),),
        f"{CHECK}:10: error: settings: 'pass_mark' must be a whole number from 1 to 100",
    ),
    "attempts-zero": Break(
        (replace(CHECK, "  pass_mark: 70\n", "  pass_mark: 70\n  attempts: 0\n"),),
        f"{CHECK}:11: error: settings: 'attempts' must be a whole number, 1 or more, or null",
    ),
    "draw-zero": Break(
        (replace(CHECK, "  pass_mark: 70\n", "  pass_mark: 70\n  draw: 0\n"),),
        f"{CHECK}:11: error: settings: 'draw' must be a whole number, 1 or more, or null",
    ),
    "draw-more-than-the-questions": Break(
        (replace(CHECK, "  pass_mark: 70\n", "  pass_mark: 70\n  draw: 5\n"),),
        f"{CHECK}:11: error: settings: 'draw' is 5, but the quiz has 3 questions",
    ),
    "time-limit-zero": Break(
        (replace(CHECK, "  pass_mark: 70\n", "  pass_mark: 70\n  time_limit_minutes: 0\n"),),
        f"{CHECK}:11: error: settings: 'time_limit_minutes' must be a whole number, 1 or more",
    ),
    "shuffle-not-boolean": Break(
        (replace(CHECK, "  pass_mark: 70\n", "  pass_mark: 70\n  shuffle_options: sometimes\n"),),
        f"{CHECK}:11: error: settings: 'shuffle_options' must be true or false",
    ),
    "feedback-timing": Break(
        (replace(CHECK, "feedback: after-each", "feedback: never"),),
        f"{CHECK}:11: error: settings: 'feedback' must be one of: after-each, after-submission",
    ),
    # Questions: required fields, types, unknown fields
    "question-id-syntax": Break(
        (replace(CHECK, "  - id: c1-check-q1\n", "  - id: Q1\n"),),
        f"{CHECK}:13: error: question 1: 'id' must be an id",
    ),
    "question-type-unknown": Break(
        (replace(CHECK, "type: single", "type: choice"),),
        f"{CHECK}:14: error: question c1-check-q1: 'type' must be one of: single, multiple, "
        "ordering, scenario, reflection",
    ),
    "question-type-missing": Break(
        (replace(CHECK, "    type: single\n", ""),),
        f"{CHECK}:13: error: question c1-check-q1: the required field 'type' is missing",
    ),
    "question-prompt-missing": Break(
        (replace(CHECK, "    prompt: Which of these is how the lessons describe trauma?\n", ""),),
        f"{CHECK}:13: error: question c1-check-q1: the required field 'prompt' is missing",
    ),
    "question-unknown-field": Break(
        (replace(CHECK, "    sources: [R1]\n", "    sources: [R1]\n    hint: Think.\n"),),
        f"{CHECK}:18: error: question c1-check-q1: unknown field 'hint' (misspelt?)",
    ),
    "option-feedback-missing": Break(
        (
            replace(
                CHECK,
                "        feedback: The event is one part. How it was lived, and what it changed, "
                "count too.\n",
                "",
            ),
        ),
        f"{CHECK}:23: error: option c1-check-q1-b: the required field 'feedback' is missing",
    ),
    "item-feedback-missing": Break(
        (replace(CHECK, "        feedback: Then how the person lived it.\n", ""),),
        f"{CHECK}:60: error: item c1-check-q3-experience: the required field 'feedback' is missing",
    ),
    "option-correct-not-boolean": Break(
        (replace(CHECK, "correct: false", "correct: not really"),),
        f"{CHECK}:25: error: option c1-check-q1-b: 'correct' must be true or false",
    ),
    "multiple-scoring-missing": Break(
        (replace(CHECK, "    scoring: partial\n", ""),),
        f"{CHECK}:31: error: question c1-check-q2: the required field 'scoring' is missing",
    ),
    "multiple-scoring-unknown": Break(
        (replace(CHECK, "scoring: partial", "scoring: generous"),),
        f"{CHECK}:34: error: question c1-check-q2: 'scoring' must be one of: all-or-nothing, "
        "partial",
    ),
    "ordering-scoring-missing": Break(
        (replace(CHECK, "    scoring: all-or-nothing\n", ""),),
        f"{CHECK}:50: error: question c1-check-q3: the required field 'scoring' is missing",
    ),
    "lessons-not-a-list": Break(
        (replace(CHECK, "lessons: [c1-what-trauma-is]", "lessons: c1-what-trauma-is"),),
        f"{CHECK}:16: error: question c1-check-q1: 'lessons' must be a list of one or more ids",
    ),
    "sources-not-a-list": Break(
        (replace(CHECK, "sources: [R1]", "sources: R1"),),
        f"{CHECK}:17: error: question c1-check-q1: 'sources' must be a list of reference ids "
        "such as [R1, R12], or expert judgement",
    ),
    "sources-mix-ids-and-expert-judgement": Break(
        (replace(CHECK, "sources: [R1]", "sources: [R1, expert judgement]"),),
        f"{CHECK}:17: error: question c1-check-q1: 'sources' lists 'expert judgement' among "
        "reference ids",
    ),
    "scenario-start-missing": Break(
        (replace(SCENARIO, "    start: c1-scenario-s-d1\n", ""),),
        f"{SCENARIO}:13: error: question c1-scenario-s: the required field 'start' is missing",
    ),
    "step-situation-missing": Break(
        (replace(SCENARIO, "        situation: Part way through, the client asks to stop.\n", ""),),
        f"{SCENARIO}:46: error: step c1-scenario-s-d2: the required field 'situation' is missing",
    ),
    "scenario-option-next-missing": Break(
        (replace(SCENARIO, "            next: c1-scenario-s-d3\n", ""),),
        f"{SCENARIO}:39: error: option c1-scenario-s-d1-c: the required field 'next' is missing",
    ),
    "scenario-option-rating": Break(
        (replace(SCENARIO, "rating: acceptable", "rating: okay"),),
        f"{SCENARIO}:34: error: option c1-scenario-s-d1-b: 'rating' must be one of: better, "
        "acceptable, harmful",
    ),
    "scenario-option-score": Break(
        (replace(SCENARIO, "score: 0", "score: -1"),),
        f"{SCENARIO}:42: error: option c1-scenario-s-d1-c: 'score' must be a whole number, 0 or "
        "more",
    ),
    "ending-text-missing": Break(
        (
            replace(
                SCENARIO,
                "        text: The client keeps coming. The work goes at a pace they chose.\n",
                "",
            ),
        ),
        f"{SCENARIO}:98: error: ending c1-scenario-s-end-steady: the required field 'text' is "
        "missing",
    ),
    # Ids: unique across every quiz file
    "id-duplicate-across-files": Break(
        (replace(LAW_SCENARIO, "  - id: l1-scenario-r\n", "  - id: c1-check-q1\n"),),
        f"{LAW_SCENARIO}:77: error: the question id 'c1-check-q1' is already used by {CHECK}:13",
    ),
    "id-duplicate-option": Break(
        (replace(CHECK, "id: c1-check-q1-b", "id: c1-check-q1-a"),),
        f"{CHECK}:23: error: the option id 'c1-check-q1-a' is already used by {CHECK}:19",
    ),
    "id-duplicate-quiz": Break(
        (replace(LAW_SCENARIO, "id: l1-scenario\n", "id: c1-scenario\n"),),
        f"{LAW_SCENARIO}:1: error: the quiz id 'c1-scenario' is already used by {SCENARIO}:1",
    ),
    "quiz-outside-a-module": Break(
        (("write", "core/c9/quiz-stray.yaml", SMALL_QUIZ.replace("c1-extra", "c9-stray")),),
        "core/c9/quiz-stray.yaml: error: is not inside a module: core/c9/ has no module.yaml",
    ),
    # single, multiple, ordering
    "single-too-few-options": Break(
        (
            replace(
                CHECK,
                "      - id: c1-check-q1-c\n        text: By how others saw it\n"
                "        correct: false\n",
                "",
            ),
            replace(
                CHECK,
                "        feedback: Others may see little of it. The person's own experience comes "
                "first.\n",
                "",
            ),
        ),
        f"{CHECK}:18: error: question c1-check-q1 has 2 options; a single question has 3 to 5",
    ),
    "single-two-correct": Break(
        (replace(CHECK, "correct: false", "correct: true"),),
        f"{CHECK}:13: error: question c1-check-q1 has 2 correct options; a single question has "
        "exactly one",
    ),
    "single-none-correct": Break(
        (replace(CHECK, "correct: true", "correct: false"),),
        f"{CHECK}:13: error: question c1-check-q1 has 0 correct options",
    ),
    "multiple-none-correct": Break(
        (
            replace(
                CHECK,
                "text: Pause at any time\n        correct: true",
                "text: Pause\n        correct: false",
            ),
            replace(
                CHECK,
                "text: Come back later\n        correct: true",
                "text: Return\n        correct: false",
            ),
        ),
        f"{CHECK}:31: error: question c1-check-q2 has no correct option; a multiple question has "
        "at least one",
    ),
    "ordering-too-few-items": Break(
        (
            replace(
                CHECK,
                "      - id: c1-check-q3-effect\n        text: Effect\n"
                "        feedback: Then what it changed afterwards.\n",
                "",
            ),
        ),
        f"{CHECK}:56: error: question c1-check-q3 has 2 items; an ordering question has 3 to 6",
    ),
    "ordering-too-many-items": Break(
        (
            replace(
                CHECK,
                "        feedback: Then what it changed afterwards.\n",
                "        feedback: Then what it changed afterwards.\n" + ITEMS,
            ),
        ),
        f"{CHECK}:56: error: question c1-check-q3 has 7 items; an ordering question has 3 to 6",
    ),
    # reflection
    "reflection-without-the-reminder": Break(
        (replace(SCENARIO, " Do not write case or client details.", ""),),
        f"{SCENARIO}:104: error: question c1-scenario-r: the prompt must remind the learner not "
        "to write case or client details",
    ),
    "reflection-with-options": Break(
        (replace(SCENARIO, "    type: reflection\n", "    type: reflection\n    options: []\n"),),
        f"{SCENARIO}:104: error: question c1-scenario-r: a reflection has no 'options': it is "
        "private writing, never scored",
    ),
    # Sources, lessons and jurisdictions against the curriculum
    "sources-unknown-reference": Break(
        (replace(CHECK, "sources: [R1]", "sources: [R9]"),),
        f"{CHECK}:17: error: question c1-check-q1: cites R9, which {MODULE} does not list "
        "(it lists R1, R2)",
    ),
    "scenario-option-sources-unknown-reference": Break(
        (replace(SCENARIO, "sources: [R1]", "sources: [R7]"),),
        f"{SCENARIO}:30: error: option c1-scenario-s-d1-a: cites R7, which {MODULE} does not list",
    ),
    "expert-judgement-in-a-published-module": Break(
        (
            replace(MODULE, "status: draft", "status: published"),
            replace(MODULE, "reviewers: []", "reviewers: [A. Reviewer]"),
            replace(MODULE, "reviewed_on: null", "reviewed_on: 2026-11-01"),
        ),
        f"{SCENARIO}:37: error: option c1-scenario-s-d1-b: 'sources: expert judgement' in a "
        "published module",
    ),
    "lessons-unknown": Break(
        (replace(CHECK, "lessons: [c1-safety-and-choice]", "lessons: [c1-gone]"),),
        f"{CHECK}:35: error: question c1-check-q2: names the lesson 'c1-gone', which does not "
        "exist",
    ),
    "step-lessons-unknown": Break(
        (replace(SCENARIO, "lessons: [c1-safety-and-choice]", "lessons: [c1-elsewhere]"),),
        f"{SCENARIO}:23: error: step c1-scenario-s-d1: names the lesson 'c1-elsewhere', which "
        "does not exist",
    ),
    "jurisdiction-unknown": Break(
        (
            replace(
                CHECK, "    sources: [R1]\n", "    sources: [R1]\n    jurisdiction: [atlantis]\n"
            ),
        ),
        f"{CHECK}:18: error: question c1-check-q1: unknown jurisdiction 'atlantis'",
    ),
    "jurisdiction-not-listed-by-the-module": Break(
        (replace(LAW_SCENARIO, "jurisdiction: [england-wales]", "jurisdiction: [us]"),),
        f"{LAW_SCENARIO}:21: error: step l1-scenario-s-d1: labels 'us', which law/l1/module.yaml "
        "does not list in 'jurisdictions'",
    ),
    # The scenario graph
    "scenario-start-is-not-a-step": Break(
        (replace(SCENARIO, "start: c1-scenario-s-d1", "start: c1-scenario-s-d9"),),
        f"{SCENARIO}:19: error: question c1-scenario-s: 'start' names 'c1-scenario-s-d9', which "
        "is not one of its steps",
    ),
    "scenario-next-names-nothing": Break(
        (replace(SCENARIO, "next: c1-scenario-s-d2\n", "next: c1-scenario-s-d7\n"),),
        f"{SCENARIO}:31: error: option c1-scenario-s-d1-a: 'next' names 'c1-scenario-s-d7', "
        "which is not a step or ending of question c1-scenario-s",
    ),
    "scenario-unreachable-step": Break(
        (replace(SCENARIO, "next: c1-scenario-s-d3", "next: c1-scenario-s-d2"),),
        f"{SCENARIO}:63: error: step c1-scenario-s-d3 cannot be reached from the start "
        "(c1-scenario-s-d1)",
    ),
    "scenario-loop": Break(
        (
            replace(
                SCENARIO,
                "            sources: expert judgement\n            next: c1-scenario-s-end-steady",
                "            sources: expert judgement\n            next: c1-scenario-s-d2",
            ),
        ),
        f"{SCENARIO}:96: error: option c1-scenario-s-d4-b leads back to step c1-scenario-s-d2, "
        "which the path has already passed: a scenario has no loops",
    ),
    "scenario-dead-end": Break(
        (
            replace(
                SCENARIO,
                "      - id: c1-scenario-s-d4\n",
                "      - id: c1-scenario-s-d5\n        situation: A quiet moment.\n"
                "        options: []\n      - id: c1-scenario-s-d4\n",
            ),
            replace(
                SCENARIO,
                "leaves the door open.\n            sources: expert judgement\n"
                "            next: c1-scenario-s-d4",
                "leaves the door open.\n            sources: expert judgement\n"
                "            next: c1-scenario-s-d5",
            ),
        ),
        f"{SCENARIO}:80: error: step c1-scenario-s-d5 has no options, so a path stops there",
    ),
    "scenario-ending-never-reached": Break(
        (
            replace(
                SCENARIO,
                "        text: The client stops coming for a while. The door is still open.\n",
                "        text: The client stops coming for a while. The door is still open.\n"
                "      - id: c1-scenario-s-end-never\n        text: Nobody gets here.\n",
            ),
        ),
        f"{SCENARIO}:102: error: ending c1-scenario-s-end-never is never reached",
    ),
    "scenario-best-path-too-short": Break(
        (
            replace(
                SCENARIO,
                "score: 2\n            feedback: This gives",
                "score: 9\n            feedback: This gives",
            ),
            replace(SCENARIO, "next: c1-scenario-s-d2\n", "next: c1-scenario-s-end-steady\n"),
        ),
        f"{SCENARIO}:13: error: question c1-scenario-s: the best path (c1-scenario-s-d1) passes "
        "1 step; it must pass at least 3",
    ),
    "scenario-too-few-branching-steps": Break(
        (
            replace(LAW_SCENARIO, "next: l1-scenario-s-d3", "next: l1-scenario-s-d2"),
            replace(LAW_SCENARIO, "next: l1-scenario-s-end-ok", "next: l1-scenario-s-d3"),
        ),
        f"{LAW_SCENARIO}:10: error: question l1-scenario-s: 1 step (l1-scenario-s-d3) has "
        "options that lead to different next steps; at least 2 must",
    ),
    "scenario-acceptable-scores-above-better": Break(
        (
            replace(
                SCENARIO,
                "score: 1\n            feedback: Going",
                "score: 3\n            feedback: Going",
            ),
        ),
        f"{SCENARIO}:28: error: option c1-scenario-s-d1-a is rated better but scores 2, below "
        "the acceptable option c1-scenario-s-d1-b (3)",
    ),
    "scenario-harmful-scores-above-acceptable": Break(
        (
            replace(
                SCENARIO,
                "score: 0\n            feedback: Ending",
                "score: 2\n            feedback: Ending",
            ),
        ),
        f"{SCENARIO}:35: error: option c1-scenario-s-d1-b is rated acceptable but scores 1, "
        "below the harmful option c1-scenario-s-d1-c (2)",
    ),
    # Text rules shared with lessons
    "terminology-in-a-prompt": Break(
        (
            replace(
                CHECK, "how the lessons describe trauma", "how child porn cases describe trauma"
            ),
        ),
        f"{CHECK}:15: error: 'child porn': use 'child sexual abuse material (CSAM)' (allowed "
        "only inside the name of a statute, case, programme or cited publication; if so, add "
        "'# term-ok: <reason>')",
    ),
    "terminology-in-a-folded-intro": Break(
        (
            replace(
                CHECK,
                "Nothing here is about you",
                "Nothing here is Child  Pornography or about you",
            ),
        ),
        f"{CHECK}:6: error: 'Child  Pornography': use",
    ),
    "terminology-in-scenario-feedback": Break(
        (replace(SCENARIO, "The form can wait.", "Say kiddie porn never."),),
        f"{SCENARIO}:60: error: 'kiddie porn': use",
    ),
    "statistic-without-a-source": Break(
        (
            replace(
                SCENARIO,
                "Carry on with the plan, but go more slowly.",
                "Carry on, as 80% of staff would.",
            ),
        ),
        f"{SCENARIO}:33: error: '80%' is a statistic: option c1-scenario-s-d1-b needs a "
        "reference in its 'sources' (not expert judgement)",
    ),
    "statistic-in-a-step-without-question-sources": Break(
        (
            replace(
                LAW_SCENARIO,
                "The hearing is tomorrow.",
                "One in five hearings move. It is tomorrow.",
            ),
        ),
        f"{LAW_SCENARIO}:18: error: 'One in five' is a statistic: question l1-scenario-s needs "
        "a reference in its 'sources' (not expert judgement)",
    ),
    "statistic-in-the-intro": Break(
        (replace(CHECK, "A few short questions", "Three times more questions"),),
        f"{CHECK}:6: error: 'Three times more' is a statistic in the quiz's intro, which has no "
        "sources",
    ),
    "law-without-a-jurisdiction": Break(
        (
            replace(
                CHECK,
                "Yes. The three parts help you see more than the event.",
                "Yes. Article 3 agrees.",
            ),
        ),
        f"{CHECK}:22: error: 'Article 3' is law or procedure: label question c1-check-q1 with "
        "'jurisdiction: [codes]'",
    ),
    "law-in-a-step-without-a-jurisdiction": Break(
        (replace(LAW_SCENARIO, "        jurisdiction: [england-wales]\n", ""),),
        f"{LAW_SCENARIO}:18: error: 'Criminal Evidence Act 1999' is law or procedure: label "
        "step l1-scenario-s-d1 with 'jurisdiction: [codes]'",
    ),
    "law-in-the-intro": Break(
        (replace(CHECK, "A few short questions", "Under section 28, a few short questions"),),
        f"{CHECK}:6: error: 'section 28' is law or procedure in the quiz's intro",
    ),
    "markdown-image": Break(
        (
            replace(
                CHECK,
                "prompt: Which of these is how the lessons describe trauma?",
                'prompt: "![A chart](chart.png) Which of these is how the lessons describe trauma?"',
            ),
        ),
        f"{CHECK}:15: error: an image in a quiz: quizzes are words only",
    ),
    "html-image": Break(
        (
            replace(
                SCENARIO,
                "The door is still open.",
                'The door is still open. <img src="door.png" alt="A door">',
            ),
        ),
        f"{SCENARIO}:101: error: an image in a quiz",
    ),
    "reading-grade-above-14": Break(
        (("write", "core/c1/quiz-hard.yaml", HARD_QUIZ.format(intro=HARD_WORDS)),),
        "core/c1/quiz-hard.yaml:1: error: Flesch-Kincaid grade 32.2 is above 14",
    ),
    # Across the module
    "module-without-an-assessment-quiz": Break(
        (replace(LAW_SCENARIO, "purpose: assessment", "purpose: practice"),),
        "law/l1/module.yaml:1: warning: module l1 has no assessment quiz",
    ),
}


@pytest.mark.parametrize("name", BREAKS)
def test_each_rule_reports_its_broken_copy_with_path_and_line(
    content: Path, edit: Edit, name: str
) -> None:
    case = BREAKS[name]
    apply(content, edit, case.edits)

    findings = lint(content)

    assert any(f.startswith(case.expected) for f in findings), "\n".join(findings)


def test_a_reading_grade_above_12_is_a_warning(content: Path) -> None:
    intro = "Careful professional deliberation regarding organisational responsibilities follows."
    (content / "core/c1/quiz-hard.yaml").write_text(HARD_QUIZ.format(intro=intro))

    findings = lint(content)

    assert [f for f in findings if "Flesch-Kincaid" in f] == [
        "core/c1/quiz-hard.yaml:1: warning: Flesch-Kincaid grade 13.0 is above 12"
    ]


def test_a_term_ok_comment_opts_a_value_out_of_the_terminology_check(
    content: Path, edit: Edit
) -> None:
    edit(
        CHECK,
        "    prompt: Which of these is how the lessons describe trauma?\n",
        "    prompt: Which law is the Child Pornography Act?  # term-ok: name of a statute\n"
        "    jurisdiction: [intl]\n",
    )

    assert lint(content) == []


def test_law_in_a_labelled_question_passes(content: Path, edit: Edit) -> None:
    edit(
        CHECK,
        "    sources: [R1]\n    options:\n      - id: c1-check-q1-a",
        "    sources: [R1]\n    jurisdiction: [intl]\n    options:\n      - id: c1-check-q1-a",
    )
    edit(CHECK, "Yes. The three parts help you see more than the event.", "Yes. Article 3 agrees.")

    assert lint(content) == []


def test_a_sourced_statistic_passes(content: Path, edit: Edit) -> None:
    edit(SCENARIO, "Say you are glad they came", "Say that 80% of people are glad they came")

    assert lint(content) == []


def test_a_question_level_jurisdiction_covers_its_scenario_steps(content: Path, edit: Edit) -> None:
    edit(LAW_SCENARIO, "        jurisdiction: [england-wales]\n", "")
    edit(
        LAW_SCENARIO,
        "    start: l1-scenario-s-d1\n",
        "    start: l1-scenario-s-d1\n    jurisdiction: [england-wales]\n",
    )

    assert lint(content) == []


MALFORMED = """\
id: c1-odd
title: [not, text]
purpose: practice
change: editorial
lang: en
intro: Odd.
settings: 5
questions:
  - just a line
  - id: c1-odd-q1
    type: single
    prompt: {a: mapping}
    lessons: []
    sources: {R1: yes}
    options: one
  - id: c1-odd-q2
    type: scenario
    title: Odd
    setting: Odd.
    start: c1-odd-q2-d1
    steps:
      - not a step
      - id: c1-odd-q2-d1
        situation: Odd.
        options:
          - id: c1-odd-q2-d1-a
            text: Odd.
            rating: better
            score: 1.5
            feedback: Odd.
            sources: expert judgement
            next: c1-odd-q2-end
    endings: {c1-odd-q2-end: text}
  - id: c1-odd-q3
    type: ordering
    prompt: Odd.
    scoring: partial
    lessons: [c1-what-trauma-is]
    sources: [R1]
    items: [1, 2, 3]
"""


def test_malformed_shapes_are_findings_never_exceptions(content: Path) -> None:
    (content / "core/c1/quiz-odd.yaml").write_text(MALFORMED)

    odd = [f for f in lint(content) if f.startswith("core/c1/quiz-odd.yaml")]

    assert all(": error: " in f for f in odd)
    expected = [
        "core/c1/quiz-odd.yaml:2: error: 'title' must be non-empty text",
        "core/c1/quiz-odd.yaml:7: error: settings: must be a mapping of fields (name: value)",
        "core/c1/quiz-odd.yaml:9: error: question 1: must be a mapping of fields (name: value)",
        "core/c1/quiz-odd.yaml:12: error: question c1-odd-q1: 'prompt' must be non-empty text",
        "core/c1/quiz-odd.yaml:13: error: question c1-odd-q1: 'lessons' must be a list of one "
        "or more ids, such as [c1-what-trauma-is]",
        "core/c1/quiz-odd.yaml:14: error: question c1-odd-q1: 'sources' must be a list of "
        "reference ids such as [R1, R12], or expert judgement",
        "core/c1/quiz-odd.yaml:15: error: question c1-odd-q1: 'options' must be a list",
        "core/c1/quiz-odd.yaml:22: error: question c1-odd-q2, step 1: must be a mapping of "
        "fields (name: value)",
        "core/c1/quiz-odd.yaml:29: error: option c1-odd-q2-d1-a: 'score' must be a whole "
        "number, 0 or more",
        "core/c1/quiz-odd.yaml:33: error: question c1-odd-q2: 'endings' must be a list",
        "core/c1/quiz-odd.yaml:40: error: question c1-odd-q3, item 1: must be a mapping of "
        "fields (name: value)",
    ]
    assert [f for f in expected if f not in odd] == [], "\n".join(odd)


# --- Against what the database last loaded ----------------------------------------------------


def test_a_quiz_id_is_never_reused_as_a_question_id(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    edit(LAW_SCENARIO, "  - id: l1-scenario-r\n", "  - id: c1-check\n")

    assert (
        f"{LAW_SCENARIO}:77: error: the question id 'c1-check' was a quiz of module c1 when "
        "last loaded: ids are never reused, even after removal; give this question a new id"
    ) in lint(content)


def test_a_quiz_cannot_move_to_another_module(content: Path) -> None:
    load_curriculum(root=content)
    (content / CHECK).rename(content / "law/l1/quiz-check.yaml")

    assert (
        "law/l1/quiz-check.yaml:1: error: the quiz id 'c1-check' was a quiz of module c1 when "
        "last loaded: ids are never reused, even after removal; give this quiz a new id"
    ) in lint(content)


def test_a_question_cannot_move_to_another_quiz(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    reflection = (
        "  - id: c1-scenario-r\n"
        "    type: reflection\n"
        "    prompt: >\n"
        "      Think about how you open a meeting that starts late. Write a few lines for\n"
        "      yourself. Do not write case or client details.\n"
    )
    edit(SCENARIO, reflection, "")
    (content / CHECK).write_text((content / CHECK).read_text() + reflection)

    assert any(
        f.startswith(
            f"{CHECK}:66: error: the question id 'c1-scenario-r' was a question of quiz "
            "c1-scenario when last loaded"
        )
        for f in lint(content)
    )


def test_a_question_keeps_its_type(content: Path, edit: Edit) -> None:
    load_curriculum(root=content)
    edit(CHECK, "type: multiple", "type: single")
    edit(CHECK, "    scoring: partial\n", "")

    assert any(
        f.startswith(
            f"{CHECK}:31: error: the question id 'c1-check-q2' was a multiple question when "
            "last loaded"
        )
        for f in lint(content)
    )


def test_a_removed_questions_option_ids_are_never_reused(
    content: Path, edit: Edit, bump: Bump
) -> None:
    load_curriculum(root=content)
    text = (content / CHECK).read_text()
    removed = text[text.index("  - id: c1-check-q3\n") :]
    (content / CHECK).write_text(text.replace(removed, ""))
    bump("1.0.1-draft", "core/c1: question c1-check-q3 removed (substantive).")
    load_curriculum(root=content)

    again = removed.replace("id: c1-check-q3\n", "id: c1-check-q4\n")
    (content / CHECK).write_text((content / CHECK).read_text() + again)

    messages = lint(content)
    assert any(
        m.startswith(
            f"{CHECK}:57: error: the item id 'c1-check-q3-event' was part of question "
            "c1-check-q3 when last loaded"
        )
        for m in messages
    ), messages


def test_a_retired_question_may_come_back_with_its_own_ids(content: Path, bump: Bump) -> None:
    load_curriculum(root=content)
    saved = (content / CHECK).read_text()
    (content / CHECK).write_text(saved[: saved.index("  - id: c1-check-q3\n")])
    bump("1.0.1-draft", "core/c1: question c1-check-q3 removed (substantive).")
    load_curriculum(root=content)

    (content / CHECK).write_text(saved)
    bump("1.0.2-draft", "core/c1: question c1-check-q3 restored (substantive).")

    assert lint(content) == []
