"""Taking a quiz: the page for one slot, and the actions on it (answer, decide in a
scenario, write or delete a private reflection, submit).

Each action loads the learner's own attempt, makes one service call and redirects; an
answer the question does not accept re-renders the same page with the reason (400) and
nothing stored. Grading, the clock and fairness are the service's (quizzes.services).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import profile_required, request_user
from quizzes import forms, selectors, services
from quizzes.models import Question
from quizzes.views import slots
from quizzes.views.common import (
    closed,
    default_slot,
    guarded,
    is_reflection,
    load_attempt,
    load_quiz,
    no_attempt,
    out_of_time,
    posted_slot,
    render_take,
    slot_of,
    take_url,
    time_left,
)


def _requested_slot(value: str | None, total: int) -> int | None:
    slot = posted_slot(value)
    return slot if slot is not None and slot <= total else None


@login_required
@profile_required
@require_GET
def take(request: HttpRequest, quiz_slug: str) -> HttpResponse:
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    attempt = selectors.own_attempt(user=user, quiz=quiz, attempt_id=None)
    if attempt is None:
        return redirect("quizzes:quiz", quiz_slug=quiz.slug)
    if attempt.on_break:
        # Coming back (on this device or another) ends the break and restarts the clock.
        try:
            attempt = services.resume(user=user, attempt_id=attempt.pk)
        except services.OutOfTime:
            return out_of_time(request, attempt)
        except services.AttemptClosed:
            return closed(request, attempt)
        attempt.quiz = quiz
    answers = selectors.attempt_answers(attempt)
    slot = _requested_slot(request.GET.get("slot"), len(answers)) or default_slot(answers)
    return render_take(request, user=user, quiz=quiz, attempt=attempt, answers=answers, slot=slot)


def _next_after(slot: int, total: int) -> int:
    return slot + 1 if slot < total else slot


@login_required
@profile_required
@require_POST
def answer(request: HttpRequest, quiz_slug: str, slot: int) -> HttpResponse:
    """Answer a single, multiple or ordering question; or, for an ordering question,
    move one item up or down without answering yet ("Move up", "Move down")."""
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    attempt = load_attempt(request, user=user, quiz=quiz)
    if attempt is None:
        return no_attempt(request, quiz)

    def act() -> HttpResponse:
        answers = selectors.attempt_answers(attempt)
        current = slot_of(answers, slot)
        kind = current.question_version.body["type"]

        def this_slot(
            question: slots.Question | None = None, *, error: str = "", notice: str = ""
        ) -> HttpResponse:
            # The take page again at this slot: an answer refused (400, with why), or an
            # ordering rearranged but not yet answered (with what moved).
            return render_take(
                request,
                user=user,
                quiz=quiz,
                attempt=attempt,
                answers=answers,
                slot=slot,
                question=question,
                error=error,
                notice=notice,
                status=400 if error else 200,
            )

        if kind == "ordering":
            shown = slots.ordering_order(attempt, current)
            move = forms.parse_move(request.POST.get("move", ""), shown)
            if move is not None:
                item_id, direction = move
                order = forms.rearranged(shown, request.POST, item_id, direction)
                question = slots.ordering_question(
                    attempt, current, order=order, moved=item_id, moved_direction=direction
                )
                item = next(each for each in question.items if each.id == item_id)
                notice = _("“%(item)s” is now in position %(position)d of %(count)d.") % {
                    "item": item.text,
                    "position": item.position,
                    "count": len(order),
                }
                return this_slot(question, notice=notice)
            try:
                response = forms.ordering_response(shown, request.POST)
            except services.InvalidResponse as error:
                return this_slot(
                    slots.ordering_question(
                        attempt,
                        current,
                        order=forms.arranged(shown, request.POST),
                        positions=forms.submitted_positions(shown, request.POST),
                    ),
                    error=str(error),
                )
        else:
            response = forms.choice_response(kind, request.POST)
        try:
            services.answer(user=user, attempt_id=attempt.pk, slot=slot, response=response)
        except services.AlreadyAnswered:
            messages.info(request, _("You answered this question already; that answer stands."))
            return redirect(take_url(quiz, slot))
        except services.InvalidResponse as error:
            return this_slot(error=str(error))
        if quiz.feedback_timing == quiz.FeedbackTiming.AFTER_EACH:
            # The same slot again, now with its feedback.
            return redirect(take_url(quiz, slot))
        messages.success(
            request,
            _("Your answer to question %(slot)d is saved. You can change it until you submit.")
            % {"slot": slot},
        )
        return redirect(take_url(quiz, _next_after(slot, len(answers))))

    return guarded(request, user=user, attempt=attempt, action=act)


@login_required
@profile_required
@require_POST
def decide(request: HttpRequest, quiz_slug: str, slot: int) -> HttpResponse:
    """Take the decision in front of the learner in a scenario; it stands once taken."""
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    attempt = load_attempt(request, user=user, quiz=quiz)
    if attempt is None:
        return no_attempt(request, quiz)

    def act() -> HttpResponse:
        try:
            services.decide(
                user=user,
                attempt_id=attempt.pk,
                slot=slot,
                step_id=request.POST.get("step", ""),
                option_id=request.POST.get("option", ""),
            )
        except services.InvalidResponse as error:
            answers = selectors.attempt_answers(attempt)
            slot_of(answers, slot)
            return render_take(
                request,
                user=user,
                quiz=quiz,
                attempt=attempt,
                answers=answers,
                slot=slot,
                error=str(error),
                status=400,
            )
        return redirect(take_url(quiz, slot))

    return guarded(request, user=user, attempt=attempt, action=act)


@login_required
@profile_required
@require_POST
def reflection(request: HttpRequest, quiz_slug: str, question_slug: str) -> HttpResponse:
    """Save, replace or delete the learner's private reflection. It belongs to them, not
    to an attempt: it is never scored and never shown to anyone else."""
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    question = get_object_or_404(
        Question.objects.current().filter(quiz=quiz, type=Question.Type.REFLECTION),
        slug=question_slug,
    )
    attempt = load_attempt(request, user=user, quiz=quiz)
    if attempt is not None and attempt.is_open:
        back = redirect(take_url(quiz, posted_slot(request.POST.get("slot"))))
    else:
        back = redirect("quizzes:quiz", quiz_slug=quiz.slug)
    if "delete" in request.POST:
        if services.delete_reflection(user=user, question=question):
            messages.success(request, _("What you wrote is deleted. It is gone for good."))
        else:
            messages.info(request, _("There was nothing saved here."))
        return back
    text = request.POST.get("text", "")
    try:
        saved = services.save_reflection(user=user, question=question, text=text)
    except services.InvalidResponse as error:
        answers = selectors.attempt_answers(attempt) if attempt and attempt.is_open else []
        here = next(
            (each.slot for each in answers if each.question_version.question_id == question.pk),
            None,
        )
        if attempt is None or here is None:
            messages.error(request, str(error))
            return back
        return render_take(
            request,
            user=user,
            quiz=quiz,
            attempt=attempt,
            answers=answers,
            slot=here,
            error=str(error),
            reflection_text=text,
            status=400,
        )
    if saved is None:
        messages.success(request, _("There is nothing saved here now."))
    else:
        messages.success(request, _("Saved. Only you can see what you wrote."))
    return back


@login_required
@profile_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, quiz_slug: str) -> HttpResponse:
    """Submit, after a confirmation that lists what is still unanswered. Submitting
    again (a double click, a second tab) shows the results graded the first time."""
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    attempt = load_attempt(request, user=user, quiz=quiz)
    if attempt is None:
        return no_attempt(request, quiz)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        graded = services.submit(user=user, attempt_id=attempt.pk)
        return redirect("quizzes:results", attempt_id=graded.pk)
    if not attempt.is_open:
        return redirect("quizzes:results", attempt_id=attempt.pk)
    answers = selectors.attempt_answers(attempt)
    return render(
        request,
        "quizzes/submit.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            # Reflections are private and optional: never "unanswered".
            "unanswered": [
                {"slot": each.slot, "is_started": bool(each.response)}
                for each in answers
                if each.answered_at is None and not is_reflection(each)
            ],
            "time_left": time_left(attempt),
        },
    )
