"""What every quiz view shares: loading the quiz and the learner's own attempt, the
answers to the services' refusals (time ran out, already submitted), the clock in words,
and the take page itself, which actions re-render with a specific error."""

import math
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from quizzes import selectors, services
from quizzes.models import Answer, Attempt, Quiz
from quizzes.views import review, slots


def load_quiz(quiz_slug: str) -> Quiz:
    return get_object_or_404(selectors.current_quizzes(), slug=quiz_slug)


def load_attempt(request: HttpRequest, *, user: User, quiz: Quiz) -> Attempt | None:
    """The attempt a form names (`attempt`, so a second click on a submitted attempt
    finds that attempt, not nothing), else the learner's open attempt at the quiz. An
    attempt named that is not one of the learner's own at this quiz is not found."""
    posted = request.POST.get("attempt", "")
    if not posted:
        return selectors.own_attempt(user=user, quiz=quiz, attempt_id=None)
    try:
        attempt_id = int(posted)
    except ValueError as error:
        raise Http404 from error
    attempt = selectors.own_attempt(user=user, quiz=quiz, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    return attempt


def posted_slot(value: str | None) -> int | None:
    """A slot number sent by a form or a link (1, 2, ...), or None."""
    try:
        slot = int(value or "")
    except ValueError:
        return None
    return slot if slot >= 1 else None


def take_url(quiz: Quiz, slot: int | None = None) -> str:
    url = reverse("quizzes:take", kwargs={"quiz_slug": quiz.slug})
    return f"{url}?slot={slot}" if slot else url


def no_attempt(request: HttpRequest, quiz: Quiz) -> HttpResponse:
    messages.info(request, _("You have no attempt open at this quiz. You can start one here."))
    return redirect("quizzes:quiz", quiz_slug=quiz.slug)


def closed(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    messages.info(
        request, _("This attempt has been submitted, so it cannot change. Here is how it went.")
    )
    return redirect("quizzes:results", attempt_id=attempt.pk)


def out_of_time(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    """The service has graded the attempt on what was answered in time: say so."""
    messages.warning(
        request,
        _(
            "The time for this attempt ran out, so it was submitted with the answers you "
            "gave in time."
        ),
    )
    return redirect("quizzes:results", attempt_id=attempt.pk)


def guarded(
    request: HttpRequest, *, user: User, attempt: Attempt, action: Callable[[], HttpResponse]
) -> HttpResponse:
    """Run an action on the attempt, answering the refusals every action can meet."""
    if not attempt.is_open:
        return closed(request, attempt)
    try:
        return action()
    except services.OutOfTime:
        return out_of_time(request, attempt)
    except services.AttemptClosed:
        return closed(request, attempt)
    except services.NotYourAttempt as error:
        raise Http404 from error


def time_left(attempt: Attempt, *, paused: bool = False) -> str:
    """The clock in plain words ("" when the attempt is not timed). No countdown: the
    page says how much time is left when it is shown, and that a break stops it."""
    seconds = services.seconds_left(attempt)
    if seconds is None:
        return ""
    if seconds == 0:
        return _("Your time for this attempt is up. Submit it to see how you did.")
    minutes = math.ceil(seconds / 60)
    if paused:
        return ngettext(
            "Your clock is stopped while you are away, with about %(minutes)d minute left.",
            "Your clock is stopped while you are away, with about %(minutes)d minutes left.",
            minutes,
        ) % {"minutes": minutes}
    return ngettext(
        "About %(minutes)d minute left. The clock stops while you take a break.",
        "About %(minutes)d minutes left. The clock stops while you take a break.",
        minutes,
    ) % {"minutes": minutes}


def slot_of(answers: list[Answer], slot: int) -> Answer:
    if not 1 <= slot <= len(answers):
        raise Http404
    return answers[slot - 1]


def default_slot(answers: list[Answer]) -> int:
    """Where the learner is: the first slot not yet answered (a scenario not yet at an
    ending, a reflection), else the last."""
    for answer in answers:
        if answer.answered_at is None:
            return answer.slot
    return len(answers)


def is_reflection(answer: Answer) -> bool:
    return answer.question_version.body["type"] == "reflection"


def render_take(
    request: HttpRequest,
    *,
    user: User,
    quiz: Quiz,
    attempt: Attempt,
    answers: list[Answer],
    slot: int,
    question: slots.Question | None = None,
    error: str = "",
    notice: str = "",
    reflection_text: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The take page at one slot. `question` replaces what the slot would show (an
    ordering rearranged but not yet answered); `error` says why an answer was refused."""
    current = slot_of(answers, slot) if answers else None
    feedback_now = quiz.feedback_timing == Quiz.FeedbackTiming.AFTER_EACH
    shown_review: review.Review | None = None
    if current is not None and question is None:
        body = current.question_version.body
        kind = body["type"]
        answered = current.answered_at is not None
        if kind in ("single", "multiple", "ordering") and answered and feedback_now:
            shown_review = review.review(
                attempt=attempt,
                answer=current,
                module=quiz.module,
                titles=selectors.lesson_titles(review.lesson_slugs([body])),
            )
        elif kind in ("single", "multiple"):
            question = slots.choice_question(attempt, current)
        elif kind == "ordering":
            question = slots.ordering_question(attempt, current)
        elif kind == "scenario":
            question = slots.scenario_question(
                attempt, current, module=quiz.module, with_feedback=feedback_now
            )
        else:
            saved = services.reflection_of(user=user, question=current.question_version.question)
            question = slots.reflection_question(
                current,
                text=reflection_text
                if reflection_text is not None
                else (saved.text if saved else ""),
                has_saved=saved is not None,
            )
    total = len(answers)
    return render(
        request,
        "quizzes/take.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "slot": slot,
            "total": total,
            "slots": [
                {
                    "slot": each.slot,
                    "is_current": each.slot == slot,
                    "is_answered": each.answered_at is not None,
                    "is_started": each.answered_at is None and bool(each.response),
                    "is_reflection": is_reflection(each),
                }
                for each in answers
            ],
            "question": question,
            "review": shown_review,
            # An answer saved on a quiz that gives feedback after submission: it can be
            # changed until then, and nothing says whether it is right.
            "is_saved": (
                current is not None
                and current.answered_at is not None
                and not feedback_now
                and not is_reflection(current)
            ),
            "feedback_now": feedback_now,
            "previous_slot": slot - 1 if slot > 1 else None,
            "next_slot": slot + 1 if slot < total else None,
            "time_left": time_left(attempt),
            "error": error,
            "notice": notice,
        },
        status=status,
    )
