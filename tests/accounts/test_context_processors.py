"""`accounts.context_processors.site`: the header's and footer's links, reversed once per
URL configuration and script prefix, and marked as the current page where they are."""

from collections.abc import Iterator

import pytest
from django.test import Client, RequestFactory
from django.urls import get_script_prefix, reverse, set_script_prefix

from accounts.context_processors import site
from tests.test_pages import Element, find_all, parse

pytestmark = pytest.mark.django_db

SHELL_LINKS = {
    "home": "home",
    "curriculum": "catalogue:curriculum",
    "dashboard": "accounts:dashboard",
    "settings": "accounts:settings",
    "sign_out": "account_logout",
    "sign_in": "account_login",
    "sign_up": "account_signup",
    "support": "support",
    "privacy": "privacy",
}


@pytest.fixture
def script_prefix() -> Iterator[None]:
    # The prefix is a thread-local that outlives the test: put the old one back.
    previous = get_script_prefix()
    try:
        yield
    finally:
        set_script_prefix(previous)


def region(html: str, tag: str) -> Element:
    (element,) = find_all(parse(html), tag)
    return element


def links(element: Element) -> dict[str, str]:
    """Each link's text by its address."""
    return {a.attrs["href"]: a.text for a in find_all(element, "a")}


def current(element: Element) -> list[str]:
    return [a.attrs["href"] for a in find_all(element, "a") if a.attrs.get("aria-current")]


def test_an_anonymous_visitor_is_offered_sign_in_and_sign_up_in_the_header(
    client: Client,
) -> None:
    html = client.get(reverse("home")).text

    assert links(region(html, "header")) == {
        reverse("home"): "Steadfast",
        reverse("catalogue:curriculum"): "Curriculum",
        reverse("account_login"): "Sign in",
        reverse("account_signup"): "Create an account",
    }
    assert find_all(region(html, "header"), "form") == []


def test_a_signed_in_learner_is_offered_the_dashboard_settings_and_sign_out(
    user_client: Client,
) -> None:
    html = user_client.get(reverse("home")).text
    header = region(html, "header")

    assert links(header) == {
        reverse("home"): "Steadfast",
        reverse("catalogue:curriculum"): "Curriculum",
        reverse("accounts:dashboard"): "Dashboard",
        reverse("accounts:settings"): "Settings",
    }
    (sign_out,) = find_all(header, "form")
    assert sign_out.attrs["action"] == reverse("account_logout")
    assert sign_out.attrs["method"] == "post"


def test_the_footer_links_to_support_and_privacy(client: Client) -> None:
    html = client.get(reverse("home")).text

    assert list(links(region(html, "footer"))) == [reverse("support"), reverse("privacy")]


def test_the_footer_marks_the_page_you_are_on_and_only_that_one(client: Client) -> None:
    # The footer is a memoised fragment keyed by the path: each page gets its own.
    support = client.get(reverse("support")).text
    privacy = client.get(reverse("privacy")).text
    support_again = client.get(reverse("support")).text
    home = client.get(reverse("home")).text

    assert current(region(support, "footer")) == [reverse("support")]
    assert current(region(privacy, "footer")) == [reverse("privacy")]
    assert current(region(support_again, "footer")) == [reverse("support")]
    assert current(region(home, "footer")) == []
    assert current(region(support, "header")) == []


def test_the_header_marks_the_curriculum_when_you_are_on_it(client: Client) -> None:
    html = client.get(reverse("catalogue:curriculum")).text

    assert current(region(html, "header")) == [reverse("catalogue:curriculum")]
    assert current(region(html, "footer")) == []


@pytest.mark.parametrize("name", ["accounts:dashboard", "accounts:settings"])
def test_the_header_marks_the_signed_in_page_you_are_on(user_client: Client, name: str) -> None:
    html = user_client.get(reverse(name)).text

    assert current(region(html, "header")) == [reverse(name)]


def test_the_header_marks_sign_in_on_the_sign_in_page(client: Client) -> None:
    html = client.get(reverse("account_login")).text

    assert current(region(html, "header")) == [reverse("account_login")]


def test_site_gives_every_shell_link_reversed(rf: RequestFactory) -> None:
    urls = site(rf.get("/"))["shell_urls"]

    assert urls == {key: reverse(name) for key, name in SHELL_LINKS.items()}


@pytest.mark.usefixtures("script_prefix")
def test_shell_links_carry_the_script_prefix_and_are_not_reused_across_prefixes(
    rf: RequestFactory,
) -> None:
    set_script_prefix("/")
    plain = site(rf.get("/"))["shell_urls"]
    assert isinstance(plain, dict)

    set_script_prefix("/steadfast/")
    prefixed = site(rf.get("/"))["shell_urls"]
    assert isinstance(prefixed, dict)

    assert plain["support"] == "/support/"
    assert prefixed["support"] == "/steadfast/support/"
    assert set(prefixed) == set(SHELL_LINKS)
    for key, url in prefixed.items():
        assert url == "/steadfast" + plain[key], key

    # And back: the unprefixed links again, not the last answer.
    set_script_prefix("/")
    assert site(rf.get("/"))["shell_urls"] == plain


@pytest.mark.usefixtures("script_prefix")
def test_a_page_served_under_a_script_prefix_links_and_marks_within_it(client: Client) -> None:
    path = reverse("support")
    # What the WSGI handler does for an app mounted at /steadfast.
    set_script_prefix("/steadfast/")
    html = client.get(path, SCRIPT_NAME="/steadfast").text

    header, footer = region(html, "header"), region(html, "footer")
    assert reverse("support") == "/steadfast/support/"
    assert list(links(footer)) == ["/steadfast/support/", "/steadfast/privacy/"]
    assert current(footer) == ["/steadfast/support/"]
    assert reverse("account_login") in links(header)
    assert all(url.startswith("/steadfast/") for url in links(header))
