"""The quiz linter: the rules of docs/quiz-format.md that a machine can check, across
fields, files and the curriculum each quiz belongs to. (Each value's own shape, a
required field, an unknown field, an id, a number's range, is checked as the file is
read: quizzes.parsing.)

Each rule is a small function from a `Context` to findings; `RULES` lists them. The
text rules are the lesson linter's own (terminology, statistics, law, images, plain
language), imported from curriculum, so quizzes and lessons are held to one standard.
Two rules compare with what this database last loaded: ids are never reused, and the
changelog rule (curriculum.changes).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from curriculum.changes import check_substantive_changes, has_baseline
from curriculum.jurisdictions import JURISDICTIONS
from curriculum.lesson_rules import (
    GRADE_ERROR,
    GRADE_WARNING,
    HTML_IMAGE_RE,
    IMAGE_RE,
    LAW_RE,
    REFLECTION_REMINDER_RE,
    STATISTIC_RE,
)
from curriculum.linting import Term, check_yaml_value, terms_of
from curriculum.loading import KIND_NAME as CURRICULUM_KIND
from curriculum.loading import MODULE_FILE, ContentTree, ModuleSource, TrackSource
from curriculum.readability import measure
from curriculum.registry import ContentRun, Finding, error, warning
from quizzes import graph
from quizzes.models import Question, QuestionVersion, Quiz
from quizzes.parsing import (
    EXPERT_JUDGEMENT,
    KIND_NAME,
    MULTIPLE,
    ORDERING,
    REFLECTION,
    SCENARIO,
    SINGLE,
    Keys,
    QuizFile,
    QuizSet,
    ScenarioOption,
    Sources,
    Step,
    body_part_ids,
)
from quizzes.parsing import Question as QuestionSource

MIN_OPTIONS, MAX_OPTIONS = 3, 5
MIN_ITEMS, MAX_ITEMS = 3, 6
MIN_BEST_PATH_STEPS = 3
MIN_BRANCHING_STEPS = 2
RATING_ORDER = ("better", "acceptable", "harmful")


@dataclass(frozen=True)
class Context:
    """The quiz files and the curriculum they belong to, for the rules to read."""

    quizzes: tuple[QuizFile, ...]
    tree: ContentTree
    files: frozenset[str]
    # Module folder -> its track and module, from the curriculum kind's parse.
    modules: Mapping[str, tuple[TrackSource, ModuleSource]]
    lesson_ids: frozenset[str]
    terms: tuple[Term, ...]

    @classmethod
    def of(cls, run: ContentRun) -> "Context":
        try:
            tree = run.payload(CURRICULUM_KIND, ContentTree)
        except LookupError:
            tree = ContentTree()  # no curriculum kind: every quiz is outside a module
        return cls(
            quizzes=run.payload(KIND_NAME, QuizSet).quizzes,
            tree=tree,
            files=frozenset(run.files),
            modules={module.folder: (track, module) for track, module in tree.modules()},
            lesson_ids=frozenset(lesson.id for _module, lesson in tree.lessons() if lesson.id),
            terms=tuple(terms_of(tree)),
        )

    def module(self, quiz: QuizFile) -> ModuleSource | None:
        found = self.modules.get(quiz.folder)
        return found[1] if found else None

    def key(self, quiz: QuizFile) -> str | None:
        """ "<track-id>/<module-id>", as the changelog names modules."""
        found = self.modules.get(quiz.folder)
        return f"{found[0].id}/{found[1].id}" if found else None


type Rule = Callable[[Context], Iterable[Finding]]


def lint_quizzes(run: ContentRun) -> list[Finding]:
    """Every rule over every quiz file (the kind's lint step)."""
    context = Context.of(run)
    findings = list(run.payload(KIND_NAME, QuizSet).findings)
    for rule in RULES:
        findings.extend(rule(context))
    # Against what this database last loaded: not about the files alone.
    findings.extend(check_ids_never_reused(context))
    findings.extend(check_changes(context))
    return findings


# --- Walking a quiz ------------------------------------------------------------------------


@dataclass(frozen=True)
class Prose:
    """One text value of a quiz and what it belongs to (for sources and jurisdictions)."""

    at: Keys
    text: str
    question: QuestionSource | None = None
    step: Step | None = None
    option: ScenarioOption | None = None


def prose(quiz: QuizFile) -> Iterator[Prose]:
    """Every text a learner reads, in file order."""
    candidates: list[Prose] = [Prose(("title",), quiz.title), Prose(("intro",), quiz.intro)]
    for question in quiz.questions:
        for name in ("prompt", "title", "setting"):
            candidates.append(Prose((*question.at, name), getattr(question, name), question))
        for choice_at, text, feedback in [
            *((option.at, option.text, option.feedback) for option in question.options),
            *((item.at, item.text, item.feedback) for item in question.items),
        ]:
            candidates.append(Prose((*choice_at, "text"), text, question))
            candidates.append(Prose((*choice_at, "feedback"), feedback, question))
        for step in question.steps:
            candidates.append(Prose((*step.at, "situation"), step.situation, question, step))
            for option in step.options:
                for name in ("text", "feedback"):
                    candidates.append(
                        Prose((*option.at, name), getattr(option, name), question, step, option)
                    )
        for ending in question.endings:
            candidates.append(Prose((*ending.at, "text"), ending.text, question))
    yield from (candidate for candidate in candidates if candidate.text)


def ids_of(quiz: QuizFile) -> Iterator[tuple[str, str, Keys]]:
    """(id, what it names, where its id is) for the quiz and everything inside it."""
    yield quiz.id, "quiz", ("id",)
    for question in quiz.questions:
        yield question.id, "question", (*question.at, "id")
        for identifier, what, at in parts_of(question):
            yield identifier, what, (*at, "id")


def all_sources(quiz: QuizFile) -> Iterator[tuple[str, Sources, Keys]]:
    """(who states them, sources, where) for every `sources:` of the quiz."""
    for question in quiz.questions:
        if question.sources.given:
            yield question.label, question.sources, (*question.at, "sources")
        for step in question.steps:
            for option in step.options:
                if option.sources.given:
                    yield f"option {option.id}", option.sources, (*option.at, "sources")


def _review_status(module: ModuleSource) -> object:
    review = module.doc.get("review")
    return review.get("status") if isinstance(review, dict) else None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- Rules -----------------------------------------------------------------------------------


def check_placement(context: Context) -> Iterator[Finding]:
    """A quiz file sits in a module's folder: its sources and lessons come from there."""
    for quiz in context.quizzes:
        if quiz.folder in context.modules:
            continue
        if f"{quiz.folder}/{MODULE_FILE}" in context.files:
            continue  # the module's own file has an error, reported by the curriculum
        yield error(quiz.path, None, f"is not inside a module: {quiz.folder}/ has no {MODULE_FILE}")


def check_unique_ids(context: Context) -> Iterator[Finding]:
    """Every id in every quiz file is unique across all of them (one namespace: a
    scenario's `next` must never be able to mean two things)."""
    first: dict[str, str] = {}
    for quiz in context.quizzes:
        for identifier, what, at in ids_of(quiz):
            if not identifier:
                continue  # a missing or malformed id is the parser's finding
            line = quiz.line(*at)
            if identifier in first:
                yield error(
                    quiz.path,
                    line,
                    f"the {what} id {identifier!r} is already used by {first[identifier]}: "
                    "ids are unique across every quiz file",
                )
            first.setdefault(identifier, f"{quiz.path}:{line}")


def check_settings(context: Context) -> Iterator[Finding]:
    for quiz in context.quizzes:
        draw = quiz.settings.draw
        if draw is not None and quiz.questions and draw > len(quiz.questions):
            yield error(
                quiz.path,
                quiz.line("settings", "draw"),
                f"settings: 'draw' is {draw}, but the quiz has "
                f"{_plural(len(quiz.questions), 'question')}",
            )


def check_knowledge_checks(context: Context) -> Iterator[Finding]:
    """single: 3-5 options, exactly one correct; multiple: 3-5 options, at least one
    correct; ordering: 3-6 items."""
    for quiz in context.quizzes:
        for question in quiz.questions:
            line = quiz.line(*question.at)
            if question.type in (SINGLE, MULTIPLE):
                count = len(question.options)
                if not MIN_OPTIONS <= count <= MAX_OPTIONS:
                    yield error(
                        quiz.path,
                        quiz.doc.key_line(*question.at, "options"),
                        f"{question.label} has {_plural(count, 'option')}; a {question.type} "
                        f"question has {MIN_OPTIONS} to {MAX_OPTIONS}",
                    )
                correct = sum(option.correct is True for option in question.options)
                if question.type == SINGLE and correct != 1 and question.options:
                    yield error(
                        quiz.path,
                        line,
                        f"{question.label} has {correct} correct options; a single question "
                        "has exactly one (correct: true)",
                    )
                if question.type == MULTIPLE and correct == 0 and question.options:
                    yield error(
                        quiz.path,
                        line,
                        f"{question.label} has no correct option; a multiple question has at "
                        "least one (correct: true)",
                    )
            elif question.type == ORDERING:
                count = len(question.items)
                if not MIN_ITEMS <= count <= MAX_ITEMS:
                    yield error(
                        quiz.path,
                        quiz.doc.key_line(*question.at, "items"),
                        f"{question.label} has {_plural(count, 'item')}; an ordering question "
                        f"has {MIN_ITEMS} to {MAX_ITEMS}",
                    )


def check_reflections(context: Context) -> Iterator[Finding]:
    """Every reflection prompt reminds the learner not to write case or client details
    (CURRICULUM.md, rule 6)."""
    for quiz in context.quizzes:
        for question in quiz.questions:
            if question.type != REFLECTION or not question.prompt:
                continue
            if not REFLECTION_REMINDER_RE.search(" ".join(question.prompt.split())):
                yield error(
                    quiz.path,
                    quiz.line(*question.at, "prompt"),
                    f"{question.label}: the prompt must remind the learner not to write case "
                    "or client details (for example: 'Do not write case or client details.')",
                )


def check_sources(context: Context) -> Iterator[Finding]:
    """Sources are reference ids of the quiz's module, or expert judgement; a published
    module has no rating that rests on expert judgement alone."""
    for quiz in context.quizzes:
        module = context.module(quiz)
        if module is None:
            continue
        known = module.reference_ids()
        published = _review_status(module) == "published"
        for who, sources, at in all_sources(quiz):
            for reference_id in sources.ids:
                if reference_id not in known:
                    listed = ", ".join(sorted(known)) or "none"
                    yield error(
                        quiz.path,
                        quiz.line(*at),
                        f"{who}: cites {reference_id}, which {module.path} does not list "
                        f"(it lists {listed})",
                    )
            if sources.expert_judgement and published:
                yield error(
                    quiz.path,
                    quiz.line(*at),
                    f"{who}: 'sources: {EXPERT_JUDGEMENT}' in a published module: a reviewer "
                    f"accepts each such rating with a source before {module.path} is published",
                )


def check_lessons(context: Context) -> Iterator[Finding]:
    """`lessons:` name lessons of the curriculum (the results page links to them)."""
    for quiz in context.quizzes:
        for question in quiz.questions:
            named = [(question.label, question.lessons, question.at)]
            named += [(f"step {step.id}", step.lessons, step.at) for step in question.steps]
            for who, lessons, at in named:
                for lesson in lessons:
                    if lesson not in context.lesson_ids:
                        yield error(
                            quiz.path,
                            quiz.line(*at, "lessons"),
                            f"{who}: names the lesson {lesson!r}, which does not exist",
                        )


def check_jurisdictions(context: Context) -> Iterator[Finding]:
    """Jurisdiction codes are known and listed by the module."""
    for quiz in context.quizzes:
        module = context.module(quiz)
        listed = module.doc.get("jurisdictions") if module else None
        listed_codes = set(listed) if isinstance(listed, list) else set()
        for question in quiz.questions:
            labelled = [(question.label, question.jurisdiction, question.at)]
            labelled += [(f"step {step.id}", step.jurisdiction, step.at) for step in question.steps]
            for who, codes, at in labelled:
                for code in codes:
                    line = quiz.line(*at, "jurisdiction")
                    if code not in JURISDICTIONS:
                        yield error(
                            quiz.path,
                            line,
                            f"{who}: unknown jurisdiction {code!r}; known: "
                            f"{', '.join(JURISDICTIONS)} (add new ones in curriculum/jurisdictions.py)",
                        )
                    elif module is not None and code not in listed_codes:
                        yield error(
                            quiz.path,
                            line,
                            f"{who}: labels {code!r}, which {module.path} does not list in "
                            "'jurisdictions'",
                        )


def _graph_finding(quiz: QuizFile, question: QuestionSource, problem: graph.Problem) -> Finding:
    steps = {step.id: step for step in question.steps}
    options = {option.id: option for step in question.steps for option in step.options}
    kind = graph.ProblemKind
    if problem.kind is kind.NO_START:
        return error(
            quiz.path,
            quiz.line(*question.at, "start"),
            f"{question.label}: 'start' names {problem.target!r}, which is not one of its steps",
        )
    if problem.kind in (kind.UNKNOWN_NEXT, kind.LOOP):
        option = options[problem.option]
        line = quiz.line(*option.at, "next")
        if problem.kind is kind.UNKNOWN_NEXT:
            message = (
                f"option {option.id}: 'next' names {problem.target!r}, which is not a step or "
                f"ending of {question.label}"
            )
        else:
            message = (
                f"option {option.id} leads back to step {problem.target}, which the path has "
                "already passed: a scenario has no loops"
            )
        return error(quiz.path, line, message)
    if problem.kind is kind.DEAD_END:
        return error(
            quiz.path,
            quiz.line(*steps[problem.step].at),
            f"step {problem.step} has no options, so a path stops there: every path ends at "
            "an ending",
        )
    if problem.kind is kind.UNREACHABLE:
        return error(
            quiz.path,
            quiz.line(*steps[problem.step].at),
            f"step {problem.step} cannot be reached from the start ({question.start})",
        )
    ending = next(e for e in question.endings if e.id == problem.target)
    return error(
        quiz.path,
        quiz.line(*ending.at),
        f"ending {ending.id} is never reached: no path from the start leads to it",
    )


def _rating_order(quiz: QuizFile, step: Step) -> Iterator[Finding]:
    """Within a step, a better option never scores below an acceptable one, nor an
    acceptable below a harmful one."""
    scored = [option for option in step.options if option.score is not None and option.rating]
    for higher_index, higher in enumerate(RATING_ORDER):
        for lower in RATING_ORDER[higher_index + 1 :]:
            lows = [option for option in scored if option.rating == lower]
            for option in scored:
                if option.rating != higher:
                    continue
                above = [low for low in lows if (low.score or 0) > (option.score or 0)]
                if above:
                    other = max(above, key=lambda low: low.score or 0)
                    yield error(
                        quiz.path,
                        quiz.line(*option.at, "score"),
                        f"option {option.id} is rated {higher} but scores {option.score}, below "
                        f"the {lower} option {other.id} ({other.score}): within a step, better "
                        "scores at least acceptable, and acceptable at least harmful",
                    )


def check_scenarios(context: Context) -> Iterator[Finding]:
    """Every step reachable, every path ends at an ending, no loops, every ending reached;
    the best path passes three steps or more and two steps or more branch; ratings and
    scores agree within each step."""
    for quiz in context.quizzes:
        for question in quiz.questions:
            if question.type != SCENARIO or not question.steps or not question.start:
                continue
            if any(not step.id for step in question.steps) or any(
                not option.id or not option.next
                for step in question.steps
                for option in step.options
            ):
                continue  # the parser reported the missing ids; the graph cannot be trusted
            scenario = question.graph()
            problems = graph.problems(scenario)
            for problem in problems:
                yield _graph_finding(quiz, question, problem)
            for step in question.steps:
                yield from _rating_order(quiz, step)
            if problems:
                continue
            best = graph.best_path(scenario)
            if best is not None and len(best.steps) < MIN_BEST_PATH_STEPS:
                yield error(
                    quiz.path,
                    quiz.line(*question.at),
                    f"{question.label}: the best path ({' > '.join(best.steps)}) passes "
                    f"{_plural(len(best.steps), 'step')}; it must pass at least "
                    f"{MIN_BEST_PATH_STEPS}",
                )
            branching = graph.branching_steps(scenario)
            if len(branching) < MIN_BRANCHING_STEPS:
                yield error(
                    quiz.path,
                    quiz.line(*question.at),
                    f"{question.label}: {_plural(len(branching), 'step')} "
                    f"({', '.join(branching) or 'none'}) {'has' if len(branching) == 1 else 'have'} "
                    f"options that lead to different next steps; at least "
                    f"{MIN_BRANCHING_STEPS} must, so that choices matter",
                )


def check_terminology(context: Context) -> Iterator[Finding]:
    """terminology.yaml's terms in every text of the quiz; a `# term-ok: <reason>`
    comment on the value's lines opts out, as in module.yaml."""
    if not context.terms:
        return
    for quiz in context.quizzes:
        source = [""] * quiz.doc.line_offset + quiz.doc.source.split("\n")
        for text in prose(quiz):
            yield from check_yaml_value(quiz.doc, text.at, text.text, list(context.terms), source)


def _sourced(sources: Sources) -> bool:
    return bool(sources.ids) and not sources.expert_judgement


def check_statistics(context: Context) -> Iterator[Finding]:
    """A statistic rests on a reference: the `sources` of its option (scenario options),
    or of its question."""
    for quiz in context.quizzes:
        for text in prose(quiz):
            statistic = STATISTIC_RE.search(text.text)
            if statistic is None:
                continue
            found = statistic[0].strip()
            line = quiz.line(*text.at)
            if text.question is None:
                yield error(
                    quiz.path,
                    line,
                    f"{found!r} is a statistic in the quiz's {text.at[-1]}, which has no sources: "
                    "state it in a question whose sources cite it",
                )
            elif text.option is not None and not _sourced(text.option.sources):
                yield error(
                    quiz.path,
                    line,
                    f"{found!r} is a statistic: option {text.option.id} needs a reference in "
                    f"its 'sources' (not {EXPERT_JUDGEMENT})",
                )
            elif text.option is None and not _sourced(text.question.sources):
                yield error(
                    quiz.path,
                    line,
                    f"{found!r} is a statistic: {text.question.label} needs a reference in its "
                    f"'sources' (not {EXPERT_JUDGEMENT})",
                )


def check_law(context: Context) -> Iterator[Finding]:
    """Law and procedure carry their jurisdiction: `jurisdiction:` on the question, or on
    the scenario step the text appears in."""
    for quiz in context.quizzes:
        for text in prose(quiz):
            law = LAW_RE.search(text.text)
            if law is None:
                continue
            found = law[0].strip()
            line = quiz.line(*text.at)
            if text.question is None:
                yield error(
                    quiz.path,
                    line,
                    f"{found!r} is law or procedure in the quiz's {text.at[-1]}, which cannot "
                    "carry a jurisdiction: move it into a question labelled with "
                    "'jurisdiction: [codes]'",
                )
                continue
            if text.question.jurisdiction or (text.step is not None and text.step.jurisdiction):
                continue
            where = f"step {text.step.id}" if text.step is not None else text.question.label
            yield error(
                quiz.path,
                line,
                f"{found!r} is law or procedure: label {where} with "
                "'jurisdiction: [codes]', such as [england-wales]",
            )


def check_images(context: Context) -> Iterator[Finding]:
    """No images in a quiz: the platform never shows material, and a question is words."""
    for quiz in context.quizzes:
        for text in prose(quiz):
            if IMAGE_RE.search(text.text) or HTML_IMAGE_RE.search(text.text):
                yield error(
                    quiz.path,
                    quiz.line(*text.at),
                    "an image in a quiz: quizzes are words only; describe what matters in text",
                )


def check_plain_language(context: Context) -> Iterator[Finding]:
    """Flesch-Kincaid grade of the quiz's prose: at most 14, a warning above 12."""
    for quiz in context.quizzes:
        reading = measure("\n\n".join(text.text for text in prose(quiz)))
        if not reading.words:
            continue
        if reading.grade > GRADE_ERROR:
            yield error(
                quiz.path,
                quiz.line(),
                f"Flesch-Kincaid grade {reading.grade:.1f} is above {GRADE_ERROR:.0f}: "
                "shorten sentences and prefer common words",
            )
        elif reading.grade > GRADE_WARNING:
            yield warning(
                quiz.path,
                quiz.line(),
                f"Flesch-Kincaid grade {reading.grade:.1f} is above {GRADE_WARNING:.0f}",
            )


def check_assessment(context: Context) -> Iterator[Finding]:
    """Completion needs each module's scenario quiz passed: a module without an
    assessment quiz cannot be completed as designed."""
    assessed = {quiz.folder for quiz in context.quizzes if quiz.purpose == "assessment"}
    for _track, module in context.tree.modules():
        if module.folder not in assessed:
            yield warning(
                module.path,
                module.doc.line("id"),
                f"module {module.id} has no assessment quiz (a quiz-*.yaml with purpose: "
                "assessment, by convention quiz-scenario.yaml)",
            )


RULES: list[Rule] = [
    check_placement,
    check_unique_ids,
    check_settings,
    check_knowledge_checks,
    check_reflections,
    check_sources,
    check_lessons,
    check_jurisdictions,
    check_scenarios,
    check_terminology,
    check_statistics,
    check_law,
    check_images,
    check_plain_language,
    check_assessment,
]


# --- Against the database --------------------------------------------------------------------


def check_ids_never_reused(context: Context) -> Iterator[Finding]:
    """An id the database holds keeps meaning what it meant: a quiz of the same module, a
    question of the same quiz and type, an option, item, step or ending of the same
    question, even after it was retired."""
    quizzes = dict(Quiz.objects.values_list("slug", "module__slug"))
    questions = {
        slug: (quiz, kind)
        for slug, quiz, kind in Question.objects.values_list("slug", "quiz__slug", "type")
    }
    parts: dict[str, str] = {}
    for owner, body in QuestionVersion.objects.values_list("question__slug", "body"):
        for part in body_part_ids(body):
            parts.setdefault(part, owner)
    if not (quizzes or questions):
        return

    def held_as(identifier: str, what: str, owner: str, kind: str = "") -> str | None:
        """What the database held this id as, when that is not this `what` of this
        `owner` (a quiz's module, a question's quiz, a part's question)."""
        if identifier in quizzes and (what != "quiz" or quizzes[identifier] != owner):
            return f"a quiz of module {quizzes[identifier]}"
        if identifier in questions:
            quiz_slug, before = questions[identifier]
            if what != "question" or quiz_slug != owner:
                return f"a question of quiz {quiz_slug}"
            if kind and before != kind:
                return f"a {before} question"
        if identifier in parts and (what in ("quiz", "question") or parts[identifier] != owner):
            return f"part of question {parts[identifier]}"
        return None

    for quiz in context.quizzes:
        module = context.module(quiz)
        if quiz.id:
            owner = module.id if module else quizzes.get(quiz.id, "")
            held = held_as(quiz.id, "quiz", owner)
            if held:
                yield _reused(quiz, quiz.id, "quiz", ("id",), held)
        for question in quiz.questions:
            if question.id:
                owner = quiz.id or questions.get(question.id, ("", ""))[0]
                held = held_as(question.id, "question", owner, question.type)
                if held:
                    yield _reused(quiz, question.id, "question", (*question.at, "id"), held)
            if not question.id:
                continue
            for identifier, what, at in parts_of(question):
                held = held_as(identifier, what, question.id) if identifier else None
                if held:
                    yield _reused(quiz, identifier, what, (*at, "id"), held)


def parts_of(question: QuestionSource) -> Iterator[tuple[str, str, Keys]]:
    """(id, what it names, where) for the options, items, steps and endings of a question."""
    for option in question.options:
        yield option.id, "option", option.at
    for item in question.items:
        yield item.id, "item", item.at
    for step in question.steps:
        yield step.id, "step", step.at
        for scenario_option in step.options:
            yield scenario_option.id, "option", scenario_option.at
    for ending in question.endings:
        yield ending.id, "ending", ending.at


def _reused(quiz: QuizFile, identifier: str, what: str, at: Keys, held: str) -> Finding:
    return error(
        quiz.path,
        quiz.line(*at),
        f"the {what} id {identifier!r} was {held} when last loaded: ids are never reused, "
        f"even after removal; give this {what} a new id",
    )


def substantive_changes(context: Context) -> dict[str, list[str]]:
    """ "<track-id>/<module-id>" -> what changed substantively in its quizzes since the
    last load: a quiz or question added or removed, or a quiz file changed whose
    `change:` says substantive."""
    loaded_quizzes = {
        row["slug"]: (row["content_hash"], f"{row['module__track__slug']}/{row['module__slug']}")
        for row in Quiz.objects.current().values(
            "slug", "content_hash", "module__slug", "module__track__slug"
        )
    }
    loaded_questions = {
        row["slug"]: (
            row["quiz__slug"],
            f"{row['quiz__module__track__slug']}/{row['quiz__module__slug']}",
        )
        for row in Question.objects.current().values(
            "slug", "quiz__slug", "quiz__module__slug", "quiz__module__track__slug"
        )
    }
    changes: dict[str, list[str]] = defaultdict(list)
    quizzes_here: set[str] = set()
    questions_here: set[str] = set()
    for quiz in context.quizzes:
        key = context.key(quiz)
        if key is None or not quiz.id:
            continue
        quizzes_here.add(quiz.id)
        questions_here.update(question.id for question in quiz.questions if question.id)
        before = loaded_quizzes.get(quiz.id)
        if before is None:
            changes[key].append(f"adds quiz {quiz.id}")
            continue  # its questions come with it
        if before[0] != quiz.content_hash and quiz.change == "substantive":
            changes[key].append(f"changes quiz {quiz.id} (substantive)")
        changes[key].extend(
            f"adds question {question.id}"
            for question in quiz.questions
            if question.id and question.id not in loaded_questions
        )
    for slug, (_hash, key) in loaded_quizzes.items():
        if slug not in quizzes_here:
            changes[key].append(f"removes quiz {slug}")
    for slug, (quiz_slug, key) in loaded_questions.items():
        if slug not in questions_here and quiz_slug in quizzes_here:
            changes[key].append(f"removes question {slug}")
    return {key: what for key, what in changes.items() if what}


def check_changes(context: Context) -> list[Finding]:
    """The changelog rule (curriculum.changes) for quizzes."""
    if not has_baseline(context.tree):
        return []
    return check_substantive_changes(context.tree, substantive_changes(context))
