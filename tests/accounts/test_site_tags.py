"""`{% memo %}` (accounts/templatetags/site_tags.py): a fragment rendered once per process
for its name, the active language and its values, never through the shared cache, and
refused when it would hand one request's CSRF token or CSP nonce to everyone."""

from contextlib import ExitStack
from unittest import mock

import pytest
from django.core.cache import caches
from django.http import HttpRequest
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation
from django.utils.csp import LazyNonce

from config.memo import clear_local_memos

LOAD = "{% load site_tags %}"


class Counter:
    """A context value that counts how often the template asked for it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"render {self.calls}"


def render(source: str, **values: object) -> str:
    return Template(LOAD + source).render(Context(values))


def request_with_nonce(rf: RequestFactory) -> HttpRequest:
    # What ContentSecurityPolicyMiddleware gives every request.
    request = rf.get("/")
    request._csp_nonce = LazyNonce()  # type: ignore[attr-defined]
    return request


def render_for(request: HttpRequest, source: str, **values: object) -> str:
    return Template(LOAD + source).render(RequestContext(request, values))


# --- Rendered once, per name, values and language ---------------------------------------


def test_a_fragment_is_rendered_once_then_served_as_it_was() -> None:
    counter = Counter()
    source = '{% memo "greeting" %}<p>{{ counter }}</p>{% endmemo %}'

    first = render(source, counter=counter)
    second = render(source, counter=counter)

    assert first == "<p>render 1</p>"
    assert second == "<p>render 1</p>"
    assert counter.calls == 1


def test_a_context_value_not_named_by_the_memo_is_not_seen_once_the_fragment_is_kept() -> None:
    source = '{% memo "greeting" %}Hello {{ name }}{% endmemo %}'

    assert render(source, name="Ada") == "Hello Ada"
    # The memo names no value, so the kept fragment is served whatever the context says.
    assert render(source, name="Grace") == "Hello Ada"


def test_different_values_are_rendered_separately_and_each_kept() -> None:
    counter = Counter()
    source = '{% memo "topic" topic %}{{ topic }}: {{ counter }}{% endmemo %}'

    assert render(source, topic="grief", counter=counter) == "grief: render 1"
    assert render(source, topic="sleep", counter=counter) == "sleep: render 2"
    assert render(source, topic="grief", counter=counter) == "grief: render 1"
    assert render(source, topic="sleep", counter=counter) == "sleep: render 2"
    assert counter.calls == 2


def test_every_value_is_part_of_the_key_not_only_the_first() -> None:
    counter = Counter()
    source = '{% memo "lesson" edition lesson %}{{ counter }}{% endmemo %}'

    assert render(source, edition="e1", lesson=7, counter=counter) == "render 1"
    assert render(source, edition="e1", lesson=8, counter=counter) == "render 2"
    assert render(source, edition="e2", lesson=7, counter=counter) == "render 3"
    assert render(source, edition="e1", lesson=7, counter=counter) == "render 1"


def test_fragments_with_different_names_are_kept_apart() -> None:
    counter = Counter()

    html = render(
        '{% memo "first" %}{{ counter }}{% endmemo %}|{% memo "second" %}{{ counter }}{% endmemo %}',
        counter=counter,
    )

    assert html == "render 1|render 2"


def test_another_active_language_gets_its_own_rendering() -> None:
    counter = Counter()
    source = '{% memo "footer" %}{{ counter }}{% endmemo %}'

    with translation.override("en-gb"):
        english = render(source, counter=counter)
    with translation.override("fr"):
        french = render(source, counter=counter)
        french_again = render(source, counter=counter)
    with translation.override("en-gb"):
        english_again = render(source, counter=counter)

    assert (english, french) == ("render 1", "render 2")
    assert (french_again, english_again) == (french, english)
    assert counter.calls == 2


def test_rendering_and_serving_a_fragment_never_touch_the_shared_cache() -> None:
    backend = caches["default"]
    source = '{% memo "greeting" topic %}{{ topic }}{% endmemo %}'
    with ExitStack() as stack:
        memo_cache = stack.enter_context(mock.patch("config.memo.cache"))
        spies = {
            name: stack.enter_context(
                mock.patch.object(backend, name, wraps=getattr(backend, name))
            )
            for name in ("get", "set", "add", "get_many", "set_many", "get_or_set")
        }
        assert render(source, topic="grief") == "grief"  # rendered
        assert render(source, topic="grief") == "grief"  # served

    assert memo_cache.mock_calls == []
    assert {name: spy.mock_calls for name, spy in spies.items() if spy.mock_calls} == {}


def test_a_fragment_lives_only_in_the_process_so_forgetting_it_renders_it_again() -> None:
    counter = Counter()
    source = '{% memo "greeting" %}{{ counter }}{% endmemo %}'
    assert render(source, counter=counter) == "render 1"

    # The shared cache is left alone: had the fragment gone there, it would come back.
    clear_local_memos()

    assert render(source, counter=counter) == "render 2"


@pytest.mark.parametrize(
    "opening",
    [
        "{% memo %}",
        "{% memo greeting %}",
        '{% memo greeting "value" %}',
        "{% memo \"greeting' %}",
    ],
)
def test_a_memo_without_a_quoted_name_is_refused_when_the_template_is_compiled(
    opening: str,
) -> None:
    with pytest.raises(TemplateSyntaxError, match="quoted name"):
        Template(LOAD + opening + "Hello{% endmemo %}")


def test_a_name_in_single_quotes_is_accepted() -> None:
    assert render("{% memo 'greeting' %}Hello{% endmemo %}") == "Hello"


# --- Nothing belonging to one request ------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        '{% memo "form" %}<form>{% csrf_token %}</form>{% endmemo %}',
        # The token asked for earlier in the page, then again inside the fragment.
        '<form>{% csrf_token %}</form>{% memo "form" %}<form>{% csrf_token %}</form>{% endmemo %}',
        '{% memo "form" %}<meta name="csrf" content="{{ csrf_token }}">{% endmemo %}',
    ],
)
def test_a_fragment_holding_the_csrf_token_is_refused(rf: RequestFactory, source: str) -> None:
    with pytest.raises(TemplateSyntaxError, match="csrf_token"):
        render_for(rf.get("/"), source)


def test_a_refused_fragment_is_not_kept_for_the_next_request(rf: RequestFactory) -> None:
    source = '{% memo "form" %}<form>{% csrf_token %}</form>{% endmemo %}'
    with pytest.raises(TemplateSyntaxError):
        render_for(rf.get("/"), source)

    # Refused again, rather than serving the first request's token.
    with pytest.raises(TemplateSyntaxError, match="csrf_token"):
        render_for(rf.get("/"), source)


def test_a_csrf_token_from_an_included_template_is_refused(rf: RequestFactory) -> None:
    form = Template("<form method='post'>{% csrf_token %}<button>Go</button></form>")

    with pytest.raises(TemplateSyntaxError, match="csrf_token"):
        render_for(rf.get("/"), '{% memo "panel" %}{% include form %}{% endmemo %}', form=form)


def test_a_fragment_printing_the_csp_nonce_is_refused(rf: RequestFactory) -> None:
    with pytest.raises(TemplateSyntaxError, match="csp_nonce"):
        render_for(
            request_with_nonce(rf),
            '{% memo "script" %}<script nonce="{{ csp_nonce }}"></script>{% endmemo %}',
        )


def test_a_fragment_with_the_nonce_attribute_tag_is_refused(rf: RequestFactory) -> None:
    with pytest.raises(TemplateSyntaxError, match="csp_nonce"):
        render_for(
            request_with_nonce(rf),
            '{% memo "script" %}<script {% csp_nonce_attr %}></script>{% endmemo %}',
        )


@pytest.mark.parametrize(
    "source",
    [
        '{% memo "aside" %}<p>Shared</p>{% endmemo %}<form>{% csrf_token %}</form>',
        # The token already evaluated when the fragment is rendered, but not in it.
        '<form>{% csrf_token %}</form>{% memo "aside" %}<p>Shared</p>{% endmemo %}',
    ],
)
def test_a_fragment_beside_a_csrf_token_is_kept_and_the_token_stays_per_request(
    rf: RequestFactory, source: str
) -> None:
    first = render_for(rf.get("/"), source)
    second = render_for(rf.get("/"), source)

    assert first.count("<p>Shared</p>") == second.count("<p>Shared</p>") == 1
    first_form = first.replace("<p>Shared</p>", "")
    second_form = second.replace("<p>Shared</p>", "")
    assert 'name="csrfmiddlewaretoken"' in first_form
    assert 'name="csrfmiddlewaretoken"' in second_form
    assert first_form != second_form


def test_a_fragment_beside_an_evaluated_nonce_is_kept(rf: RequestFactory) -> None:
    counter = Counter()
    source = '<script nonce="{{ csp_nonce }}"></script>{% memo "aside" %}{{ counter }}{% endmemo %}'
    first_request, second_request = request_with_nonce(rf), request_with_nonce(rf)

    first = render_for(first_request, source, counter=counter)
    second = render_for(second_request, source, counter=counter)

    assert first == f'<script nonce="{first_request._csp_nonce}"></script>render 1'  # type: ignore[attr-defined]
    assert second == f'<script nonce="{second_request._csp_nonce}"></script>render 1'  # type: ignore[attr-defined]


def test_checking_a_fragment_does_not_mint_a_csrf_token_or_nonce_the_page_never_used(
    rf: RequestFactory,
) -> None:
    request = request_with_nonce(rf)

    assert render_for(request, '{% memo "aside" %}<p>Shared</p>{% endmemo %}') == "<p>Shared</p>"

    # Asking for the token would set a CSRF cookie on a page with no form; asking for the
    # nonce would put it in the policy of a page with no script.
    assert "CSRF_COOKIE" not in request.META
    assert not request._csp_nonce  # type: ignore[attr-defined]
