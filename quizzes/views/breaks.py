"""“Take a break” on a quiz (DESIGN.md §6): the attempt and the learner's place stay as
they are, a timed attempt's clock stops, and a calm page offers support and "Resume"."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.decorators import profile_required, request_user
from quizzes import selectors, services
from quizzes.views.common import (
    guarded,
    load_attempt,
    load_quiz,
    posted_slot,
    take_url,
    time_left,
)


@login_required
@profile_required
@require_http_methods(["GET", "POST"])
def take_break(request: HttpRequest, quiz_slug: str) -> HttpResponse:
    """POST (`quizzes:break`): take the break; GET (`quizzes:break-page`): the page."""
    if request.method == "POST":
        return _take_break(request, quiz_slug)
    return _break_page(request, quiz_slug)


def _take_break(request: HttpRequest, quiz_slug: str) -> HttpResponse:
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    page = reverse("quizzes:break-page", kwargs={"quiz_slug": quiz.slug})
    slot = posted_slot(request.POST.get("slot"))
    if slot is not None:
        page = f"{page}?slot={slot}"
    attempt = load_attempt(request, user=user, quiz=quiz)
    if attempt is None:
        # A break from the quiz's own page, before starting: nothing to stop, the same
        # calm page.
        return redirect(page)

    def act() -> HttpResponse:
        services.take_break(user=user, attempt_id=attempt.pk)
        return redirect(page)

    return guarded(request, user=user, attempt=attempt, action=act)


def _break_page(request: HttpRequest, quiz_slug: str) -> HttpResponse:
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    attempt = selectors.own_attempt(user=user, quiz=quiz, attempt_id=None)
    total = 0
    slot = None
    if attempt is not None:
        total = selectors.slot_count(attempt)
        slot = posted_slot(request.GET.get("slot"))
        if slot is not None and slot > total:
            slot = None
    return render(
        request,
        "quizzes/break.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "slot": slot,
            "total": total,
            "resume_url": (
                take_url(quiz, slot)
                if attempt is not None
                else reverse("quizzes:quiz", kwargs={"quiz_slug": quiz.slug})
            ),
            "time_left": time_left(attempt, paused=attempt.on_break) if attempt is not None else "",
        },
    )
