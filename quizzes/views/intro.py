"""A quiz's own page (what it is, how it works, the learner's past attempts) and
starting or continuing an attempt."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import profile_required, request_user
from curriculum.markdown import render_markdown
from quizzes import selectors, services
from quizzes.views.common import load_quiz
from quizzes.views.review import percent


@login_required
@profile_required
@require_GET
def quiz_detail(request: HttpRequest, quiz_slug: str) -> HttpResponse:
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    attempts = selectors.past_attempts(user=user, quiz=quiz)
    # An accommodation changes only limited attempts and timed quizzes: read it then.
    multiplier, extra = (
        selectors.accommodation_of(user)
        if quiz.attempts_allowed is not None or quiz.time_limit_minutes is not None
        else (1, 0)
    )
    allowed = services.attempts_allowed(quiz=quiz, extra_attempts=extra)
    used = attempts[0].number if attempts else 0
    return render(
        request,
        "quizzes/quiz.html",
        {
            "quiz": quiz,
            "intro_html": render_markdown(quiz.intro),
            "open_attempt": next((each for each in attempts if each.is_open), None),
            "past_attempts": [
                {
                    "id": each.pk,
                    "number": each.number,
                    "submitted_at": each.submitted_at,
                    "percent": percent(each.score),
                    "passed": each.passed,
                }
                for each in attempts
                if not each.is_open
            ],
            "attempts_allowed": allowed,
            "attempts_left": None if allowed is None else max(allowed - used, 0),
            "minutes_allowed": (
                int(quiz.time_limit_minutes * multiplier)
                if quiz.time_limit_minutes is not None
                else None
            ),
            "has_extra_time": multiplier > 1,
        },
    )


@login_required
@profile_required
@require_POST
def start(request: HttpRequest, quiz_slug: str) -> HttpResponse:
    """Start an attempt, or continue the one open (two clicks start one)."""
    user = request_user(request)
    quiz = load_quiz(quiz_slug)
    try:
        services.start_attempt(user=user, quiz=quiz)
    except services.NoAttemptsLeft:
        messages.warning(
            request,
            _(
                "You have used every attempt this quiz allows. If you would like another, "
                "ask your agency's administrator: you do not need to give a reason."
            ),
        )
        return redirect("quizzes:quiz", quiz_slug=quiz.slug)
    return redirect("quizzes:take", quiz_slug=quiz.slug)
