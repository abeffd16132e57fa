"""The learner's quiz pages at their edges: sign-in, the happy paths, fairness (nothing
about the right answer before a slot is answered), bad input, other people's attempts,
breaks and the clock, and results.

Quizzes here are built with factories from bodies whose feedback, situations and
endings are unique sentinels, so a leak shows up as a plain substring."""

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from typing import Any
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from curriculum.models import Module
from quizzes import graph, services
from quizzes.models import Answer, Attempt, Question, QuestionVersion, Quiz, Reflection
from quizzes.parsing import body_hash
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import LessonFactory, ModuleFactory
from tests.quizzes.factories import QuizFactory
from tests.test_pages import assert_runs_only_its_own_scripts, by_id, find_all, parse

pytestmark = pytest.mark.django_db

SENTINEL = "SENTINEL"
RATING_WORDS = re.compile(r"\b(better|acceptable|harmful)\b", re.IGNORECASE)
REFERENCES = [
    {
        "id": "R1",
        "authors": "An Author",
        "title": "A Report Worth Citing",
        "publisher": "A Publisher",
        "year": 2020,
        "identifier": "https://example.org/report",
        "verified": True,
    }
]


# --- Building quizzes ---------------------------------------------------------------------


def single(qid: str, *, lessons: Sequence[str] = ()) -> dict[str, Any]:
    """Three options; the second is the right one (so file order gives nothing away)."""
    return {
        "type": "single",
        "prompt": f"Which of these fits {qid}?",
        "lessons": list(lessons),
        "sources": ["R1"],
        "jurisdiction": [],
        "options": [
            {
                "id": f"{qid}-{letter}",
                "text": f"Option {letter} of {qid}",
                "correct": letter == "b",
                "feedback": f"{SENTINEL}-{qid}-{letter}",
            }
            for letter in "abc"
        ],
    }


def multiple(qid: str) -> dict[str, Any]:
    body = single(qid)
    body["type"] = "multiple"
    body["scoring"] = "partial"
    body["sources"] = "expert judgement"
    body["options"][0]["correct"] = True
    return body


def ordering(qid: str) -> dict[str, Any]:
    return {
        "type": "ordering",
        "prompt": f"Put the steps of {qid} in order.",
        "scoring": "partial",
        "lessons": [],
        "sources": ["R1"],
        "jurisdiction": [],
        "items": [
            {"id": f"{qid}-{n}", "text": f"Step {n} of {qid}", "feedback": f"{SENTINEL}-{qid}-{n}"}
            for n in (1, 2, 3, 4)
        ],
    }


def _option(qid: str, step: str, letter: str, rating: str, score: int, nxt: str) -> dict[str, Any]:
    return {
        "id": f"{qid}-{step}-{letter}",
        "text": f"Decision {letter} at {step} of {qid}",
        "rating": rating,
        "score": score,
        "feedback": f"{SENTINEL}-{qid}-{step}-{letter}",
        "sources": ["R1"] if rating == "better" else "expert judgement",
        "next": f"{qid}-{nxt}",
    }


def scenario(qid: str) -> dict[str, Any]:
    """d1 -> d2 or d3 -> an ending; the best path is d1-a, d2-a, end-steady (4 points)."""
    return {
        "type": "scenario",
        "title": f"Scenario {qid}",
        "setting": f"You are meeting someone for {qid}.",
        "start": f"{qid}-d1",
        "lessons": [],
        "sources": [],
        "jurisdiction": [],
        "steps": [
            {
                "id": f"{qid}-d1",
                "situation": f"Situation one of {qid}.",
                "lessons": [],
                "jurisdiction": [],
                "options": [
                    _option(qid, "d1", "a", "better", 2, "d2"),
                    _option(qid, "d1", "b", "acceptable", 1, "d2"),
                    _option(qid, "d1", "c", "harmful", 0, "d3"),
                ],
            },
            {
                "id": f"{qid}-d2",
                "situation": f"Situation two of {qid}.",
                "lessons": [],
                "jurisdiction": [],
                "options": [
                    _option(qid, "d2", "a", "better", 2, "end-steady"),
                    _option(qid, "d2", "b", "harmful", 0, "end-rushed"),
                ],
            },
            {
                "id": f"{qid}-d3",
                "situation": f"Situation three of {qid}.",
                "lessons": [],
                "jurisdiction": [],
                "options": [
                    _option(qid, "d3", "a", "better", 2, "end-steady"),
                    _option(qid, "d3", "b", "harmful", 0, "end-rushed"),
                ],
            },
        ],
        "endings": [
            {"id": f"{qid}-end-steady", "text": f"Ending steady of {qid}."},
            {"id": f"{qid}-end-rushed", "text": f"Ending rushed of {qid}."},
        ],
    }


def reflection(qid: str) -> dict[str, Any]:
    return {
        "type": "reflection",
        "prompt": "Think about how you open a meeting. Do not write case or client details.",
        "lessons": [],
        "jurisdiction": [],
    }


BUILDERS = {
    "single": single,
    "multiple": multiple,
    "ordering": ordering,
    "scenario": scenario,
    "reflection": reflection,
}


def max_score(body: dict[str, Any]) -> int:
    if body["type"] == "scenario":
        return graph.max_score(graph.Graph.from_body(body))
    return 0 if body["type"] == "reflection" else 1


def build_quiz(
    kinds: Sequence[str],
    *,
    module: Module | None = None,
    lessons: Sequence[str] = (),
    **fields: Any,
) -> Quiz:
    """A current quiz with one question per kind, in order, each with its first version
    as the current one. `lessons` go on every single question."""
    module = module or ModuleFactory(references=[dict(r) for r in REFERENCES])
    quiz = QuizFactory(module=module, **fields)
    for order, kind in enumerate(kinds, start=1):
        qid = f"{quiz.slug}-q{order}"
        body = single(qid, lessons=lessons) if kind == "single" else BUILDERS[kind](qid)
        question = Question.objects.create(slug=qid, quiz=quiz, order=order, type=kind)
        question.current_version = QuestionVersion.objects.create(
            question=question,
            number=1,
            content_hash=body_hash(body),
            body=body,
            max_score=max_score(body),
            content_version="1.0.0-draft",
        )
        question.save(update_fields=["current_version"])
    return quiz


def practice(kinds: Sequence[str], **fields: Any) -> Quiz:
    return build_quiz(kinds, feedback_timing=Quiz.FeedbackTiming.AFTER_EACH, **fields)


def assessment(kinds: Sequence[str], **fields: Any) -> Quiz:
    return build_quiz(
        kinds,
        purpose=Quiz.Purpose.ASSESSMENT,
        feedback_timing=Quiz.FeedbackTiming.AFTER_SUBMISSION,
        pass_mark=60,
        **fields,
    )


def body_of(attempt: Attempt, slot: int) -> dict[str, Any]:
    answer = Answer.objects.select_related("question_version").get(attempt=attempt, slot=slot)
    return answer.question_version.body


# --- URLs ---------------------------------------------------------------------------------


def quiz_url(quiz: Quiz) -> str:
    return reverse("quizzes:quiz", kwargs={"quiz_slug": quiz.slug})


def take_url(quiz: Quiz, slot: int | None = None) -> str:
    url = reverse("quizzes:take", kwargs={"quiz_slug": quiz.slug})
    return f"{url}?slot={slot}" if slot else url


def action_url(name: str, quiz: Quiz, **kwargs: Any) -> str:
    return reverse(name, kwargs={"quiz_slug": quiz.slug, **kwargs})


def results_url(attempt: Attempt) -> str:
    return reverse("quizzes:results", kwargs={"attempt_id": attempt.pk})


def answer(client: Client, attempt: Attempt, slot: int, data: dict[str, Any]) -> Any:
    url = action_url("quizzes:answer", attempt.quiz, slot=slot)
    return client.post(url, {"attempt": attempt.pk, **data})


def decide(client: Client, attempt: Attempt, slot: int, step: str, option: str) -> Any:
    url = action_url("quizzes:decide", attempt.quiz, slot=slot)
    return client.post(url, {"attempt": attempt.pk, "step": step, "option": option})


def submit(client: Client, attempt: Attempt) -> Any:
    url = action_url("quizzes:submit", attempt.quiz)
    return client.post(url, {"attempt": attempt.pk, "confirm": "yes"})


def html_of(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_quiz_page_layout(response: Any) -> None:
    """One <h1>, the skip link, no inline styles, only our own scripts, and "Take a break"."""
    html = html_of(response)
    page = parse(html)
    assert len(find_all(page, "h1")) == 1
    assert find_all(page, "a", href="#main")[0].attrs["class"] == "skip-link"
    assert 'style="' not in html and "<style" not in html
    assert_runs_only_its_own_scripts(response)
    assert "Take a break" in html


# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory(professional_role=User.ProfessionalRole.OTHER)


@pytest.fixture
def learner_client(client: Client, learner: User) -> Client:
    client.force_login(learner)
    return client


@pytest.fixture
def other_learner(db: None) -> User:
    return UserFactory(professional_role=User.ProfessionalRole.OTHER)


@pytest.fixture
def frozen_now() -> Iterator[mock.MagicMock]:
    """django.utils.timezone.now, held still; move it with `.return_value = ...`. Starts
    at the real time, so sessions made by force_login stay valid."""
    with mock.patch("django.utils.timezone.now") as now:
        now.return_value = datetime.now(tz=timezone.get_fixed_timezone(0))
        yield now


# --- Access -------------------------------------------------------------------------------


def test_every_page_and_action_needs_a_signed_in_learner(client: Client) -> None:
    quiz = practice(["single", "reflection"])
    learner = UserFactory()
    attempt = services.start_attempt(user=learner, quiz=quiz)
    pages = [
        quiz_url(quiz),
        take_url(quiz),
        action_url("quizzes:break-page", quiz),
        action_url("quizzes:submit", quiz),
        results_url(attempt),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("account_login")), url
    actions = [
        action_url("quizzes:start", quiz),
        action_url("quizzes:answer", quiz, slot=1),
        action_url("quizzes:decide", quiz, slot=1),
        action_url("quizzes:reflection", quiz, question_slug=f"{quiz.slug}-q2"),
        action_url("quizzes:break", quiz),
        action_url("quizzes:submit", quiz),
    ]
    for url in actions:
        response = client.post(url, {"attempt": attempt.pk, "choice": "x", "confirm": "yes"})
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("account_login")), url
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not attempt.on_break
    assert Attempt.objects.count() == 1


def test_pages_send_a_learner_without_a_role_to_the_profile_step(client: Client) -> None:
    quiz = practice(["single"])
    client.force_login(UserFactory(profile_completed_at=None, professional_role=""))
    for url in (quiz_url(quiz), take_url(quiz)):
        assert client.get(url)["Location"] == reverse("accounts:onboarding")


def test_a_retired_quiz_is_not_found(learner_client: Client) -> None:
    quiz = practice(["single"], retired_at=timezone.now())
    assert learner_client.get(quiz_url(quiz)).status_code == HTTPStatus.NOT_FOUND
    response = learner_client.post(action_url("quizzes:start", quiz))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Attempt.objects.exists()


def test_actions_only_accept_post_and_refuse_a_missing_csrf_token(learner: User) -> None:
    quiz = practice(["single"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    for url in (
        action_url("quizzes:start", quiz),
        action_url("quizzes:answer", quiz, slot=1),
        action_url("quizzes:decide", quiz, slot=1),
    ):
        assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED, url
    for url in (
        action_url("quizzes:start", quiz),
        action_url("quizzes:answer", quiz, slot=1),
        action_url("quizzes:break", quiz),
        action_url("quizzes:submit", quiz),
    ):
        response = client.post(url, {"attempt": attempt.pk, "choice": f"{quiz.slug}-q1-b"})
        assert response.status_code == HTTPStatus.FORBIDDEN, url
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not attempt.on_break
    assert Answer.objects.get(attempt=attempt).response is None


def test_another_learners_results_are_not_found(
    learner_client: Client, other_learner: User
) -> None:
    quiz = practice(["single"])
    theirs = services.submit(
        user=other_learner,
        attempt_id=services.start_attempt(user=other_learner, quiz=quiz).pk,
    )
    response = learner_client.get(results_url(theirs))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert learner_client.get(reverse("quizzes:results", args=[99999])).status_code == 404


def test_another_learners_attempt_is_not_found_by_any_action(
    learner_client: Client, learner: User, other_learner: User
) -> None:
    quiz = assessment(["single", "scenario", "reflection"])
    theirs = services.start_attempt(user=other_learner, quiz=quiz)
    # The learner has an open attempt of their own: naming the other one still fails.
    services.start_attempt(user=learner, quiz=quiz)
    q = f"{quiz.slug}-q2"
    for response in (
        answer(learner_client, theirs, 1, {"choice": f"{quiz.slug}-q1-b"}),
        decide(learner_client, theirs, 2, f"{q}-d1", f"{q}-d1-a"),
        learner_client.post(action_url("quizzes:break", quiz), {"attempt": theirs.pk}),
        submit(learner_client, theirs),
        learner_client.post(action_url("quizzes:submit", quiz), {"attempt": theirs.pk}),
        learner_client.post(action_url("quizzes:answer", quiz, slot=1), {"attempt": "nope"}),
    ):
        assert response.status_code == HTTPStatus.NOT_FOUND
    theirs.refresh_from_db()
    assert theirs.submitted_at is None and not theirs.on_break
    assert not Answer.objects.filter(attempt=theirs, response__isnull=False).exists()


# --- The quiz page and starting --------------------------------------------------------------


def test_quiz_page_explains_the_quiz_and_offers_to_start(learner_client: Client) -> None:
    quiz = practice(["single"], intro="Some *short* questions. Nothing here is about you.")

    response = learner_client.get(quiz_url(quiz))

    assert response.status_code == HTTPStatus.OK
    assert_quiz_page_layout(response)
    html = html_of(response)
    assert quiz.title in html
    assert "<em>short</em>" in html
    assert "Practice: take it as often as you like." in html
    assert "70%" in html
    assert "As many as you like" in html
    assert "No time limit" in html
    assert "as soon as you answer it" in html
    assert ">Start</button>" in html
    assert "You have not submitted an attempt at this quiz yet." in html


def test_quiz_page_gives_the_time_limit_with_extra_time_and_the_attempts_left(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["single"], time_limit_minutes=20, attempts_allowed=2)
    services.set_accommodation(user=learner, extra_time_multiplier=Decimal("1.5"), extra_attempts=1)
    services.submit(user=learner, attempt_id=services.start_attempt(user=learner, quiz=quiz).pk)

    html = html_of(learner_client.get(quiz_url(quiz)))

    assert "30 minutes (including your extra time)" in html
    assert "The clock stops whenever you take a break" in html
    assert "3 in all; 2 left" in html
    assert "after you submit" in html
    assert "Assessment: passing it counts towards completing the module." in html


def test_quiz_page_lists_past_attempts_and_offers_to_continue_an_open_one(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["single"])
    first = services.start_attempt(user=learner, quiz=quiz)
    services.answer(
        user=learner, attempt_id=first.pk, slot=1, response={"choice": f"{quiz.slug}-q1-b"}
    )
    services.submit(user=learner, attempt_id=first.pk)
    services.start_attempt(user=learner, quiz=quiz)

    html = html_of(learner_client.get(quiz_url(quiz)))

    assert "Continue your attempt" in html
    assert f'href="{results_url(first)}"' in html
    row = next(r for r in find_all(parse(html), "tr") if "Results of attempt 1" in r.text)
    assert "100%" in row.text and "Passed" in row.text


def test_starting_twice_opens_one_attempt_and_goes_to_it(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["single", "multiple"])
    url = action_url("quizzes:start", quiz)

    first = learner_client.post(url)
    second = learner_client.post(url)

    assert first["Location"] == second["Location"] == take_url(quiz)
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_starting_with_no_attempts_left_says_so_kindly(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["single"], attempts_allowed=1)
    services.submit(user=learner, attempt_id=services.start_attempt(user=learner, quiz=quiz).pk)

    response = learner_client.post(action_url("quizzes:start", quiz))

    assert response["Location"] == quiz_url(quiz)
    assert any("you do not need to give a reason" in m for m in messages_of(response))
    assert Attempt.objects.filter(user=learner).count() == 1
    html = html_of(learner_client.get(quiz_url(quiz)))
    assert ">Start</button>" not in html
    assert "1 in all; 0 left" in html


# --- The take page ------------------------------------------------------------------------


def test_take_without_an_open_attempt_goes_to_the_quiz_page(learner_client: Client) -> None:
    quiz = practice(["single"])
    assert learner_client.get(take_url(quiz))["Location"] == quiz_url(quiz)


def test_take_shows_one_question_with_its_place_and_links_to_every_question(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["single", "multiple", "ordering"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    services.answer(
        user=learner, attempt_id=attempt.pk, slot=1, response={"choice": f"{quiz.slug}-q1-a"}
    )

    # The first unanswered question by default.
    response = learner_client.get(take_url(quiz))

    assert response.status_code == HTTPStatus.OK
    assert_quiz_page_layout(response)
    html = html_of(response)
    page = parse(html)
    assert "Question 2 of 3" in html
    progress = by_id(page, "quiz-progress")
    assert (progress.tag, progress.attrs["max"], progress.attrs["value"]) == ("progress", "3", "2")
    links = {a.attrs["href"]: a for a in find_all(page, "a") if "?slot=" in a.attrs["href"]}
    assert set(links) == {take_url(quiz, 1), take_url(quiz, 2), take_url(quiz, 3)}
    assert links[take_url(quiz, 2)].attrs.get("aria-current") == "step"
    nav = next(
        n for n in find_all(page, "nav") if n.attrs.get("aria-labelledby") == "quiz-nav-heading"
    )
    assert "Question 1 Answered" in nav.text and "Question 3 Not answered yet" in nav.text
    # Multiple: checkboxes in a fieldset with the prompt as its legend.
    fieldset = find_all(page, "fieldset")[0]
    assert find_all(fieldset, "legend")[0].text == f"Which of these fits {quiz.slug}-q2?"
    assert "Select all that apply." in fieldset.text
    assert len(find_all(fieldset, "input", type="checkbox")) == 3


def test_options_and_items_are_shown_in_the_attempts_own_order(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["single", "ordering"])
    attempt = services.start_attempt(user=learner, quiz=quiz)

    for slot, where, kind in ((1, "", "options"), (2, "items", "items")):
        ids = [entry["id"] for entry in body_of(attempt, slot)[kind]]
        expected = services.shown_order(attempt, slot, ids, where=where)
        html = html_of(learner_client.get(take_url(quiz, slot)))
        shown = re.findall(r'id="(?:option|position)-([a-z0-9-]+)"', html)
        assert shown == expected
        # The same order on every visit, and on any device.
        assert re.findall(r'id="(?:option|position)-([a-z0-9-]+)"', html) == shown


@pytest.mark.parametrize("timing", ["after-each", "after-submission"])
@pytest.mark.parametrize("slot", [1, 2, 3, 4, 5])
def test_an_unanswered_slot_carries_nothing_about_the_right_answer(
    learner_client: Client, learner: User, timing: str, slot: int
) -> None:
    kinds = ["single", "multiple", "ordering", "scenario", "reflection"]
    quiz = build_quiz(kinds, feedback_timing=timing)
    attempt = services.start_attempt(user=learner, quiz=quiz)
    body = body_of(attempt, slot)

    html = html_of(learner_client.get(take_url(quiz, slot)))

    assert SENTINEL not in html
    assert RATING_WORDS.search(html) is None
    assert "correct" not in html.lower()
    assert "score" not in html.lower()
    assert "rating" not in html.lower()
    assert "Sources" not in html and "A Report Worth Citing" not in html
    if body["type"] == "scenario":
        # Only the first step: no later situation, no ending, no step or ending ids.
        assert "Situation one" in html
        assert "Situation two" not in html and "Ending" not in html
        for node in [s["id"] for s in body["steps"][1:]] + [e["id"] for e in body["endings"]]:
            assert node not in html
    assert f"{quiz.slug}-q{slot}" in html or body["type"] != "reflection"


def test_after_each_feedback_shows_for_the_answered_slot_only(
    learner_client: Client, learner: User
) -> None:
    lesson = LessonFactory(title="Event, experience and effect")
    quiz = practice(["single", "single"], lessons=[lesson.slug])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q1 = f"{quiz.slug}-q1"

    response = answer(learner_client, attempt, 1, {"choice": f"{q1}-a"})
    assert response["Location"] == take_url(quiz, 1)

    html = html_of(learner_client.get(take_url(quiz, 1)))
    # The learner's choice, whether it was right, feedback for every option, the
    # sources and the lessons.
    for letter in "abc":
        assert f"{SENTINEL}-{q1}-{letter}" in html
    assert "Not correct" in html
    page = parse(html)
    items = find_all(page, "li")
    chosen = next(i for i in items if f"Option a of {q1}" in i.text)
    right = next(i for i in items if f"Option b of {q1}" in i.text)
    assert "Your answer" in chosen.text and "Correct answer" not in chosen.text
    assert "Correct answer" in right.text
    assert "A Report Worth Citing" in html
    assert f'href="{reverse("catalogue:lesson-link", args=[lesson.slug])}"' in html
    assert "Event, experience and effect" in html
    # The next question still carries nothing.
    later = html_of(learner_client.get(take_url(quiz, 2)))
    assert SENTINEL not in later and "correct" not in later.lower()


def test_after_submission_feedback_waits_for_the_results(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["single", "ordering"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q1 = f"{quiz.slug}-q1"

    response = answer(learner_client, attempt, 1, {"choice": f"{q1}-b"})
    # On to the next question, the answer saved and changeable.
    assert response["Location"] == take_url(quiz, 2)
    html = html_of(learner_client.get(take_url(quiz, 1)))
    assert SENTINEL not in html and "correct" not in html.lower()
    assert "You can change it until you submit." in html
    assert 'value="' + f'{q1}-b" checked' in html

    submit(learner_client, attempt)
    results = html_of(learner_client.get(results_url(attempt)))
    for letter in "abc":
        assert f"{SENTINEL}-{q1}-{letter}" in results
    for n in (1, 2, 3, 4):
        assert f"{SENTINEL}-{quiz.slug}-q2-{n}" in results


def test_an_answer_given_with_feedback_stands(learner_client: Client, learner: User) -> None:
    quiz = practice(["single"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q1 = f"{quiz.slug}-q1"
    answer(learner_client, attempt, 1, {"choice": f"{q1}-a"})

    response = answer(learner_client, attempt, 1, {"choice": f"{q1}-b"})

    assert response["Location"] == take_url(quiz, 1)
    assert any("that answer stands" in m for m in messages_of(response))
    assert Answer.objects.get(attempt=attempt).response == {"choice": f"{q1}-a"}


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("single", {}, "Choose one of the options."),
        ("single", {"choice": "not-an-option"}, "Choose one of the options."),
        ("multiple", {}, "Choose at least one option."),
        ("multiple", {"choices": ["nope"]}, "Choose only options of this question, each once."),
        ("ordering", {}, "Choose a position from 1 to 4 for every item."),
        ("scenario", {"choice": "x"}, "A scenario question is not answered with choices."),
    ],
)
def test_bad_answers_are_refused_with_a_reason_and_change_nothing(
    learner_client: Client, learner: User, kind: str, data: dict[str, Any], message: str
) -> None:
    quiz = assessment([kind, "single"])
    attempt = services.start_attempt(user=learner, quiz=quiz)

    response = answer(learner_client, attempt, 1, data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = html_of(response)
    assert message in html
    assert 'class="error-summary"' in html
    assert_quiz_page_layout(response)
    # The page came back from the answer's address: its links still lead to the questions.
    slot_links = re.findall(r'href="([^"]*\?slot=\d+)"', html)
    assert slot_links and all(link.startswith(take_url(quiz) + "?") for link in slot_links)
    stored = Answer.objects.get(attempt=attempt, slot=1)
    assert (stored.response, stored.answered_at) == (None, None)


def test_an_ordering_with_two_items_in_one_place_is_refused_as_sent(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["ordering"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q = f"{quiz.slug}-q1"
    positions = {
        f"position-{q}-1": 2,
        f"position-{q}-2": 2,
        f"position-{q}-3": 1,
        f"position-{q}-4": 4,
    }

    response = answer(learner_client, attempt, 1, positions)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = html_of(response)
    assert "Two items are in position 2." in html
    assert html.count('aria-invalid="true"') == 4
    assert Answer.objects.get(attempt=attempt).response is None


def test_a_slot_the_attempt_does_not_have_is_not_found(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["single"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    response = answer(learner_client, attempt, 7, {"choice": "x"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    # An unknown slot in the address of the page falls back to where the learner is.
    assert learner_client.get(take_url(quiz, 7)).status_code == HTTPStatus.OK


# --- Ordering without dragging --------------------------------------------------------------


def test_move_up_rearranges_the_items_without_answering_and_keeps_the_focus(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["ordering"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    shown = services.shown_order(
        attempt, 1, [item["id"] for item in body_of(attempt, 1)["items"]], where="items"
    )
    positions = {f"position-{item}": n for n, item in enumerate(shown, start=1)}

    response = answer(learner_client, attempt, 1, {**positions, "move": f"{shown[2]}:up"})

    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    assert re.findall(r'id="position-([a-z0-9-]+)"', html) == [
        shown[0],
        shown[2],
        shown[1],
        shown[3],
    ]
    page = parse(html)
    focused = [e for e in page.iter() if "autofocus" in e.attrs]
    assert [(e.tag, e.attrs.get("value")) for e in focused] == [("button", f"{shown[2]}:up")]
    assert "is now in position 2 of 4" in html
    assert SENTINEL not in html
    assert Answer.objects.get(attempt=attempt).response is None


def test_an_ordering_is_answered_by_its_position_menus(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["ordering"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q = f"{quiz.slug}-q1"
    right = {f"position-{q}-{n}": n for n in (1, 2, 3, 4)}

    response = answer(learner_client, attempt, 1, right)

    assert response["Location"] == take_url(quiz, 1)
    stored = Answer.objects.get(attempt=attempt)
    assert stored.response == {"order": [f"{q}-1", f"{q}-2", f"{q}-3", f"{q}-4"]}
    assert stored.mark == 1
    html = html_of(learner_client.get(take_url(quiz, 1)))
    assert "In the right place" in html and f"{SENTINEL}-{q}-3" in html


# --- Scenarios ----------------------------------------------------------------------------


def test_a_scenario_decision_shows_the_path_and_feedback_only_after_each(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["scenario"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q = f"{quiz.slug}-q1"

    response = decide(learner_client, attempt, 1, f"{q}-d1", f"{q}-d1-b")
    assert response["Location"] == take_url(quiz, 1)

    html = html_of(learner_client.get(take_url(quiz)))
    assert "Situation one" in html and f"Decision b at d1 of {q}" in html
    assert f"{SENTINEL}-{q}-d1-b" in html and "An acceptable choice" in html
    assert "Rating based on expert judgement" in html
    # Not the other options' feedback, nothing of the step now in front of them.
    assert f"{SENTINEL}-{q}-d1-a" not in html and f"{SENTINEL}-{q}-d2-a" not in html
    assert "Situation two" in html
    assert f'name="step" value="{q}-d2"' in html


def test_a_scenario_without_feedback_after_each_shows_only_the_choices_made(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["scenario"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q = f"{quiz.slug}-q1"

    decide(learner_client, attempt, 1, f"{q}-d1", f"{q}-d1-c")
    html = html_of(learner_client.get(take_url(quiz)))

    assert f"Decision c at d1 of {q}" in html and "Situation three" in html
    assert SENTINEL not in html and RATING_WORDS.search(html) is None
    assert "score" not in html.lower() and "rating" not in html.lower()

    decide(learner_client, attempt, 1, f"{q}-d3", f"{q}-d3-a")
    html = html_of(learner_client.get(take_url(quiz)))
    assert f"Ending steady of {q}." in html
    assert SENTINEL not in html and RATING_WORDS.search(html) is None


@pytest.mark.parametrize(
    ("step", "option", "message"),
    [
        ("d1", "", "Choose one of the options for this step."),
        ("d1", "d2-a", "Choose one of the options for this step."),
        ("d2", "d2-a", "That decision has already been made."),
    ],
)
def test_a_bad_decision_is_refused_with_a_reason_and_changes_nothing(
    learner_client: Client, learner: User, step: str, option: str, message: str
) -> None:
    quiz = assessment(["scenario"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q = f"{quiz.slug}-q1"

    response = decide(learner_client, attempt, 1, f"{q}-{step}", f"{q}-{option}" if option else "")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in html_of(response)
    assert Answer.objects.get(attempt=attempt).response is None


def test_the_place_in_a_scenario_survives_a_new_session(learner: User) -> None:
    quiz = assessment(["scenario", "reflection"])
    first = Client()
    first.force_login(learner)
    first.post(action_url("quizzes:start", quiz))
    attempt = Attempt.objects.get(user=learner)
    q = f"{quiz.slug}-q1"
    decide(first, attempt, 1, f"{q}-d1", f"{q}-d1-a")
    first.post(action_url("quizzes:break", quiz), {"attempt": attempt.pk, "slot": 1})

    another_device = Client()
    another_device.force_login(learner)
    html = html_of(another_device.get(take_url(quiz)))

    assert "Question 1 of 2" in html
    assert f"Decision a at d1 of {q}" in html
    assert f'name="step" value="{q}-d2"' in html
    attempt.refresh_from_db()
    assert not attempt.on_break


# --- Reflections --------------------------------------------------------------------------


def test_a_reflection_is_private_saved_and_deleted_for_real(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["single", "reflection"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    question = Question.objects.get(slug=f"{quiz.slug}-q2")
    url = action_url("quizzes:reflection", quiz, question_slug=question.slug)

    page = html_of(learner_client.get(take_url(quiz, 2)))
    assert "Nobody else can ever see it" in page
    assert "Do not write case or client details." in page
    assert "Delete what I wrote" not in page

    response = learner_client.post(
        url, {"attempt": attempt.pk, "slot": 2, "text": " My own words. "}
    )
    assert response["Location"] == take_url(quiz, 2)
    assert Reflection.objects.get(user=learner, question=question).text == "My own words."
    page = html_of(learner_client.get(take_url(quiz, 2)))
    assert "My own words." in page and "Delete what I wrote" in page

    # Never on results, never "unanswered".
    confirm = html_of(learner_client.get(action_url("quizzes:submit", quiz)))
    assert "Question 2" not in confirm
    submit(learner_client, attempt)
    assert "My own words." not in html_of(learner_client.get(results_url(attempt)))

    response = learner_client.post(url, {"delete": "1"})
    assert response["Location"] == quiz_url(quiz)
    assert not Reflection.objects.filter(user=learner).exists()


def test_a_reflection_too_long_is_refused_and_nothing_is_stored(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["reflection"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    url = action_url("quizzes:reflection", quiz, question_slug=f"{quiz.slug}-q1")

    response = learner_client.post(url, {"attempt": attempt.pk, "slot": 1, "text": "x" * 5001})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "A reflection is at most 5000 characters; this is 5001." in html_of(response)
    assert not Reflection.objects.exists()


def test_a_reflection_of_another_quiz_is_not_found(learner_client: Client) -> None:
    quiz = assessment(["reflection"])
    other = assessment(["reflection"])
    url = action_url("quizzes:reflection", quiz, question_slug=f"{other.slug}-q1")
    assert learner_client.post(url, {"text": "words"}).status_code == HTTPStatus.NOT_FOUND
    assert not Reflection.objects.exists()


# --- Submitting ---------------------------------------------------------------------------


def test_submit_asks_first_listing_the_unanswered_questions(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["single", "scenario", "ordering", "reflection"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q = f"{quiz.slug}-q2"
    services.decide(
        user=learner, attempt_id=attempt.pk, slot=2, step_id=f"{q}-d1", option_id=f"{q}-d1-a"
    )

    response = learner_client.post(action_url("quizzes:submit", quiz), {"attempt": attempt.pk})

    assert response.status_code == HTTPStatus.OK
    assert_quiz_page_layout(response)
    html = html_of(response)
    listed = re.findall(r"\?slot=(\d)\">Question \d</a>( \(the scenario is not finished\))?", html)
    assert listed == [("1", ""), ("2", " (the scenario is not finished)"), ("3", "")]
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_submitting_twice_grades_once(learner_client: Client, learner: User) -> None:
    quiz = assessment(["single", "single"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    services.answer(
        user=learner, attempt_id=attempt.pk, slot=1, response={"choice": f"{quiz.slug}-q1-b"}
    )

    first = submit(learner_client, attempt)
    attempt.refresh_from_db()
    graded = (attempt.submitted_at, attempt.score, attempt.passed)
    second = submit(learner_client, attempt)
    attempt.refresh_from_db()

    assert first["Location"] == second["Location"] == results_url(attempt)
    assert (attempt.submitted_at, attempt.score, attempt.passed) == graded
    assert attempt.score == Decimal("0.5")
    assert Attempt.objects.filter(user=learner).count() == 1


def test_acting_on_a_submitted_attempt_goes_to_its_results(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["single", "scenario"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    services.submit(user=learner, attempt_id=attempt.pk)
    q = f"{quiz.slug}-q2"

    for response in (
        answer(learner_client, attempt, 1, {"choice": f"{quiz.slug}-q1-a"}),
        decide(learner_client, attempt, 2, f"{q}-d1", f"{q}-d1-a"),
        learner_client.post(action_url("quizzes:break", quiz), {"attempt": attempt.pk}),
    ):
        assert response["Location"] == results_url(attempt)
    assert Answer.objects.filter(attempt=attempt, response__isnull=False).count() == 0


# --- Breaks and the clock -----------------------------------------------------------------


def test_a_break_stops_the_clock_and_resuming_starts_it_again(
    learner_client: Client, learner: User, frozen_now: mock.MagicMock
) -> None:
    quiz = assessment(["single", "single"], time_limit_minutes=10)
    start = frozen_now.return_value
    learner_client.post(action_url("quizzes:start", quiz))
    attempt = Attempt.objects.get(user=learner)
    assert attempt.seconds_allowed == 600

    frozen_now.return_value = start + timedelta(minutes=2)
    page = html_of(learner_client.get(take_url(quiz)))
    assert "About 8 minutes left. The clock stops while you take a break." in page
    response = learner_client.post(
        action_url("quizzes:break", quiz), {"attempt": attempt.pk, "slot": 2}
    )
    assert response["Location"] == action_url("quizzes:break-page", quiz) + "?slot=2"

    # Two hours away: the clock has not moved.
    frozen_now.return_value = start + timedelta(hours=2)
    attempt.refresh_from_db()
    assert attempt.on_break
    assert services.seconds_left(attempt) == 480
    page = html_of(learner_client.get(response["Location"]))
    assert "Your clock is stopped while you are away, with about 8 minutes left." in page
    assert f'href="{take_url(quiz, 2)}"' in page

    # Resume: the clock runs again from where it stopped.
    assert learner_client.get(take_url(quiz, 2)).status_code == HTTPStatus.OK
    attempt.refresh_from_db()
    assert not attempt.on_break
    frozen_now.return_value = start + timedelta(hours=2, minutes=1)
    assert services.seconds_left(attempt) == 420


def test_an_answer_after_the_time_ran_out_submits_the_attempt_and_says_so(
    learner_client: Client, learner: User, frozen_now: mock.MagicMock
) -> None:
    quiz = assessment(["single", "single"], time_limit_minutes=1)
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q1 = f"{quiz.slug}-q1"
    services.answer(user=learner, attempt_id=attempt.pk, slot=1, response={"choice": f"{q1}-b"})

    frozen_now.return_value += timedelta(minutes=5)
    response = answer(learner_client, attempt, 2, {"choice": f"{quiz.slug}-q2-b"})

    assert response["Location"] == results_url(attempt)
    assert any("time for this attempt ran out" in m for m in messages_of(response))
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score == Decimal("0.5")
    assert Answer.objects.get(attempt=attempt, slot=2).response is None


def test_the_break_page_is_calm_with_support_and_resume(
    learner_client: Client, learner: User
) -> None:
    quiz = practice(["single"])

    # From the quiz's own page, before starting: the same calm page, back to the quiz.
    response = learner_client.post(action_url("quizzes:break", quiz))
    assert response["Location"] == action_url("quizzes:break-page", quiz)
    page = learner_client.get(response["Location"])
    assert page.status_code == HTTPStatus.OK
    html = html_of(page)
    assert len(find_all(parse(html), "h1")) == 1 and 'style="' not in html
    assert "Your place is saved" in html
    assert "Nobody else can see that you took a break." in html
    assert f'href="{reverse("support")}"' in html
    assert "Resume" in html and f'href="{quiz_url(quiz)}"' in html
    assert "minutes left" not in html


# --- Results ------------------------------------------------------------------------------


def test_results_show_the_path_taken_beside_the_best_path(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["scenario", "reflection"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    q = f"{quiz.slug}-q1"
    decide(learner_client, attempt, 1, f"{q}-d1", f"{q}-d1-c")
    decide(learner_client, attempt, 1, f"{q}-d3", f"{q}-d3-a")
    submit(learner_client, attempt)

    response = learner_client.get(results_url(attempt))

    assert response.status_code == HTTPStatus.OK
    assert_quiz_page_layout(response)
    page = parse(html_of(response))
    taken = next(
        s for s in find_all(page, "section") if s.attrs.get("aria-labelledby") == "taken-1-heading"
    )
    best = next(
        s for s in find_all(page, "section") if s.attrs.get("aria-labelledby") == "best-1-heading"
    )
    assert f"Decision c at d1 of {q}" in taken.text and f"Decision a at d3 of {q}" in taken.text
    assert "A choice that could cause harm" in taken.text and "A better choice" in taken.text
    assert f"{SENTINEL}-{q}-d1-c" in taken.text and f"{SENTINEL}-{q}-d3-a" in taken.text
    assert f"Ending steady of {q}." in taken.text
    assert f"Decision a at d1 of {q}" in best.text and f"Decision a at d2 of {q}" in best.text
    assert f"Ending steady of {q}." in best.text
    html = html_of(response)
    # 2 of 4 points: 50%, below the pass mark of 60; attempts are unlimited.
    assert "Your path earned 2 of 4 points (50%)." in html
    assert "Your score: 50% (the pass mark is 60%)" in html
    assert "Not passed yet; you can try again" in html
    assert "Think about how you open a meeting" not in html


def test_results_say_passed_and_show_every_question(learner_client: Client, learner: User) -> None:
    quiz = assessment(["single", "multiple", "ordering", "single"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    slug = quiz.slug
    for slot, response in (
        (1, {"choice": f"{slug}-q1-b"}),
        (2, {"choices": [f"{slug}-q2-a"]}),
        (3, {"order": [f"{slug}-q3-{n}" for n in (1, 2, 3, 4)]}),
    ):
        services.answer(user=learner, attempt_id=attempt.pk, slot=slot, response=response)
    submit(learner_client, attempt)

    html = html_of(learner_client.get(results_url(attempt)))

    # (1 + 1/2 + 1 + 0) / 4 = 62.5%, over the pass mark of 60.
    assert "<strong>Passed</strong>" in html
    assert "Your score: 62% (the pass mark is 60%)" in html
    assert "Partly correct" in html and "(50% of the mark)" in html
    assert html.count(">Correct<") == 2 and ">Not answered<" in html
    assert "Rating based on expert judgement" in html
    assert "Try again" not in html


def test_results_of_the_last_attempt_allowed_do_not_offer_another(
    learner_client: Client, learner: User
) -> None:
    quiz = assessment(["single"], attempts_allowed=1)
    attempt = services.submit(
        user=learner, attempt_id=services.start_attempt(user=learner, quiz=quiz).pk
    )
    html = html_of(learner_client.get(results_url(attempt)))
    assert ">Not passed<" in html and "you can try again" not in html
    assert "you do not need to give a reason" in html


def test_results_of_an_open_attempt_go_back_to_it(learner_client: Client, learner: User) -> None:
    quiz = practice(["single"])
    attempt = services.start_attempt(user=learner, quiz=quiz)
    assert learner_client.get(results_url(attempt))["Location"] == take_url(quiz)
