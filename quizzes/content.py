"""Quizzes as content: the quiz files beside each module, read, linted and loaded by
`load_curriculum` and `lint_curriculum` through the content-kind registry
(curriculum/registry.py), after the curriculum's own tracks, modules and lessons.

Loading makes the rows match the files, writing only what differs, so loading the same
files twice writes nothing:

- a quiz or question new to the database is added; one that left the files is retired,
  never deleted (attempts point at it); one that comes back is current again;
- a question whose normalised content is new gets a new `QuestionVersion` (numbered
  after the last) and becomes its current version; content seen before (an edit undone)
  points at that earlier version again. Versions are never changed.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from curriculum.loading import KIND_NAME as CURRICULUM_KIND
from curriculum.loading import ContentTree
from curriculum.models import Module
from curriculum.registry import ContentKind, ContentRun, LoadReport, Tally
from quizzes import graph
from quizzes.linting import lint_quizzes
from quizzes.models import Question, QuestionVersion, Quiz
from quizzes.parsing import (
    KIND_NAME,
    PATTERNS,
    REFLECTION,
    SCENARIO,
    QuizFile,
    QuizSet,
    parse_quizzes,
)
from quizzes.parsing import Question as QuestionSource


def max_score_of(question: QuestionSource) -> int:
    """A scenario's best path total; 1 for a knowledge check; 0 for a reflection."""
    if question.type == SCENARIO:
        return graph.max_score(question.graph())
    return 0 if question.type == REFLECTION else 1


def _quiz_fields(quiz: QuizFile, module_id: int) -> dict[str, Any]:
    settings = quiz.settings
    return {
        "module_id": module_id,
        "title": quiz.title,
        "purpose": quiz.purpose,
        "intro": quiz.intro,
        "lang": quiz.lang,
        "change": quiz.change,
        "pass_mark": settings.pass_mark,
        "attempts_allowed": settings.attempts,
        "draw": settings.draw,
        "shuffle_questions": settings.shuffle_questions,
        "shuffle_options": settings.shuffle_options,
        "feedback_timing": settings.feedback,
        "time_limit_minutes": settings.time_limit_minutes,
        "content_hash": quiz.content_hash,
        "order": quiz.order,
    }


def _update(row: Quiz | Question, fields: Mapping[str, Any]) -> bool:
    """Set the fields that differ and save only those; True when anything was written."""
    dirty = [name for name, value in fields.items() if getattr(row, name) != value]
    if not dirty:
        return False
    for name in dirty:
        setattr(row, name, fields[name])
    row.save(update_fields=[*dirty, "updated_at"])
    return True


def _sync_quizzes(
    quizzes: list[tuple[QuizFile, int]], *, now: Any
) -> tuple[dict[str, Quiz], Tally]:
    existing = {quiz.slug: quiz for quiz in Quiz.objects.all()}
    rows: dict[str, Quiz] = {}
    added = changed = unchanged = 0
    for source, module_id in quizzes:
        fields = _quiz_fields(source, module_id)
        row = existing.get(source.id)
        if row is None:
            rows[source.id] = Quiz.objects.create(slug=source.id, **fields)
            added += 1
            continue
        # A quiz that comes back to the files is current again.
        if _update(row, {**fields, "retired_at": None}):
            changed += 1
        else:
            unchanged += 1
        rows[source.id] = row
    gone = [row.pk for slug, row in existing.items() if slug not in rows and row.retired_at is None]
    if gone:
        Quiz.objects.filter(pk__in=gone).update(retired_at=now, updated_at=now)
    return rows, Tally(
        "quizzes", added=added, changed=changed, retired=len(gone), unchanged=unchanged
    )


def _sync_questions(
    quizzes: list[tuple[QuizFile, int]], rows: Mapping[str, Quiz], *, version: str, now: Any
) -> tuple[Tally, Tally]:
    existing = {question.slug: question for question in Question.objects.all()}
    # (question pk, content hash) -> version pk, and each question's highest number.
    known: dict[tuple[int, str], int] = {}
    last_number: dict[int, int] = {}
    for pk, question_id, content_hash, number in QuestionVersion.objects.values_list(
        "pk", "question_id", "content_hash", "number"
    ):
        known[question_id, content_hash] = pk
        last_number[question_id] = max(number, last_number.get(question_id, 0))

    present: set[str] = set()
    added = changed = unchanged = versions_added = versions_unchanged = 0
    for source, _module_id in quizzes:
        quiz = rows[source.id]
        for order, question in enumerate(source.questions, start=1):
            present.add(question.id)
            row = existing.get(question.id)
            fields: dict[str, Any] = {
                "quiz_id": quiz.pk,
                "order": order,
                "type": question.type,
                "retired_at": None,
            }
            is_new = row is None
            if row is None:
                row = Question.objects.create(slug=question.id, **fields)
            content_hash = question.content_hash()
            version_pk = known.get((row.pk, content_hash))
            if version_pk is None:
                number = last_number.get(row.pk, 0) + 1
                created = QuestionVersion.objects.create(
                    question=row,
                    number=number,
                    content_hash=content_hash,
                    body=question.body(),
                    max_score=max_score_of(question),
                    content_version=version,
                )
                version_pk = created.pk
                known[row.pk, content_hash] = version_pk
                last_number[row.pk] = number
                versions_added += 1
            else:
                versions_unchanged += 1
            written = _update(row, {**fields, "current_version_id": version_pk})
            if is_new:
                added += 1
            elif written:
                changed += 1
            else:
                unchanged += 1
    gone = [
        row.pk for slug, row in existing.items() if slug not in present and row.retired_at is None
    ]
    if gone:
        # Retired, never deleted: attempts and statistics point at it and its versions.
        Question.objects.filter(pk__in=gone).update(retired_at=now, updated_at=now)
    return (
        Tally("questions", added=added, changed=changed, retired=len(gone), unchanged=unchanged),
        Tally("question versions", added=versions_added, unchanged=versions_unchanged),
    )


def load_quizzes(run: ContentRun) -> LoadReport:
    """Write quizzes, questions and new question versions (the kind's load step).

    Runs inside load_curriculum's transaction, after the curriculum's loader, and only
    when no kind reported an error."""
    quiz_set = run.payload(KIND_NAME, QuizSet)
    tree = run.payload(CURRICULUM_KIND, ContentTree)
    module_slugs = {module.folder: module.id for _track, module in tree.modules()}
    module_ids = dict(
        Module.objects.current().filter(slug__in=module_slugs.values()).values_list("slug", "pk")
    )
    quizzes: list[tuple[QuizFile, int]] = []
    for quiz in quiz_set.quizzes:
        slug = module_slugs.get(quiz.folder)
        if slug is None or slug not in module_ids:
            # Lint reports a quiz outside a module first; a load that gets here has a
            # database out of step with the files it just loaded.
            raise ValueError(f"{quiz.path} is not in a loaded module.")
        quizzes.append((quiz, module_ids[slug]))
    now = timezone.now()
    rows, quiz_tally = _sync_quizzes(quizzes, now=now)
    question_tally, version_tally = _sync_questions(
        quizzes, rows, version=tree.version or "", now=now
    )
    return LoadReport(tallies=(quiz_tally, question_tally, version_tally))


QUIZZES_KIND = ContentKind(
    name=KIND_NAME,
    patterns=PATTERNS,
    parse=parse_quizzes,
    lint=lint_quizzes,
    load=load_quizzes,
)
