"""URLs reversed once per process (accounts/links.py)."""

from collections.abc import Iterator
from unittest import mock

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from accounts import links
from accounts.links import reverse_once


@pytest.fixture(autouse=True)
def _fresh_memo() -> Iterator[None]:
    links._reverse.cache_clear()
    prefix = get_script_prefix()
    yield
    set_script_prefix(prefix)
    links._reverse.cache_clear()


def test_it_answers_what_reverse_answers() -> None:
    kwargs = {"course_slug": "core", "lesson_slug": "c1-what-trauma-is"}
    assert reverse_once("courses:complete", **kwargs) == reverse("courses:complete", kwargs=kwargs)
    assert reverse_once("support") == reverse("support")


def test_a_url_is_reversed_once_whatever_the_order_of_its_arguments() -> None:
    with mock.patch.object(links, "reverse", wraps=reverse) as spy:
        first = reverse_once("courses:complete", course_slug="core", lesson_slug="c1")
        second = reverse_once("courses:complete", lesson_slug="c1", course_slug="core")
    assert first == second == "/learn/core/lessons/c1/complete/"
    assert spy.call_count == 1


def test_other_arguments_are_other_urls() -> None:
    one = reverse_once("courses:complete", course_slug="core", lesson_slug="c1")
    other = reverse_once("courses:complete", course_slug="core", lesson_slug="c2")
    assert one != other
    assert other.endswith("/c2/complete/")


def test_a_script_prefix_is_part_of_the_key() -> None:
    plain = reverse_once("support")
    set_script_prefix("/steadfast/")
    prefixed = reverse_once("support")
    assert prefixed == "/steadfast" + plain
    set_script_prefix("/")
    assert reverse_once("support") == plain
