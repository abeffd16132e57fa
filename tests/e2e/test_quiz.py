"""DESIGN.md §4, flow 1, the quiz part: a learner opens a module's scenario quiz, takes
two decisions, takes a break, resumes on another device at the same step, finishes the
scenario choosing well, submits, and sees "Passed" with the path taken beside the best
path. And an ordering question answered with the keyboard alone, with no dragging
(WCAG 2.5.7). In real Chromium, with axe on every kind of page.

The quizzes are the fixture tree's (tests/quizzes/fixtures, beside the curriculum's
tests/curriculum/fixtures/valid), loaded with `load_curriculum` as the shipped ones are.
The second device is a second browser context: its own cookies and storage, so the
place can only have come from the server."""

import re
import shutil
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from curriculum import registry
from curriculum.services import CURRICULUM_KIND, load_curriculum
from quizzes.content import QUIZZES_KIND
from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.e2e.conftest import AxeCheck, sign_in, url_of

pytestmark = pytest.mark.browser

TESTS = Path(__file__).parents[1]
CURRICULUM_FIXTURES = TESTS / "curriculum" / "fixtures" / "valid"
QUIZ_FIXTURES = TESTS / "quizzes" / "fixtures"

# c1-scenario (tests/quizzes/fixtures/core/c1/quiz-scenario.yaml): its best path.
FIRST = "Say you are glad they came, and ask what would help today."
SECOND = "Agree to stop, and plan the next meeting together."
THIRD = "Ask how the last meeting felt for them."
THIRD_SITUATION = "At the next meeting, the client arrives on time."
ENDING = "The client keeps coming. The work goes at a pace they chose."
# c1-check's third question, in the right order.
ORDER = ["Event", "Experience", "Effect"]


@pytest.fixture
def quizzes(db: None, tmp_path: Path) -> None:
    """The fixture curriculum with its quizzes, loaded as `load_curriculum` loads the
    shipped one (only the curriculum's and the quizzes' content kinds: the tree has no
    courses.yaml)."""
    root = tmp_path / "content"
    shutil.copytree(CURRICULUM_FIXTURES, root)
    shutil.copytree(QUIZ_FIXTURES, root, dirs_exist_ok=True)
    with registry.replaced([CURRICULUM_KIND, QUIZZES_KIND]):
        load_curriculum(root=root)


@pytest.fixture
def learner(db: None) -> User:
    """Someone who signed up earlier: a verified address and a completed profile."""
    user = UserFactory(
        email="quizzer@example.org",
        display_name="Sam",
        professional_role=User.ProfessionalRole.OTHER,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def decide(page: Page, option: str) -> None:
    page.get_by_role("radio", name=option).check()
    page.get_by_role("button", name="Decide").click()


def test_learner_passes_a_scenario_after_a_break_on_another_device(
    page: Page, other_device: Page, axe_check: AxeCheck, learner: User, quizzes: None
) -> None:
    quiz = Quiz.objects.get(slug="c1-scenario")
    quiz_path = reverse("quizzes:quiz", kwargs={"quiz_slug": quiz.slug})
    take_path = reverse("quizzes:take", kwargs={"quiz_slug": quiz.slug})

    # The module's scenario quiz: what it is, how it works, and "Start".
    sign_in(page, learner.email)
    page.goto(quiz_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)
    expect(page.get_by_text("No time limit")).to_be_visible()
    expect(page.get_by_text("Nothing here is about you or your own history.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Start", exact=True).click()

    # One step at a time; nothing says how a choice is rated before submitting.
    expect(page).to_have_url(url_of(take_path))
    expect(page.get_by_role("progressbar", name="Question 1 of 2")).to_have_attribute("value", "1")
    expect(page.get_by_text("The client arrives late and upset.")).to_be_visible()
    axe_check(page)
    decide(page, FIRST)
    expect(page.get_by_text("Part way through, the client asks to stop.")).to_be_visible()
    decide(page, SECOND)
    expect(page.get_by_text(THIRD_SITUATION)).to_be_visible()
    so_far = page.get_by_role("list", name="So far")
    expect(so_far.get_by_role("listitem")).to_have_count(2)
    expect(so_far).to_contain_text(FIRST)
    expect(so_far).not_to_contain_text("better")
    axe_check(page)

    # A break: the calm page, with support and "Resume".
    page.get_by_role("button", name="Take a break").click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("quizzes:break-page", kwargs={"quiz_slug": quiz.slug})))
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is saved")
    expect(page.get_by_role("link", name="Resume")).to_have_attribute("href", f"{take_path}?slot=1")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile(r"^Support"))).to_have_attribute(
        "href", reverse("support")
    )
    expect(page.get_by_text("Nobody else can see that you took a break.")).to_be_visible()
    axe_check(page)
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert attempt.on_break

    # Another device: the quiz page offers to continue, at the same step.
    sign_in(other_device, learner.email)
    other_device.goto(quiz_path)
    other_device.get_by_role("button", name="Continue your attempt").click()
    expect(other_device).to_have_url(url_of(take_path))
    expect(other_device.get_by_text(THIRD_SITUATION)).to_be_visible()
    expect(other_device.get_by_role("list", name="So far")).to_contain_text(SECOND)
    attempt.refresh_from_db()
    assert not attempt.on_break

    # Finish the scenario well; the reflection is private and optional; submit.
    decide(other_device, THIRD)
    expect(other_device.get_by_text(ENDING)).to_be_visible()
    axe_check(other_device)
    other_device.get_by_role("button", name="Submit", exact=True).click()
    expect(other_device.get_by_role("heading", level=1)).to_have_text("Submit your answers?")
    expect(other_device.get_by_text("You have answered every question.")).to_be_visible()
    axe_check(other_device)
    other_device.get_by_role("button", name="Submit now").click()

    # Passed, and the path taken beside the best path.
    attempt.refresh_from_db()
    expect(other_device).to_have_url(
        url_of(reverse("quizzes:results", kwargs={"attempt_id": attempt.pk}))
    )
    expect(other_device.get_by_text("Passed", exact=True)).to_be_visible()
    taken = other_device.get_by_role("region", name="The path you took")
    best = other_device.get_by_role("region", name="The best path")
    for choice in (FIRST, SECOND, THIRD):
        expect(taken).to_contain_text(choice)
        expect(best).to_contain_text(choice)
    expect(taken).to_contain_text(ENDING)
    expect(other_device.get_by_text("You took the best path.")).to_be_visible()
    axe_check(other_device)
    assert attempt.passed and attempt.score == 1


def focused_text(page: Page) -> str:
    text: str = page.evaluate(
        "() => (document.activeElement && document.activeElement.textContent || '')"
        ".replace(/\\s+/g, ' ').trim()"
    )
    return text


def focus_by_tab(page: Page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the focused control's text is `name`, as a keyboard user moves
    through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page) == name:
            return
    pytest.fail(f"Tab never reached {name!r}", pytrace=False)


def items_in_order(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".ordering__text").all_inner_texts()]


def test_an_ordering_question_is_answered_with_the_keyboard_alone(
    page: Page, axe_check: AxeCheck, learner: User, quizzes: None
) -> None:
    quiz = Quiz.objects.get(slug="c1-check")
    sign_in(page, learner.email)
    page.goto(reverse("quizzes:quiz", kwargs={"quiz_slug": quiz.slug}))
    focus_by_tab(page, "Start")
    page.keyboard.press("Enter")
    expect(page.get_by_role("progressbar", name="Question 1 of 3")).to_be_visible()

    focus_by_tab(page, "Question 3")
    page.keyboard.press("Enter")
    expect(page.get_by_role("progressbar", name="Question 3 of 3")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile(r"^Put the three parts"))).to_be_visible()
    axe_check(page)

    # The order is shuffled per attempt; one that happens to be right is moved out of
    # place first, so that the keyboard always has work to do.
    if items_in_order(page) == ORDER:
        focus_by_tab(page, f"Move down “{ORDER[0]}”")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text(f"“{ORDER[0]}” is now in position 2")
    assert items_in_order(page) != ORDER
    # "Move up" until each item is in its place; the button keeps the focus after each
    # move, so Enter can be pressed again.
    for place, item in enumerate(ORDER):
        while items_in_order(page).index(item) > place:
            button = page.get_by_role("button", name=f"Move up “{item}”")
            if focused_text(page) != f"Move up “{item}”":
                focus_by_tab(page, f"Move up “{item}”")
            page.keyboard.press("Enter")
            expect(page.get_by_role("status")).to_contain_text(f"“{item}” is now in position")
            if items_in_order(page).index(item) > 0:
                expect(button).to_be_focused()
    assert items_in_order(page) == ORDER
    for place, item in enumerate(ORDER, start=1):
        expect(page.get_by_label(f"Position of “{item}”")).to_have_value(str(place))
    axe_check(page)

    focus_by_tab(page, "Check my answer")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Correct", exact=True)).to_be_visible()
    expect(page.get_by_text("In the right place")).to_have_count(3)
    expect(page.get_by_text("What happened comes first.")).to_be_visible()
    axe_check(page)
    answer = Attempt.objects.get(user=learner, quiz=quiz).answers.get(slot=3)
    assert answer.response == {
        "order": ["c1-check-q3-event", "c1-check-q3-experience", "c1-check-q3-effect"]
    }
