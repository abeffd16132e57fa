"""Fill the database with quiz attempts for the item analysis benchmark (DESIGN.md §7:
a million answers), `bench/item_analysis_db.py`.

    manage.py seed_quiz_bench --attempts 50000           # the bench quiz: 1,000,000 answers
    manage.py seed_quiz_bench --quiz c1-check --attempts 300

The curriculum must be loaded (it is loaded first if no quiz is). No quiz in it has 20
questions (the largest has 10), so by default the command assembles one, `bench-item-
analysis`, in the first module, from loaded content: the first 18 knowledge-check
questions and the first 2 scenarios in curriculum order, each scored, plus the first
reflection prompt (which item analysis never reads), so every attempt has 20 scored
answers in 21 slots. Its first question was "edited" half-way: learners alternate
between its version 1 and a version 2, so statistics are kept for two versions. With
`--quiz` an existing quiz is used as loaded, with its current questions.

Each bench learner (`quiz-bench-<n>@` the demo domain: unusable password, marked as a
demo account so `check --deploy` refuses the database) has one submitted first attempt.
Responses follow a logistic model of the learner's ability, each question with its own
difficulty and discrimination (one of them discriminating the wrong way, as a flawed
item would), and are graded by quizzes.grading as the quiz engine grades them; a few
answers are left blank and a few scenarios stop before an ending. Every tenth learner
also has a second standard attempt and every 25th a renewal attempt, which item
analysis must leave out. Everything is made with bulk_create, a batch of learners per
transaction; running the command again adds learners up to `--attempts`. The tables
are analysed at the end, so the planner knows their new sizes.
"""

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import DEMO_EMAIL_DOMAIN, User
from quizzes import grading
from quizzes.models import Answer, Attempt, Question, QuestionVersion, Quiz
from quizzes.parsing import MULTIPLE, ORDERING, REFLECTION, SCENARIO, SINGLE, body_hash

BENCH_QUIZ = "bench-item-analysis"
EMAIL_PREFIX = "quiz-bench-"
BATCH = 1000  # learners per transaction
CHECK_QUESTIONS = 18
SCENARIOS = 2
# Marks and scores are stored with six decimal places, rounded half up, as grading does.
PLACES = Decimal("0.000001")
RETAKE_EVERY = 10
RENEWAL_EVERY = 25
BLANK_RATE = 0.01  # answers left unanswered
UNFINISHED_RATE = 0.02  # scenarios submitted before an ending


@dataclass(frozen=True)
class Item:
    """One slot of the quiz: the versions learners may get there (the first learner's
    version is versions[0], the next learner's versions[1], and so on round), and how
    the question behaves: discrimination a and difficulty b of the logistic model."""

    versions: tuple[QuestionVersion, ...]
    a: float
    b: float


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        PLACES, rounding=ROUND_HALF_UP
    )


def _p(theta: float, a: float, b: float) -> float:
    return 1 / (1 + math.exp(-a * (theta - b)))


def respond(rng: random.Random, body: Mapping[str, Any], theta: float, item: Item) -> Any:
    """A response as the quiz engine stores it (quizzes.grading's shapes), or None."""
    kind = body["type"]
    if kind == REFLECTION or rng.random() < BLANK_RATE:
        return None
    p = _p(theta, item.a, item.b)
    if kind == SINGLE:
        options = body["options"]
        right = [o["id"] for o in options if o["correct"]]
        wrong = [o["id"] for o in options if not o["correct"]]
        # Distractors are not equally attractive: the first wrong option draws most.
        pick = right if rng.random() < p or not wrong else wrong[: rng.choice((1, 1, 2, 3))]
        return {"choice": rng.choice(pick)}
    if kind == MULTIPLE:
        ids = [o["id"] for o in body["options"]]
        chosen = [
            o["id"]
            for o in body["options"]
            if rng.random() < (p if o["correct"] else (1 - p) * 0.6)
        ]
        return {"choices": chosen or [rng.choice(ids)]}
    if kind == ORDERING:
        order = [item_["id"] for item_ in body["items"]]
        if len(order) > 1 and rng.random() >= p:
            # A near miss: two neighbours swapped, now and then a guess.
            if rng.random() < 0.3:
                rng.shuffle(order)
            else:
                i = rng.randrange(len(order) - 1)
                order[i], order[i + 1] = order[i + 1], order[i]
        return {"order": order}
    if kind == SCENARIO:
        return {"path": _walk(rng, body, theta, item)}
    return None


def _walk(rng: random.Random, body: Mapping[str, Any], theta: float, item: Item) -> list[list[str]]:
    steps = {step["id"]: step for step in body["steps"]}
    path: list[list[str]] = []
    here = body["start"]
    stop_after = rng.randrange(len(steps)) if rng.random() < UNFINISHED_RATE else len(steps) + 1
    while here in steps and len(path) < stop_after:
        options = steps[here]["options"]
        best = max(int(o["score"]) for o in options) or 1
        weights = [math.exp(item.a * (theta - item.b) * int(o["score"]) / best) for o in options]
        option = rng.choices(options, weights=weights)[0]
        path.append([here, option["id"]])
        here = option["next"]
    return path


class Command(BaseCommand):
    help = "Create bench learners with graded first attempts at a quiz, for item analysis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--attempts", type=int, default=50_000)
        parser.add_argument(
            "--quiz", metavar="SLUG", help=f"a loaded quiz to use instead of {BENCH_QUIZ}"
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(
        self, *args: Any, attempts: int, quiz: str | None, seed: int, **options: Any
    ) -> None:
        if not Quiz.objects.current().exclude(slug=BENCH_QUIZ).exists():
            call_command("load_curriculum", verbosity=0)
        if quiz is None:
            bench_quiz = self._bench_quiz()
        else:
            found = Quiz.objects.filter(slug=quiz).first()
            if found is None:
                raise CommandError(f'there is no quiz "{quiz}"')
            bench_quiz = found
        items = self._items(bench_quiz, seed=seed)
        done = (
            Attempt.objects.first_attempts(bench_quiz)
            .filter(user__email__startswith=EMAIL_PREFIX)
            .count()
        )
        # Bench data repeats for a seed; nothing here is secret.
        rng = random.Random(f"{seed}:{done}")  # noqa: S311
        start = timezone.now() - timedelta(seconds=attempts)
        for chunk in itertools.batched(range(done, attempts), BATCH, strict=False):
            with transaction.atomic():
                self._create(bench_quiz, items, chunk, rng=rng, start=start)
        # Fresh planner statistics after a bulk load, as autovacuum gives a live
        # database in time; without them PostgreSQL plans for the tables it last saw.
        with connection.cursor() as cursor:
            for model in (Attempt, Answer):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        analysed = Attempt.objects.first_attempts(bench_quiz).count()
        scored = sum(1 for item in items if item.versions[0].max_score > 0)
        self.stdout.write(
            f"{bench_quiz.slug}: {analysed} first attempts, {scored} scored answers each "
            f"({analysed * scored:,} answers to analyse)"
        )
        self.stdout.write(f"QUIZ={bench_quiz.slug}")

    def _bench_quiz(self) -> Quiz:
        existing = Quiz.objects.filter(slug=BENCH_QUIZ).first()
        if existing is not None:
            return existing
        ordered = Question.objects.current().order_by(
            "quiz__module__track__order", "quiz__module__order", "quiz__order", "order"
        )
        picked = [
            *ordered.filter(type__in=(SINGLE, MULTIPLE, ORDERING))[:CHECK_QUESTIONS],
            *ordered.filter(type=SCENARIO)[:SCENARIOS],
            *ordered.filter(type=REFLECTION)[:1],
        ]
        if len(picked) < CHECK_QUESTIONS + SCENARIOS + 1:
            raise CommandError("The loaded curriculum has too few questions for the bench quiz.")
        sources = {
            version.question_id: version
            for version in QuestionVersion.objects.filter(
                pk__in=[question.current_version_id for question in picked]
            )
        }
        module = picked[0].quiz.module
        with transaction.atomic():
            bench = Quiz.objects.create(
                slug=BENCH_QUIZ,
                module=module,
                title="Bench: item analysis (generated)",
                purpose=Quiz.Purpose.PRACTICE,
                intro="Generated by seed_quiz_bench for benchmarks.",
                lang="en",
                change=Quiz.Change.EDITORIAL,
                pass_mark=70,
                feedback_timing=Quiz.FeedbackTiming.AFTER_SUBMISSION,
                content_hash=body_hash({"bench": BENCH_QUIZ}),
                order=99,
            )
            for order, question in enumerate(picked, start=1):
                source = sources[question.pk]
                copy = Question.objects.create(
                    slug=f"bench-{question.slug}"[:64], quiz=bench, order=order, type=question.type
                )
                bodies = [source.body]
                if order == 1:
                    # The edit half-way through: a reworded prompt, a second version.
                    bodies.append({**source.body, "prompt": f"{source.body['prompt']} (Reworded.)"})
                for number, body in enumerate(bodies, start=1):
                    copy.current_version = QuestionVersion.objects.create(
                        question=copy,
                        number=number,
                        content_hash=body_hash(body),
                        body=body,
                        max_score=source.max_score,
                        content_version=source.content_version,
                    )
                copy.save(update_fields=["current_version"])
        return bench

    def _items(self, quiz: Quiz, *, seed: int) -> list[Item]:
        rng = random.Random(seed)  # noqa: S311 - repeatable bench data, not a secret
        questions = list(
            Question.objects.current().filter(quiz=quiz).order_by("order", "slug").only("pk")
        )
        versions: dict[int, list[QuestionVersion]] = {}
        for version in QuestionVersion.objects.filter(question__in=questions).order_by("number"):
            versions.setdefault(version.question_id, []).append(version)
        items = []
        for index, question in enumerate(questions):
            # The sixth item discriminates the wrong way, as a flawed question would.
            a = -0.4 if index == 5 else rng.uniform(0.6, 1.8)
            items.append(Item(versions=tuple(versions[question.pk]), a=a, b=rng.uniform(-1.8, 0.8)))
        if not any(item.versions[0].max_score for item in items):
            raise CommandError(f'the quiz "{quiz.slug}" has no scored questions')
        return items

    def _create(
        self,
        quiz: Quiz,
        items: Sequence[Item],
        numbers: Sequence[int],
        *,
        rng: random.Random,
        start: datetime,
    ) -> None:
        emails = [f"{EMAIL_PREFIX}{n}@{DEMO_EMAIL_DOMAIN}" for n in numbers]
        users = {user.email: user for user in User.objects.filter(email__in=emails)}
        unusable = make_password(None)
        users.update(
            (user.email, user)
            for user in User.objects.bulk_create(
                User(
                    email=email,
                    password=unusable,
                    is_demo=True,
                    professional_role=User.ProfessionalRole.OTHER,
                    country="GB",
                )
                for email in emails
                if email not in users
            )
        )
        attempts: list[Attempt] = []
        answers: list[list[Answer]] = []
        for n, email in zip(numbers, emails, strict=True):
            theta = rng.gauss(0, 1)
            taken = [(Attempt.Kind.STANDARD, theta)]
            if n % RETAKE_EVERY == 0:
                taken.append((Attempt.Kind.STANDARD, theta + 0.3))  # learnt from the first
            if n % RENEWAL_EVERY == 0:
                taken.append((Attempt.Kind.RENEWAL, theta))
            for number, (kind, ability) in enumerate(taken, start=1):
                started_at = start + timedelta(seconds=n, days=number - 1)
                attempt, rows = self._attempt(quiz, items, n, ability, rng=rng, at=started_at)
                attempt.user = users[email]
                attempt.number = number
                attempt.kind = kind
                attempts.append(attempt)
                answers.append(rows)
        Attempt.objects.bulk_create(attempts)
        for attempt, rows in zip(attempts, answers, strict=True):
            for row in rows:
                row.attempt = attempt
        Answer.objects.bulk_create(itertools.chain.from_iterable(answers), batch_size=5000)

    def _attempt(
        self,
        quiz: Quiz,
        items: Sequence[Item],
        n: int,
        theta: float,
        *,
        rng: random.Random,
        at: datetime,
    ) -> tuple[Attempt, list[Answer]]:
        submitted_at = at + timedelta(minutes=12)
        rows = []
        earned = Fraction(0)
        scored = 0
        for slot, item in enumerate(items, start=1):
            version = item.versions[n % len(item.versions)]
            response = respond(rng, version.body, theta, item)
            mark = None
            if version.max_score > 0:
                value = grading.mark(version.body, response, version.max_score)
                earned += value
                scored += 1
                mark = _decimal(value)
            rows.append(
                Answer(
                    slot=slot,
                    question_version=version,
                    response=response,
                    answered_at=submitted_at if response is not None else None,
                    mark=mark,
                )
            )
        score = earned / scored if scored else Fraction(1)
        attempt = Attempt(
            quiz=quiz,
            seed=rng.randrange(2**31),
            started_at=at,
            submitted_at=submitted_at,
            score=_decimal(score),
            passed=score * 100 >= quiz.pass_mark,
        )
        return attempt, rows
