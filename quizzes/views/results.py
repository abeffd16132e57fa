"""An attempt's results: the score against the pass mark, and every question with the
learner's answer, how it did, the feedback for every option, the sources and the lessons;
for a scenario, the path taken beside the best path. Reflections never appear here."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.decorators import profile_required, request_user
from quizzes import selectors, services
from quizzes.views import review


@login_required
@profile_required
@require_GET
def results(request: HttpRequest, attempt_id: int) -> HttpResponse:
    user = request_user(request)
    # Only the learner's own attempts: anyone else's id is not found.
    attempt = get_object_or_404(
        selectors.own_attempts(user).select_related("quiz__module"), pk=attempt_id
    )
    quiz = attempt.quiz
    if attempt.is_open:
        return redirect("quizzes:take", quiz_slug=quiz.slug)
    answers = [
        each
        for each in selectors.attempt_answers(attempt)
        if each.question_version.body["type"] != "reflection"
    ]
    titles = selectors.lesson_titles(
        review.lesson_slugs(each.question_version.body for each in answers)
    )
    can_try_again = False
    if not attempt.passed:
        if quiz.attempts_allowed is None:
            can_try_again = True
        else:
            _multiplier, extra = selectors.accommodation_of(user)
            allowed = services.attempts_allowed(quiz=quiz, extra_attempts=extra)
            can_try_again = (
                allowed is None or selectors.attempts_used(user=user, quiz=quiz) < allowed
            )
    return render(
        request,
        "quizzes/results.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "percent": review.percent(attempt.score),
            "can_try_again": can_try_again,
            "reviews": [
                {"slot": each.slot, "review": found}
                for each in answers
                if (
                    found := review.review(
                        attempt=attempt, answer=each, module=quiz.module, titles=titles
                    )
                )
                is not None
            ],
        },
    )
