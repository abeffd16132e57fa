"""Taking quizzes: starting or resuming an attempt, answering, scenario decisions,
breaks, submitting, private reflections, and accommodations.

Every function is keyword-only, owns its transaction and raises the exceptions below
for what the learner may not do. Fairness lives here, not in the pages:

- grading is done on the server from the stored question version (quizzes.grading);
- one open attempt per learner and quiz (a database constraint): starting twice, in
  two tabs or by a retried request, returns the attempt already open;
- submitting twice grades once: the attempt row is locked and a submitted attempt is
  returned as it stands;
- time is the server's: a timed attempt's clock runs only while the learner is not on a
  break, answers after the limit (plus a short grace for the network) are refused, and
  the attempt is then graded on what was answered in time.
"""

import random
import secrets
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from quizzes import grading
from quizzes.models import Accommodation, Answer, Attempt, Question, Quiz, Reflection

# Time a request may take to arrive after the clock runs out and still count.
GRACE = timedelta(seconds=30)
MAX_REFLECTION_LENGTH = 5000
_PLACES = Decimal("0.000001")


class QuizError(Exception):
    """Something a learner asked for that the quiz does not allow."""


class NoAttemptsLeft(QuizError):
    """Every attempt the quiz allows (with the learner's extra attempts) is used."""


class AttemptClosed(QuizError):
    """The attempt was submitted: nothing in it changes any more."""


class OutOfTime(QuizError):
    """The attempt's time ran out; it has been submitted with the answers given in time."""


class AlreadyAnswered(QuizError):
    """Feedback for this answer was shown, so it stands."""


class NotYourAttempt(QuizError):
    """The attempt belongs to someone else (or does not exist)."""


InvalidResponse = grading.InvalidResponse


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        _PLACES, rounding=ROUND_HALF_UP
    )


# --- Accommodations -----------------------------------------------------------------------


def set_accommodation(
    *, user: User, extra_time_multiplier: Decimal, extra_attempts: int
) -> Accommodation:
    """Record what a learner's needs change: more time (1 to 4 times the limit) and
    extra attempts (0 to 20). Applies to attempts started from now on."""
    if not Decimal(1) <= extra_time_multiplier <= Decimal(4):
        raise ValueError("The extra-time multiplier is between 1 and 4.")
    if not 0 <= extra_attempts <= 20:
        raise ValueError("Extra attempts are between 0 and 20.")
    accommodation, _ = Accommodation.objects.update_or_create(
        user=user,
        defaults={
            "extra_time_multiplier": extra_time_multiplier,
            "extra_attempts": extra_attempts,
        },
    )
    return accommodation


def _accommodation(user: User) -> tuple[Decimal, int]:
    row = Accommodation.objects.filter(user=user).values_list(
        "extra_time_multiplier", "extra_attempts"
    )
    found = row.first()
    return found if found is not None else (Decimal(1), 0)


# --- Starting -----------------------------------------------------------------------------


def attempts_allowed(*, quiz: Quiz, extra_attempts: int) -> int | None:
    """How many attempts the learner may make (None: unlimited)."""
    return None if quiz.attempts_allowed is None else quiz.attempts_allowed + extra_attempts


def open_attempt(*, user: User, quiz: Quiz) -> Attempt | None:
    return (
        Attempt.objects.select_related("quiz")
        .filter(user=user, quiz=quiz, submitted_at__isnull=True)
        .first()
    )


def start_attempt(*, user: User, quiz: Quiz, kind: str = Attempt.Kind.STANDARD) -> Attempt:
    """The learner's open attempt at the quiz, or a new one with its questions drawn.

    Questions are the quiz's current ones (their current versions), all or `draw` of
    them, in file order or shuffled. Starting again while an attempt is open resumes it.
    """
    existing = open_attempt(user=user, quiz=quiz)
    if existing is not None:
        return existing
    multiplier, extra = _accommodation(user)
    allowed = attempts_allowed(quiz=quiz, extra_attempts=extra)
    used = Attempt.objects.filter(user=user, quiz=quiz).aggregate(n=Max("number"))["n"] or 0
    if allowed is not None and used >= allowed:
        raise NoAttemptsLeft(f"All {allowed} attempts at this quiz are used.")
    questions = list(
        Question.objects.current()
        .filter(quiz=quiz, current_version__isnull=False)
        .order_by("order", "slug")
        .values_list("current_version_id", flat=True)
    )
    rng = random.SystemRandom()
    if quiz.draw is not None and quiz.draw < len(questions):
        drawn = set(rng.sample(questions, quiz.draw))
        questions = [each for each in questions if each in drawn]
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    now = timezone.now()
    seconds = None
    if quiz.time_limit_minutes is not None:
        seconds = int(Decimal(quiz.time_limit_minutes * 60) * multiplier)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                quiz=quiz,
                number=used + 1,
                kind=kind,
                seed=secrets.randbelow(2**31),
                started_at=now,
                seconds_allowed=seconds,
                clock_started_at=now if seconds is not None else None,
            )
            Answer.objects.bulk_create(
                Answer(attempt=attempt, slot=slot, question_version_id=version)
                for slot, version in enumerate(questions, start=1)
            )
    except IntegrityError:
        # Another request started one at the same moment (two tabs, a double click):
        # the constraint let exactly one through; that one is the learner's attempt.
        existing = open_attempt(user=user, quiz=quiz)
        if existing is None:
            raise
        return existing
    return attempt


def shown_order(attempt: Attempt, slot: int, ids: list[str], *, where: str = "") -> list[str]:
    """The order options or items are shown in: shuffled the same way on every device
    (seeded by the attempt), in file order when the quiz does not shuffle options.
    Scenario options and ordering items are always shuffled (docs/quiz-format.md)."""
    if not attempt.quiz.shuffle_options and not where:
        return list(ids)
    order = list(ids)
    # A display order, not a secret: it must repeat for the same attempt on any device.
    random.Random(f"{attempt.seed}:{slot}:{where}").shuffle(order)  # noqa: S311
    return order


# --- The clock ----------------------------------------------------------------------------


def seconds_left(attempt: Attempt, *, now: datetime | None = None) -> int | None:
    """Seconds left on a timed attempt's clock (None: untimed); stopped on a break."""
    if attempt.seconds_allowed is None:
        return None
    used = attempt.seconds_used
    if attempt.clock_started_at is not None:
        used += int(((now or timezone.now()) - attempt.clock_started_at).total_seconds())
    return max(attempt.seconds_allowed - used, 0)


def _out_of_time(attempt: Attempt, now: datetime) -> bool:
    if attempt.seconds_allowed is None or attempt.clock_started_at is None:
        return False
    used = attempt.seconds_used + (now - attempt.clock_started_at).total_seconds()
    return used > attempt.seconds_allowed + GRACE.total_seconds()


def _locked(*, user: User, attempt_id: int) -> Attempt:
    """The learner's own attempt, locked for the rest of the transaction."""
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("quiz")
        .filter(pk=attempt_id, user=user)
        .first()
    )
    if attempt is None:
        raise NotYourAttempt("There is no such attempt of yours.")
    return attempt


def _open(*, user: User, attempt_id: int, now: datetime) -> Attempt | None:
    """The learner's attempt, locked, if it may still change; None when its time has just
    run out, in which case it is graded now on the answers given in time. Callers raise
    OutOfTime after their transaction, so that grading is kept."""
    attempt = _locked(user=user, attempt_id=attempt_id)
    if attempt.submitted_at is not None:
        raise AttemptClosed("This attempt has been submitted.")
    if _out_of_time(attempt, now):
        _grade(attempt, now=now)
        return None
    return attempt


def _time_ran_out() -> OutOfTime:
    return OutOfTime("The time for this attempt ran out; it was submitted as it stood.")


def take_break(*, user: User, attempt_id: int) -> Attempt:
    """Stop a timed attempt's clock while the learner takes a break; the attempt, and the
    learner's place in it (a scenario's path included), stay exactly as they are."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _open(user=user, attempt_id=attempt_id, now=now)
        if attempt is not None:
            if attempt.clock_started_at is not None:
                attempt.seconds_used += int((now - attempt.clock_started_at).total_seconds())
                attempt.clock_started_at = None
            attempt.on_break = True
            attempt.save(update_fields=["seconds_used", "clock_started_at", "on_break"])
    if attempt is None:
        raise _time_ran_out()
    return attempt


def _restart(attempt: Attempt, now: datetime) -> Attempt:
    if attempt.on_break:
        attempt.on_break = False
        if attempt.seconds_allowed is not None:
            attempt.clock_started_at = now
        attempt.save(update_fields=["on_break", "clock_started_at"])
    return attempt


def resume(*, user: User, attempt_id: int) -> Attempt:
    """Back from a break: the clock runs again from where it stopped."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _open(user=user, attempt_id=attempt_id, now=now)
        if attempt is not None:
            _restart(attempt, now)
    if attempt is None:
        raise _time_ran_out()
    return attempt


# --- Answering ----------------------------------------------------------------------------


def _slot(attempt: Attempt, slot: int) -> Answer:
    answer = (
        Answer.objects.select_related("question_version").filter(attempt=attempt, slot=slot).first()
    )
    if answer is None:
        raise InvalidResponse("This attempt has no such question.")
    return answer


def _shows_feedback_now(attempt: Attempt) -> bool:
    return attempt.quiz.feedback_timing == Quiz.FeedbackTiming.AFTER_EACH


def answer(*, user: User, attempt_id: int, slot: int, response: object) -> Answer:
    """Record the learner's answer to a single, multiple or ordering question.

    With feedback after each question the answer is graded now and stands once its
    feedback is shown; with feedback after submission it may be changed until then.
    """
    now = timezone.now()
    with transaction.atomic():
        attempt = _open(user=user, attempt_id=attempt_id, now=now)
        if attempt is not None:
            row = _slot(attempt, slot)
            version = row.question_version
            if row.answered_at is not None and _shows_feedback_now(attempt):
                raise AlreadyAnswered("This answer's feedback was shown, so it stands.")
            checked = grading.check_response(version.body, response)
            row.response = checked
            row.answered_at = now
            row.mark = _decimal(grading.mark(version.body, checked, version.max_score))
            # Answering (in another tab, say) ends a break: the clock never stops for work.
            _restart(attempt, now)
            row.save(update_fields=["response", "answered_at", "mark"])
    if attempt is None:
        raise _time_ran_out()
    return row


def decide(*, user: User, attempt_id: int, slot: int, step_id: str, option_id: str) -> Answer:
    """Take one decision in a scenario: it extends the learner's path, which is their
    place in the scenario on any device. A decision, once taken, stands."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _open(user=user, attempt_id=attempt_id, now=now)
        if attempt is not None:
            row = _slot(attempt, slot)
            body = row.question_version.body
            if body["type"] != "scenario":
                raise InvalidResponse("Only a scenario is answered one decision at a time.")
            path = grading.choose(body, (row.response or {}).get("path", []), step_id, option_id)
            _restart(attempt, now)
            row.response = {"path": path}
            row.mark = _decimal(grading.mark(body, row.response, row.question_version.max_score))
            if grading.is_ending(body, grading.position(body, path)):
                row.answered_at = now
            row.save(update_fields=["response", "answered_at", "mark"])
    if attempt is None:
        raise _time_ran_out()
    return row


# --- Submitting ---------------------------------------------------------------------------


def _grade(attempt: Attempt, *, now: datetime) -> Attempt:
    """Mark every slot from its stored response, score the attempt and close it. Each
    scored question weighs the same; an unanswered one earns nothing."""
    total = Fraction(0)
    scored = 0
    changed: list[Answer] = []
    answers = list(Answer.objects.select_related("question_version").filter(attempt=attempt))
    for row in answers:
        version = row.question_version
        if version.max_score == 0:
            continue
        scored += 1
        earned = grading.mark(version.body, row.response, version.max_score)
        total += earned
        value = _decimal(earned)
        if row.mark != value:
            row.mark = value
            changed.append(row)
    # One statement however many slots were left unanswered.
    Answer.objects.bulk_update(changed, ["mark"])
    score = total / scored if scored else Fraction(1)
    attempt.score = _decimal(score)
    attempt.passed = score * 100 >= attempt.quiz.pass_mark
    attempt.submitted_at = now
    if attempt.clock_started_at is not None:
        attempt.seconds_used += int((now - attempt.clock_started_at).total_seconds())
        attempt.clock_started_at = None
    attempt.on_break = False
    attempt.save(
        update_fields=[
            "score",
            "passed",
            "submitted_at",
            "seconds_used",
            "clock_started_at",
            "on_break",
        ]
    )
    return attempt


def submit(*, user: User, attempt_id: int) -> Attempt:
    """Grade and close the attempt; submitting again (a double click, two tabs, a
    retried request) returns it as it was graded the first time."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _locked(user=user, attempt_id=attempt_id)
        if attempt.submitted_at is not None:
            return attempt
        return _grade(attempt, now=now)


# --- Reflections --------------------------------------------------------------------------


def save_reflection(*, user: User, question: Question, text: str) -> Reflection | None:
    """Keep (or replace) the learner's private reflection; an empty text deletes it."""
    if question.type != Question.Type.REFLECTION:
        raise InvalidResponse("Only a reflection prompt takes free text.")
    text = text.strip()
    if len(text) > MAX_REFLECTION_LENGTH:
        raise InvalidResponse(
            f"A reflection is at most {MAX_REFLECTION_LENGTH} characters; this is {len(text)}."
        )
    if not text:
        delete_reflection(user=user, question=question)
        return None
    reflection, _ = Reflection.objects.update_or_create(
        user=user, question=question, defaults={"text": text}
    )
    return reflection


def delete_reflection(*, user: User, question: Question) -> int:
    """Delete the learner's reflection for real: the row is gone, not hidden."""
    deleted, _ = Reflection.objects.filter(user=user, question=question).delete()
    return deleted


def reflection_of(*, user: User, question: Question) -> Reflection | None:
    return Reflection.objects.filter(user=user, question=question).first()
