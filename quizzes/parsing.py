"""Reading quiz files (`<track-id>/<module-id>/quiz-*.yaml`) into frozen dataclasses:
the quizzes kind's parse step. The format is docs/quiz-format.md.

Parsing never raises for bad content. Every value is checked for its shape here (a
required field missing, an unknown field, an id, a type, a number out of range) and a
problem becomes a finding at its line; the value is then left empty, so the linter's
rules across fields and files (quizzes.linting) still run on the rest. Nothing loads
while any error stands, so an empty value never reaches the database.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TypeIs

from curriculum.linting import ID_RE, LANG_RE, REFERENCE_ID_RE
from curriculum.loading import YamlDocument, parse_yaml, read_text
from curriculum.registry import ContentRun, Finding, error
from quizzes.graph import Choice, Graph

KIND_NAME = "quizzes"
PATTERNS = ("*/*/quiz-*.yaml",)
EXPERT_JUDGEMENT = "expert judgement"

SINGLE, MULTIPLE, ORDERING, SCENARIO, REFLECTION = (
    "single",
    "multiple",
    "ordering",
    "scenario",
    "reflection",
)
TYPES = (SINGLE, MULTIPLE, ORDERING, SCENARIO, REFLECTION)
PURPOSES = ("assessment", "practice")
CHANGES = ("editorial", "substantive")
FEEDBACK = ("after-each", "after-submission")
SCORING = ("all-or-nothing", "partial")
RATINGS = ("better", "acceptable", "harmful")
DEFAULT_PASS_MARK = 70

type Key = str | int
type Keys = tuple[Key, ...]


@dataclass(frozen=True)
class Fields:
    """The fields a mapping must have and may have."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


QUIZ_FIELDS = Fields(
    ("id", "title", "purpose", "change", "lang", "intro", "questions"), ("settings",)
)
SETTINGS_FIELDS = Fields(
    (),
    (
        "pass_mark",
        "attempts",
        "draw",
        "shuffle_questions",
        "shuffle_options",
        "feedback",
        "time_limit_minutes",
    ),
)
QUESTION_FIELDS = {
    SINGLE: Fields(("id", "type", "prompt", "lessons", "sources", "options"), ("jurisdiction",)),
    MULTIPLE: Fields(
        ("id", "type", "prompt", "scoring", "lessons", "sources", "options"), ("jurisdiction",)
    ),
    ORDERING: Fields(
        ("id", "type", "prompt", "scoring", "lessons", "sources", "items"), ("jurisdiction",)
    ),
    SCENARIO: Fields(
        ("id", "type", "title", "setting", "start", "steps", "endings"),
        ("lessons", "sources", "jurisdiction"),
    ),
    REFLECTION: Fields(("id", "type", "prompt"), ("lessons", "jurisdiction")),
}
OPTION_FIELDS = Fields(("id", "text", "correct", "feedback"))
ITEM_FIELDS = Fields(("id", "text", "feedback"))
STEP_FIELDS = Fields(("id", "situation", "options"), ("lessons", "jurisdiction"))
SCENARIO_OPTION_FIELDS = Fields(("id", "text", "rating", "score", "feedback", "sources", "next"))
ENDING_FIELDS = Fields(("id", "text"))
# A reflection is private writing, never scored: it has nothing to choose from.
REFLECTION_HAS_NO = ("options", "items", "steps", "endings", "correct", "scoring")


# --- The parsed shape --------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """What supports a question or option: reference ids, or expert judgement."""

    ids: tuple[str, ...] = ()
    expert_judgement: bool = False

    @property
    def given(self) -> bool:
        return bool(self.ids) or self.expert_judgement

    def as_json(self) -> list[str] | str:
        return EXPERT_JUDGEMENT if self.expert_judgement else list(self.ids)


@dataclass(frozen=True)
class Option:
    """An option of a single or multiple question."""

    id: str
    at: Keys
    text: str
    correct: bool | None
    feedback: str


@dataclass(frozen=True)
class Item:
    """An item of an ordering question; the file lists them in the correct order."""

    id: str
    at: Keys
    text: str
    feedback: str


@dataclass(frozen=True)
class ScenarioOption:
    id: str
    at: Keys
    text: str
    rating: str
    score: int | None
    feedback: str
    sources: Sources
    next: str


@dataclass(frozen=True)
class Step:
    id: str
    at: Keys
    situation: str
    lessons: tuple[str, ...]
    jurisdiction: tuple[str, ...]
    options: tuple[ScenarioOption, ...]


@dataclass(frozen=True)
class Ending:
    id: str
    at: Keys
    text: str


@dataclass(frozen=True)
class Question:
    """One question as its file states it. Fields its type does not have stay empty."""

    id: str
    at: Keys
    index: int
    type: str
    prompt: str = ""
    title: str = ""
    setting: str = ""
    start: str = ""
    scoring: str = ""
    lessons: tuple[str, ...] = ()
    sources: Sources = Sources()
    jurisdiction: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    items: tuple[Item, ...] = ()
    steps: tuple[Step, ...] = ()
    endings: tuple[Ending, ...] = ()

    @property
    def label(self) -> str:
        """How findings name it: by its id, or by its place when the id is unusable."""
        return f"question {self.id}" if self.id else f"question {self.index + 1}"

    def graph(self) -> Graph:
        return Graph(
            start=self.start,
            steps={
                step.id: tuple(
                    Choice(option=option.id, score=option.score or 0, next=option.next)
                    for option in step.options
                )
                for step in self.steps
            },
            endings=tuple(ending.id for ending in self.endings),
        )

    def body(self) -> dict[str, object]:
        """The question normalised for storage (QuestionVersion.body): every key its type
        has, in a fixed shape, optional lists empty rather than missing."""
        if self.type in (SINGLE, MULTIPLE):
            return {
                "type": self.type,
                "prompt": self.prompt,
                **({"scoring": self.scoring} if self.type == MULTIPLE else {}),
                "lessons": list(self.lessons),
                "sources": self.sources.as_json(),
                "jurisdiction": list(self.jurisdiction),
                "options": [
                    {
                        "id": option.id,
                        "text": option.text,
                        "correct": bool(option.correct),
                        "feedback": option.feedback,
                    }
                    for option in self.options
                ],
            }
        if self.type == ORDERING:
            return {
                "type": self.type,
                "prompt": self.prompt,
                "scoring": self.scoring,
                "lessons": list(self.lessons),
                "sources": self.sources.as_json(),
                "jurisdiction": list(self.jurisdiction),
                "items": [
                    {"id": item.id, "text": item.text, "feedback": item.feedback}
                    for item in self.items
                ],
            }
        if self.type == SCENARIO:
            return {
                "type": self.type,
                "title": self.title,
                "setting": self.setting,
                "start": self.start,
                "lessons": list(self.lessons),
                "sources": self.sources.as_json(),
                "jurisdiction": list(self.jurisdiction),
                "steps": [
                    {
                        "id": step.id,
                        "situation": step.situation,
                        "lessons": list(step.lessons),
                        "jurisdiction": list(step.jurisdiction),
                        "options": [
                            {
                                "id": option.id,
                                "text": option.text,
                                "rating": option.rating,
                                "score": option.score,
                                "feedback": option.feedback,
                                "sources": option.sources.as_json(),
                                "next": option.next,
                            }
                            for option in step.options
                        ],
                    }
                    for step in self.steps
                ],
                "endings": [{"id": ending.id, "text": ending.text} for ending in self.endings],
            }
        return {
            "type": self.type,
            "prompt": self.prompt,
            "lessons": list(self.lessons),
            "jurisdiction": list(self.jurisdiction),
        }

    def content_hash(self) -> str:
        return body_hash(self.body())


def body_hash(body: Mapping[str, object]) -> str:
    """sha256 of a body as canonical JSON: equal content, equal hash."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Settings:
    pass_mark: int = DEFAULT_PASS_MARK
    attempts: int | None = None
    draw: int | None = None
    shuffle_questions: bool = False
    shuffle_options: bool = True
    feedback: str = "after-each"
    time_limit_minutes: int | None = None


@dataclass(frozen=True)
class QuizFile:
    path: str
    # The module folder the file sits in, "<track folder>/<module folder>".
    folder: str
    doc: YamlDocument
    # sha256 of the normalised file, as Quiz.content_hash stores it.
    content_hash: str
    # Position among the module folder's quiz files by file name, from 1.
    order: int
    id: str
    title: str
    purpose: str
    change: str
    lang: str
    intro: str
    settings: Settings
    questions: tuple[Question, ...]

    def line(self, *keys: Key) -> int | None:
        return self.doc.line(*keys)


@dataclass(frozen=True)
class QuizSet:
    """The kind's payload: every quiz file that could be read, and what went wrong."""

    quizzes: tuple[QuizFile, ...] = ()
    findings: tuple[Finding, ...] = ()


# --- Reading values ----------------------------------------------------------------------


def _is_int(value: object) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _value_at(doc: YamlDocument, keys: Keys) -> object:
    value: object = doc.data
    for key in keys:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and key < len(value):
            value = value[key]
        else:
            return None
    return value


class _Reader:
    """Typed reads from one quiz file, each problem an error at the value's line.

    A getter returns an empty value when the field is missing (`fields` reported that)
    or malformed (it reports that itself)."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.findings: list[Finding] = []

    def fail(self, at: Keys, message: str) -> None:
        self.findings.append(error(self.doc.path, self.doc.line(*at), message))

    def fields(
        self, at: Keys, what: str, spec: Fields, *, refused: Mapping[str, str] | None = None
    ) -> dict[object, object] | None:
        """The mapping at `at`, with missing required fields and unknown fields reported."""
        value = _value_at(self.doc, at)
        prefix = f"{what}: " if what else ""
        if not isinstance(value, dict):
            self.fail(at, f"{prefix}must be a mapping of fields (name: value)")
            return None
        for name in spec.required:
            if name not in value:
                self.fail(at, f"{prefix}the required field {name!r} is missing")
        for key in value:
            if key in spec.known:
                continue
            line = self.doc.key_line(*at, str(key))
            if refused and key in refused:
                message = f"{prefix}{refused[str(key)]}"
            else:
                message = (
                    f"{prefix}unknown field {key!r} (misspelt?); "
                    f"the fields here are {', '.join(spec.known)}"
                )
            self.findings.append(error(self.doc.path, line, message))
        return value

    def _bad(self, at: Keys, what: str, name: str, problem: str) -> None:
        prefix = f"{what}: " if what else ""
        self.fail((*at, name), f"{prefix}{name!r} {problem}")

    def text(self, mapping: Mapping[object, object], at: Keys, name: str, what: str) -> str:
        if name not in mapping:
            return ""
        value = mapping[name]
        if isinstance(value, str) and value.strip():
            return value.strip()
        self._bad(at, what, name, "must be non-empty text")
        return ""

    def identifier(
        self, mapping: Mapping[object, object], at: Keys, name: str, what: str, *, example: str
    ) -> str:
        if name not in mapping:
            return ""
        value = mapping[name]
        if isinstance(value, str) and ID_RE.match(value):
            return value
        self._bad(
            at,
            what,
            name,
            f"must be an id: lowercase letters, digits and single hyphens, such as {example}",
        )
        return ""

    def choice(
        self,
        mapping: Mapping[object, object],
        at: Keys,
        name: str,
        what: str,
        choices: Sequence[str],
    ) -> str:
        if name not in mapping:
            return ""
        value = mapping[name]
        if isinstance(value, str) and value in choices:
            return value
        self._bad(at, what, name, f"must be one of: {', '.join(choices)}")
        return ""

    def boolean(
        self, mapping: Mapping[object, object], at: Keys, name: str, what: str
    ) -> bool | None:
        if name not in mapping:
            return None
        value = mapping[name]
        if isinstance(value, bool):
            return value
        self._bad(at, what, name, "must be true or false")
        return None

    def whole(
        self,
        mapping: Mapping[object, object],
        at: Keys,
        name: str,
        what: str,
        *,
        minimum: int,
        maximum: int | None = None,
        nullable: bool = False,
    ) -> int | None:
        if name not in mapping:
            return None
        value = mapping[name]
        if value is None and nullable:
            return None
        if _is_int(value) and value >= minimum and (maximum is None or value <= maximum):
            return value
        if maximum is not None:
            problem = f"must be a whole number from {minimum} to {maximum}"
        else:
            problem = f"must be a whole number, {minimum} or more"
        if nullable:
            problem = f"{problem}, or null"
        self._bad(at, what, name, problem)
        return None

    def sequence(
        self, mapping: Mapping[object, object], at: Keys, name: str, what: str
    ) -> list[object]:
        if name not in mapping:
            return []
        value = mapping[name]
        if isinstance(value, list):
            return value
        self._bad(at, what, name, "must be a list")
        return []

    def ids(
        self, mapping: Mapping[object, object], at: Keys, name: str, what: str, *, example: str
    ) -> tuple[str, ...]:
        """A non-empty list of ids: lesson ids, jurisdiction codes."""
        if name not in mapping:
            return ()
        value = mapping[name]
        if (
            isinstance(value, list)
            and value
            and all(isinstance(item, str) and ID_RE.match(item) for item in value)
        ):
            return tuple(value)
        self._bad(at, what, name, f"must be a list of one or more ids, such as {example}")
        return ()

    def sources(self, mapping: Mapping[object, object], at: Keys, name: str, what: str) -> Sources:
        if name not in mapping:
            return Sources()
        value = mapping[name]
        if isinstance(value, str) and value.strip() == EXPERT_JUDGEMENT:
            return Sources(expert_judgement=True)
        if isinstance(value, list) and EXPERT_JUDGEMENT in value:
            self._bad(
                at,
                what,
                name,
                f"lists {EXPERT_JUDGEMENT!r} among reference ids: write "
                f"'sources: {EXPERT_JUDGEMENT}' on its own, or only reference ids",
            )
            return Sources()
        if (
            isinstance(value, list)
            and value
            and all(isinstance(item, str) and REFERENCE_ID_RE.match(item) for item in value)
        ):
            return Sources(ids=tuple(value))
        self._bad(
            at,
            what,
            name,
            f"must be a list of reference ids such as [R1, R12], or {EXPERT_JUDGEMENT}",
        )
        return Sources()


# --- Reading a quiz file -------------------------------------------------------------------


def parse_quizzes(run: ContentRun) -> QuizSet:
    """Read every quiz file (the kind's parse step)."""
    quizzes: list[QuizFile] = []
    findings: list[Finding] = []
    paths = run.files_matching(PATTERNS)
    order: dict[str, int] = {}
    for path in sorted(paths, key=lambda p: (PurePosixPath(p).parent.as_posix(), p)):
        folder = PurePosixPath(path).parent.as_posix()
        order[folder] = order.get(folder, 0) + 1
        text, problem = read_text(run.root, path)
        if problem is not None or text is None:
            findings.extend([problem] if problem else [])
            continue
        doc, problems = parse_yaml(path, text)
        findings.extend(problems)
        if doc is None:
            continue
        content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
        quiz, problems = _parse_quiz(
            doc, folder=folder, order=order[folder], content_hash=content_hash
        )
        findings.extend(problems)
        if quiz is not None:
            quizzes.append(quiz)
    return QuizSet(quizzes=tuple(quizzes), findings=tuple(findings))


def _parse_quiz(
    doc: YamlDocument, *, folder: str, order: int, content_hash: str
) -> tuple[QuizFile | None, list[Finding]]:
    read = _Reader(doc)
    top = read.fields((), "", QUIZ_FIELDS)
    if top is None:
        return None, read.findings
    purpose = read.choice(top, (), "purpose", "", PURPOSES)
    settings = _parse_settings(read, top, purpose)
    questions: list[Question] = []
    for index, _entry in enumerate(read.sequence(top, (), "questions", "")):
        question = _parse_question(read, ("questions", index), index)
        if question is not None:
            questions.append(question)
    if "questions" in top and isinstance(top["questions"], list) and not top["questions"]:
        read.fail(("questions",), "'questions' must list at least one question")
    quiz = QuizFile(
        path=doc.path,
        folder=folder,
        doc=doc,
        content_hash=content_hash,
        order=order,
        id=read.identifier(top, (), "id", "", example="c1-check"),
        title=read.text(top, (), "title", ""),
        purpose=purpose,
        change=read.choice(top, (), "change", "", CHANGES),
        lang=_language(read, top),
        intro=read.text(top, (), "intro", ""),
        settings=settings,
        questions=tuple(questions),
    )
    return quiz, read.findings


def _language(read: _Reader, top: Mapping[object, object]) -> str:
    value = top.get("lang")
    if "lang" not in top:
        return ""
    if isinstance(value, str) and LANG_RE.match(value):
        return value
    read.fail(("lang",), "'lang' must be a language tag such as en or en-GB")
    return ""


def _parse_settings(read: _Reader, top: Mapping[object, object], purpose: str) -> Settings:
    # Assessments show feedback after submission, practice after each question, unless
    # the file says otherwise.
    default_feedback = "after-submission" if purpose == "assessment" else "after-each"
    if top.get("settings") is None:
        return Settings(feedback=default_feedback)
    at: Keys = ("settings",)
    mapping = read.fields(at, "settings", SETTINGS_FIELDS)
    if mapping is None:
        return Settings(feedback=default_feedback)
    what = "settings"
    pass_mark = read.whole(mapping, at, "pass_mark", what, minimum=1, maximum=100)
    shuffle_questions = read.boolean(mapping, at, "shuffle_questions", what)
    shuffle_options = read.boolean(mapping, at, "shuffle_options", what)
    return Settings(
        pass_mark=DEFAULT_PASS_MARK if pass_mark is None else pass_mark,
        attempts=read.whole(mapping, at, "attempts", what, minimum=1, nullable=True),
        draw=read.whole(mapping, at, "draw", what, minimum=1, nullable=True),
        shuffle_questions=bool(shuffle_questions),
        shuffle_options=True if shuffle_options is None else shuffle_options,
        feedback=read.choice(mapping, at, "feedback", what, FEEDBACK) or default_feedback,
        time_limit_minutes=read.whole(
            mapping, at, "time_limit_minutes", what, minimum=1, nullable=True
        ),
    )


def _parse_question(read: _Reader, at: Keys, index: int) -> Question | None:
    mapping = _value_at(read.doc, at)
    if not isinstance(mapping, dict):
        read.fail(at, f"question {index + 1}: must be a mapping of fields (name: value)")
        return None
    question_id = read.identifier(mapping, at, "id", f"question {index + 1}", example="c1-check-q1")
    what = f"question {question_id}" if question_id else f"question {index + 1}"
    kind = mapping.get("type")
    if kind not in TYPES:
        if "type" in mapping:
            read.fail((*at, "type"), f"{what}: 'type' must be one of: {', '.join(TYPES)}")
        else:
            read.fail(at, f"{what}: the required field 'type' is missing")
        # Without a type its other fields cannot be read; its id still counts.
        return Question(id=question_id, at=at, index=index, type="")
    assert isinstance(kind, str)
    refused = (
        {
            name: f"a reflection has no {name!r}: it is private writing, never scored"
            for name in REFLECTION_HAS_NO
        }
        if kind == REFLECTION
        else None
    )
    read.fields(at, what, QUESTION_FIELDS[kind], refused=refused)
    base = Question(
        id=question_id,
        at=at,
        index=index,
        type=kind,
        lessons=read.ids(mapping, at, "lessons", what, example="[c1-what-trauma-is]"),
        jurisdiction=read.ids(mapping, at, "jurisdiction", what, example="[england-wales]"),
    )
    if kind in (SINGLE, MULTIPLE):
        return replace(
            base,
            prompt=read.text(mapping, at, "prompt", what),
            scoring=read.choice(mapping, at, "scoring", what, SCORING) if kind == MULTIPLE else "",
            sources=read.sources(mapping, at, "sources", what),
            options=tuple(
                _parse_option(read, (*at, "options", i), i, what)
                for i, _ in enumerate(read.sequence(mapping, at, "options", what))
            ),
        )
    if kind == ORDERING:
        return replace(
            base,
            prompt=read.text(mapping, at, "prompt", what),
            scoring=read.choice(mapping, at, "scoring", what, SCORING),
            sources=read.sources(mapping, at, "sources", what),
            items=tuple(
                _parse_item(read, (*at, "items", i), i, what)
                for i, _ in enumerate(read.sequence(mapping, at, "items", what))
            ),
        )
    if kind == SCENARIO:
        return replace(
            base,
            title=read.text(mapping, at, "title", what),
            setting=read.text(mapping, at, "setting", what),
            start=read.identifier(mapping, at, "start", what, example="c1-scenario-s-d1"),
            sources=read.sources(mapping, at, "sources", what),
            steps=tuple(
                _parse_step(read, (*at, "steps", i), i, what)
                for i, _ in enumerate(read.sequence(mapping, at, "steps", what))
            ),
            endings=tuple(
                _parse_ending(read, (*at, "endings", i), i, what)
                for i, _ in enumerate(read.sequence(mapping, at, "endings", what))
            ),
        )
    return replace(base, prompt=read.text(mapping, at, "prompt", what))


def _part(
    read: _Reader, at: Keys, index: int, kind: str, within: str, spec: Fields, example: str
) -> tuple[dict[object, object], str, str]:
    """The mapping of an option, item, step or ending, its id, and how findings name it."""
    mapping = _value_at(read.doc, at)
    place = f"{within}, {kind} {index + 1}"
    if not isinstance(mapping, dict):
        read.fail(at, f"{place}: must be a mapping of fields (name: value)")
        return {}, "", place
    part_id = read.identifier(mapping, at, "id", place, example=example)
    what = f"{kind} {part_id}" if part_id else place
    read.fields(at, what, spec)
    return mapping, part_id, what


def _parse_option(read: _Reader, at: Keys, index: int, within: str) -> Option:
    mapping, option_id, what = _part(
        read, at, index, "option", within, OPTION_FIELDS, "c1-check-q1-a"
    )
    return Option(
        id=option_id,
        at=at,
        text=read.text(mapping, at, "text", what),
        correct=read.boolean(mapping, at, "correct", what),
        feedback=read.text(mapping, at, "feedback", what),
    )


def _parse_item(read: _Reader, at: Keys, index: int, within: str) -> Item:
    mapping, item_id, what = _part(
        read, at, index, "item", within, ITEM_FIELDS, "c5-check-q4-gather"
    )
    return Item(
        id=item_id,
        at=at,
        text=read.text(mapping, at, "text", what),
        feedback=read.text(mapping, at, "feedback", what),
    )


def _parse_step(read: _Reader, at: Keys, index: int, within: str) -> Step:
    mapping, step_id, what = _part(read, at, index, "step", within, STEP_FIELDS, "c1-scenario-s-d1")
    return Step(
        id=step_id,
        at=at,
        situation=read.text(mapping, at, "situation", what),
        lessons=read.ids(mapping, at, "lessons", what, example="[c1-four-rs-in-practice]"),
        jurisdiction=read.ids(mapping, at, "jurisdiction", what, example="[england-wales]"),
        options=tuple(
            _parse_scenario_option(read, (*at, "options", i), i, what)
            for i, _ in enumerate(read.sequence(mapping, at, "options", what))
        ),
    )


def _parse_scenario_option(read: _Reader, at: Keys, index: int, within: str) -> ScenarioOption:
    mapping, option_id, what = _part(
        read, at, index, "option", within, SCENARIO_OPTION_FIELDS, "c1-scenario-s-d1-a"
    )
    return ScenarioOption(
        id=option_id,
        at=at,
        text=read.text(mapping, at, "text", what),
        rating=read.choice(mapping, at, "rating", what, RATINGS),
        score=read.whole(mapping, at, "score", what, minimum=0),
        feedback=read.text(mapping, at, "feedback", what),
        sources=read.sources(mapping, at, "sources", what),
        next=read.identifier(mapping, at, "next", what, example="c1-scenario-s-d2"),
    )


def _parse_ending(read: _Reader, at: Keys, index: int, within: str) -> Ending:
    mapping, ending_id, what = _part(
        read, at, index, "ending", within, ENDING_FIELDS, "c1-scenario-s-end-steady"
    )
    return Ending(id=ending_id, at=at, text=read.text(mapping, at, "text", what))


def body_part_ids(body: Mapping[str, object]) -> list[str]:
    """The ids inside a stored body: options, items, steps, their options, endings."""
    found: list[str] = []
    for key in ("options", "items", "steps", "endings"):
        parts = body.get(key)
        for part in parts if isinstance(parts, list) else []:
            if isinstance(part, dict) and isinstance(part.get("id"), str):
                found.append(part["id"])
                found.extend(
                    body_part_ids({"options": part.get("options")}) if key == "steps" else []
                )
    return found
