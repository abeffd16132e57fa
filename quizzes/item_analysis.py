"""Item analysis of one quiz, read from the database: who is counted, the score
distribution, Moodle's four statistics per question version (quizzes.statistics), and
how often each option was chosen.

Which attempts. Each learner's attempt number 1 at the quiz, when it is of kind
standard and submitted; nothing else. Moodle analyses each learner's first finished
attempt, because a second attempt is taken by someone who has seen the questions and
their feedback. Here an attempt is numbered after the learner's last one and only one
can be open at a time, so attempt 1 is finished before any other exists: "number 1,
submitted" is Moodle's rule. Taking number 1 rather than the learner's lowest-numbered
standard attempt is deliberate: a learner whose first encounter with the quiz was a
renewal or refresher form (kind renewal) has seen the questions, so their later standard
attempt is not a first attempt and is left out. A learner whose attempt 1 is still open
is counted once they submit it. The filter matches the attempts index (quiz, kind,
number).

What is an item. A question version, not a question: editing a question makes a new
version, and a figure must describe the text learners answered. Reflections (maximum
score 0) are skipped: they are not scored, and their text is not in the answer rows at
all (it is in Reflection, which nothing here reads). A scenario is one item,
marked by its normalised score (its path's score over the best path's), with its
decisions and paths counted beside it. Every item's maximum is 1, as Moodle treats the
normalised scenario: marks are stored as fractions of each version's maximum, and an
attempt's total X is the sum of the marks of its scored items.

How it is computed, in three fixed queries whatever the size: the quiz's scored
versions; the attempts' count and score bands, counted by the database; and one stream
of the answers of those attempts, ordered by attempt, read in chunks. The stream feeds
quizzes.statistics (a histogram of (mark, total) pairs per item) and, in the same pass,
counts each distinct stored response per version. Marks and responses are read as
text and parsed once per distinct value: a version has a handful of distinct marks and
responses however many learners gave them, so a million answers cost a million counter
updates, not a million Decimal conversions and JSON parses. Memory stays flat: only
one attempt's marks are held at a time, plus a counter per distinct response.
docs/performance.md has the figures.
"""

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast

from quizzes import grading
from quizzes.models import Answer, Attempt, QuestionVersion, Quiz
from quizzes.parsing import MULTIPLE, ORDERING, SCENARIO, SINGLE
from quizzes.statistics import AttemptMarks, QuestionStatistics, analyse

# Rows fetched from the database at a time: large enough that fetching is not the cost,
# small enough that the memory it takes does not matter.
CHUNK_SIZE = 5000
# Score bands of 10 percentage points: 0-10, ..., 90-100 (100 falls in the last).
BAND_WIDTH = 10


def format_figure(value: float | None, places: int) -> str:
    """A figure as text: blank when undefined (never 0), rounded to `places`."""
    # "z" turns a -0.00 left by rounding into 0.00.
    return "" if value is None else f"{value:z.{places}f}"


@dataclass(frozen=True)
class ScoreBand:
    """First attempts whose score (in percent) is from `low` up to, not including,
    `high`; the last band includes 100."""

    low: int
    high: int
    count: int


@dataclass(frozen=True)
class OptionFrequency:
    """How many chose an option (single, multiple; a scenario option at its step) or
    placed an item in its correct position (ordering, where `position` is that position)."""

    id: str
    text: str
    count: int
    correct: bool | None = None
    position: int | None = None
    score: int | None = None


@dataclass(frozen=True)
class StepFrequency:
    """One decision point of a scenario: how many decided there, and how."""

    id: str
    decided: int
    options: tuple[OptionFrequency, ...]


@dataclass(frozen=True)
class PathFrequency:
    """One path through a scenario as learners took it: the options chosen, the ending
    reached (None: submitted before reaching one), its score and how many took it."""

    options: tuple[str, ...]
    ending: str | None
    score: int
    count: int


@dataclass(frozen=True)
class VersionAnalysis:
    """One question version's row: its statistics (None where undefined) and choices."""

    version_id: int
    question_id: int
    question: str
    version: int
    type: str
    max_score: int
    # quizzes.statistics' row, its `question` being `label`.
    statistics: QuestionStatistics
    # Attempts with a response to this version; the rest left it unanswered.
    answered: int
    # single and multiple: every option, in file order; ordering: every item, in its
    # correct order; scenario: empty (see steps and paths).
    options: tuple[OptionFrequency, ...] = ()
    steps: tuple[StepFrequency, ...] = ()
    # Most taken first.
    paths: tuple[PathFrequency, ...] = ()

    @property
    def label(self) -> str:
        return version_label(self.question, self.version)

    @property
    def attempts(self) -> int:
        return self.statistics.attempts

    @property
    def facility(self) -> float | None:
        return self.statistics.facility

    @property
    def sd(self) -> float | None:
        return self.statistics.sd

    @property
    def discrimination_index(self) -> float | None:
        return self.statistics.discrimination_index

    @property
    def discriminative_efficiency(self) -> float | None:
        return self.statistics.discriminative_efficiency


@dataclass(frozen=True)
class ItemAnalysis:
    """A quiz's item analysis over its learners' first attempts."""

    quiz_id: int
    attempts: int
    bands: tuple[ScoreBand, ...]
    # Versions answered in at least one first attempt: by question order, then version.
    versions: tuple[VersionAnalysis, ...]

    @property
    def answers(self) -> int:
        """The scored answers analysed."""
        return sum(version.attempts for version in self.versions)


def version_label(question: str, version: int) -> str:
    """How a version is named in exports: `<question slug>@v<version number>`."""
    return f"{question}@v{version}"


def analyse_quiz(*, quiz: Quiz, chunk_size: int = CHUNK_SIZE) -> ItemAnalysis:
    """Analyse the quiz's first attempts: three queries, one pass over their answers."""
    versions = {
        version.pk: version
        for version in QuestionVersion.objects.filter(question__quiz=quiz, max_score__gt=0)
        .select_related("question")
        .order_by("question__order", "question__slug", "number")
    }
    attempts, bands = _bands(quiz)
    tallies = {
        pk: _Tally(label=version_label(version.question.slug, version.number))
        for pk, version in versions.items()
    }
    statistics: list[QuestionStatistics] = []
    if versions:
        # Every answer of those attempts, reflection slots included: a filter on the
        # version here costs more than skipping a slot in Python, and it tempts the
        # planner into intersecting two indexes once per attempt when its statistics
        # are stale. A reflection's slot holds no text (that is in Reflection), and is
        # skipped unread.
        rows = (
            Answer.objects.filter(attempt__in=Attempt.objects.first_attempts(quiz))
            .order_by("attempt_id")
            .values_list(
                "attempt_id",
                "question_version_id",
                # As text, parsed once per distinct value (see _attempt_marks).
                Cast("mark", TextField()),
                Cast("response", TextField()),
            )
        )
        with _reading(rows.db):
            statistics = analyse(
                _attempt_marks(rows.iterator(chunk_size=chunk_size), tallies),
                max_marks={tally.label: 1 for tally in tallies.values()},
            )
    by_label = {row.question: row for row in statistics}
    return ItemAnalysis(
        quiz_id=quiz.pk,
        attempts=attempts,
        bands=bands,
        versions=tuple(
            _version_analysis(version, by_label[tallies[pk].label], tallies[pk].responses)
            for pk, version in versions.items()
            if by_label[tallies[pk].label].attempts
        ),
    )


@dataclass
class _Tally:
    """What the pass over the answers keeps for one version besides its marks: how many
    gave each distinct response, by its stored JSON text (None: unanswered)."""

    label: str
    responses: Counter[str | None] = field(default_factory=Counter)


def _reading(using: str) -> AbstractContextManager[object]:
    """What to read the answer stream inside. On PostgreSQL the rows come through a
    server-side cursor: inside a transaction it streams, while outside one Django
    declares it WITH HOLD and the server builds the whole result before sending the
    first row. On SQLite a transaction would take the write lock (IMMEDIATE mode) for
    the whole read, so there the read runs in autocommit."""
    if connections[using].vendor == "postgresql":
        # No savepoint inside a caller's transaction: nothing here writes.
        return transaction.atomic(using=using, savepoint=False)
    return nullcontext()


def _bands(quiz: Quiz) -> tuple[int, tuple[ScoreBand, ...]]:
    """Count the first attempts, and those in each score band, in one aggregate query."""
    lows = range(0, 100, BAND_WIDTH)
    counts = {}
    for low in lows:
        condition = Q(score__gte=Decimal(low) / 100)
        if low + BAND_WIDTH < 100:
            condition &= Q(score__lt=Decimal(low + BAND_WIDTH) / 100)
        counts[f"band_{low}"] = Count("pk", filter=condition)
    found = Attempt.objects.first_attempts(quiz).aggregate(attempts=Count("pk"), **counts)
    return found["attempts"], tuple(
        ScoreBand(low=low, high=low + BAND_WIDTH, count=found[f"band_{low}"]) for low in lows
    )


def _attempt_marks(
    rows: Iterable[tuple[int, int, str | None, str | None]], tallies: Mapping[int, _Tally]
) -> Iterator[AttemptMarks]:
    """Group the answer rows (ordered by attempt) into one AttemptMarks per attempt,
    counting each version's responses as they go by."""
    # A mark is one of a few values. Read as text and parsed once per value, each is a
    # single Decimal object whose hash is computed once, which is what counting
    # (mark, total) pairs in quizzes.statistics costs per answer; the CSV reader keeps
    # the same memo. Grading gives every scored slot of a submitted attempt a mark, 0
    # when it was left unanswered; a missing one counts as that 0.
    decimals: dict[str | None, Decimal] = {}
    current: int | None = None
    marks: dict[str, Decimal] = {}
    for attempt_id, version_id, mark_text, response in rows:
        if attempt_id != current:
            if current is not None:
                yield AttemptMarks(attempt_id=current, marks=marks)
            current, marks = attempt_id, {}
        tally = tallies.get(version_id)
        if tally is None:  # a reflection
            continue
        mark = decimals.get(mark_text)
        if mark is None:
            mark = decimals[mark_text] = Decimal(0 if mark_text is None else mark_text)
        marks[tally.label] = mark
        tally.responses[response] += 1
    if current is not None:
        yield AttemptMarks(attempt_id=current, marks=marks)


def _version_analysis(
    version: QuestionVersion, statistics: QuestionStatistics, responses: Counter[str | None]
) -> VersionAnalysis:
    # Each distinct response text parsed once.
    parsed = [(json.loads(text), count) for text, count in responses.items() if text is not None]
    body = version.body
    kind = body.get("type")
    options: tuple[OptionFrequency, ...] = ()
    steps: tuple[StepFrequency, ...] = ()
    paths: tuple[PathFrequency, ...] = ()
    if kind in (SINGLE, MULTIPLE):
        options = _option_counts(body, parsed)
    elif kind == ORDERING:
        options = _placement_counts(body, parsed)
    elif kind == SCENARIO:
        steps, paths = _scenario_counts(body, parsed)
    return VersionAnalysis(
        version_id=version.pk,
        question_id=version.question_id,
        question=version.question.slug,
        version=version.number,
        type=version.question.type,
        max_score=version.max_score,
        statistics=statistics,
        answered=sum(count for _response, count in parsed),
        options=options,
        steps=steps,
        paths=paths,
    )


def _option_counts(
    body: Mapping[str, Any], parsed: Sequence[tuple[Any, int]]
) -> tuple[OptionFrequency, ...]:
    chosen: Counter[str] = Counter()
    for response, count in parsed:
        if not isinstance(response, Mapping):
            continue
        if "choice" in response:
            chosen[str(response["choice"])] += count
        for choice in response.get("choices") or ():
            chosen[str(choice)] += count
    return tuple(
        OptionFrequency(
            id=str(option["id"]),
            text=str(option.get("text", "")),
            count=chosen[str(option["id"])],
            correct=bool(option.get("correct")),
        )
        for option in body.get("options", ())
    )


def _placement_counts(
    body: Mapping[str, Any], parsed: Sequence[tuple[Any, int]]
) -> tuple[OptionFrequency, ...]:
    items = [str(item["id"]) for item in body.get("items", ())]
    placed: Counter[str] = Counter()
    for response, count in parsed:
        order = response.get("order") if isinstance(response, Mapping) else None
        for got, want in zip(order or (), items, strict=False):
            if str(got) == want:
                placed[want] += count
    return tuple(
        OptionFrequency(
            id=str(item["id"]),
            text=str(item.get("text", "")),
            count=placed[str(item["id"])],
            position=position,
        )
        for position, item in enumerate(body.get("items", ()), start=1)
    )


def _scenario_counts(
    body: Mapping[str, Any], parsed: Sequence[tuple[Any, int]]
) -> tuple[tuple[StepFrequency, ...], tuple[PathFrequency, ...]]:
    walked: Counter[tuple[tuple[str, str], ...]] = Counter()
    for response, count in parsed:
        path = response.get("path") if isinstance(response, Mapping) else None
        if path:
            walked[tuple((str(step), str(option)) for step, option in path)] += count
    decisions: Counter[tuple[str, str]] = Counter()
    for path, count in walked.items():
        for decision in path:
            decisions[decision] += count

    steps = []
    for step in body.get("steps", ()):
        step_id = str(step["id"])
        options = tuple(
            OptionFrequency(
                id=str(option["id"]),
                text=str(option.get("text", "")),
                count=decisions[step_id, str(option["id"])],
                score=int(option.get("score", 0)),
            )
            for option in step.get("options", ())
        )
        steps.append(
            StepFrequency(id=step_id, decided=sum(o.count for o in options), options=options)
        )

    paths = []
    for path, count in walked.items():
        try:
            here = grading.position(body, path)
        except grading.InvalidResponse:
            # Stored paths were checked decision by decision when taken; a path this
            # body cannot follow would be a path of another version, and is skipped.
            continue
        paths.append(
            PathFrequency(
                options=tuple(option for _step, option in path),
                ending=here if grading.is_ending(body, here) else None,
                score=grading.path_score(body, path),
                count=count,
            )
        )
    paths.sort(key=lambda path: (-path.count, path.options))
    return tuple(steps), tuple(paths)
