"""Every quiz page and action has a fixed query budget: the same count for a quiz of 4
questions with 1 past attempt as for a quiz of 12 questions with 10 past attempts
(DESIGN.md §7). Templates read only what the views loaded: the question bodies come with
the answers in one query, and the page is built from plain records."""

from http import HTTPStatus
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from quizzes import services
from quizzes.models import Attempt, Question, Quiz
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import LessonFactory
from tests.quizzes.test_views import practice

pytestmark = pytest.mark.django_db

SIZES = [(4, 1), (12, 10)]

# Page -> queries. The first two of every page are the session and the user; every
# quiz page then loads the quiz with its module (one query).
PAGES = {
    # + the learner's attempts at the quiz (the open one among them). A quiz with
    #   limited attempts or a time limit adds the learner's accommodation.
    "quiz": 4,
    # Every take page: + the open attempt, + its answers with their question versions
    # and questions (bodies included: nothing else is read to show any slot).
    # A scenario part-way through: nothing more.
    "take-scenario": 5,
    # + the learner's own reflection on this prompt.
    "take-reflection": 6,
    # Feedback after an answer: + the titles of the lessons the question points to.
    "take-feedback": 6,
    # A question not yet answered: nothing more.
    "take-question": 5,
    # + the open attempt, + how many questions it has.
    "break-page": 5,
    # The confirmation: + the open attempt, + its answers (to list the unanswered).
    "submit": 5,
    # No quiz query: + the attempt with its quiz and module, + its answers with their
    # versions, + the lessons' titles. (A limited quiz not passed adds two: the
    # accommodation and the attempts used, to say whether another is allowed.)
    "results": 5,
}


def world(size: int, past: int) -> tuple[User, Quiz, Attempt]:
    """A learner with `past` submitted attempts at a practice quiz of `size` questions
    (a scenario, a reflection, then single questions pointing to a lesson), and an open
    attempt: one decision taken, a reflection written, the third question answered."""
    lesson = LessonFactory()
    kinds = ["scenario", "reflection", *["single"] * (size - 2)]
    quiz = practice(kinds, lessons=[lesson.slug])
    learner = UserFactory()
    for _ in range(past):
        done = services.start_attempt(user=learner, quiz=quiz)
        services.answer(
            user=learner, attempt_id=done.pk, slot=3, response={"choice": f"{quiz.slug}-q3-b"}
        )
        services.submit(user=learner, attempt_id=done.pk)
    attempt = services.start_attempt(user=learner, quiz=quiz)
    scenario = f"{quiz.slug}-q1"
    services.decide(
        user=learner,
        attempt_id=attempt.pk,
        slot=1,
        step_id=f"{scenario}-d1",
        option_id=f"{scenario}-d1-a",
    )
    services.save_reflection(
        user=learner, question=Question.objects.get(slug=f"{quiz.slug}-q2"), text="Mine."
    )
    services.answer(
        user=learner, attempt_id=attempt.pk, slot=3, response={"choice": f"{quiz.slug}-q3-a"}
    )
    return learner, quiz, attempt


def page_url(name: str, quiz: Quiz, size: int) -> str:
    if name == "results":
        first = Attempt.objects.get(quiz=quiz, number=1)
        return reverse("quizzes:results", kwargs={"attempt_id": first.pk})
    if name == "quiz":
        return reverse("quizzes:quiz", kwargs={"quiz_slug": quiz.slug})
    if name == "break-page":
        return reverse("quizzes:break-page", kwargs={"quiz_slug": quiz.slug}) + "?slot=2"
    if name == "submit":
        return reverse("quizzes:submit", kwargs={"quiz_slug": quiz.slug})
    slot = {"take-scenario": 1, "take-reflection": 2, "take-feedback": 3}.get(name, size)
    return reverse("quizzes:take", kwargs={"quiz_slug": quiz.slug}) + f"?slot={slot}"


def sql(queries: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"][:90] for query in queries.captured_queries)


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize(("size", "past"), SIZES)
def test_quiz_page_query_budget(client: Client, name: str, size: int, past: int) -> None:
    learner, quiz, _attempt = world(size, past)
    client.force_login(learner)
    url = page_url(name, quiz, size)
    # Once to warm what is cached between requests (rendered Markdown).
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, response.get("Location")
    assert len(queries) == PAGES[name], sql(queries)


def test_a_limited_quiz_reads_the_accommodation_too(client: Client) -> None:
    learner, quiz, _attempt = world(4, 1)
    Quiz.objects.filter(pk=quiz.pk).update(attempts_allowed=5)
    client.force_login(learner)
    url = page_url("quiz", quiz, 4)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == PAGES["quiz"] + 1, sql(queries)


# Action -> (url name, form data, queries). Each: the session, the user, the quiz with
# its module, the learner's attempt named in the form (4). A service owns its
# transaction: in tests a savepoint and its release (2), around the attempt locked
# (SELECT ... FOR UPDATE is a plain SELECT on SQLite) and its reads and writes.
ACTIONS: dict[str, tuple[str, dict[str, Any], int]] = {
    # + the answers (the slot's type, and the page again should the answer be refused);
    #   the service: the attempt, the slot with its version, the answer saved.
    "answer": ("quizzes:answer", {"choice": "{quiz}-q4-b"}, 4 + 1 + 2 + 3),
    # The service: the attempt, the slot with its version, the path saved.
    "decide": ("quizzes:decide", {"step": "{quiz}-q1-d2", "option": "{quiz}-q1-d2-a"}, 4 + 2 + 3),
    # + the reflection prompt; the service writes the reflection (update_or_create:
    #   a read and the update, in its own savepoint).
    "reflection": ("quizzes:reflection", {"text": "Changed.", "slot": "2"}, 4 + 1 + 2 + 2),
    # The service: the attempt, then the attempt saved with its clock stopped.
    "break": ("quizzes:break", {"slot": "2"}, 4 + 2 + 2),
    # The service: the attempt, its answers with their versions, the attempt closed with
    # its score. (Every scored slot is answered here: services._grade writes the mark
    # of each unanswered slot with its own UPDATE, so that count grows with the quiz.)
    "submit": ("quizzes:submit", {"confirm": "yes"}, 4 + 2 + 3),
    # No attempt named: the service finds the open one and returns it.
    "start": ("quizzes:start", {}, 3 + 1),
}


def action_url(name: str, quiz: Quiz) -> str:
    kwargs: dict[str, Any] = {"quiz_slug": quiz.slug}
    if name in ("quizzes:answer", "quizzes:decide"):
        kwargs["slot"] = 4 if name == "quizzes:answer" else 1
    if name == "quizzes:reflection":
        kwargs["question_slug"] = f"{quiz.slug}-q2"
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize(("size", "past"), SIZES)
def test_quiz_action_query_budget(client: Client, action: str, size: int, past: int) -> None:
    learner, quiz, attempt = world(size, past)
    client.force_login(learner)
    name, data, budget = ACTIONS[action]
    if action == "submit":
        for slot in range(4, size + 1):
            choice = {"choice": f"{quiz.slug}-q{slot}-b"}
            services.answer(user=learner, attempt_id=attempt.pk, slot=slot, response=choice)
    form = {key: value.format(quiz=quiz.slug) for key, value in data.items()}
    if action != "start":
        form["attempt"] = str(attempt.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(action_url(name, quiz), form)
    assert response.status_code == HTTPStatus.FOUND
    assert len(queries) == budget, sql(queries)
