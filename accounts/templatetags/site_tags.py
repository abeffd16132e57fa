"""Template tags for the site as a whole."""

from django import template
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.urls import get_script_prefix
from django.utils.functional import SimpleLazyObject, empty
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config.memo import LocalMemo

register = template.Library()

# Rendered fragments, kept in each process only: they are cheap to render again, and a
# round trip to the shared cache would cost about as much as rendering them.
_FRAGMENTS = LocalMemo(size=5000, timeout=None)


class MemoNode(Node):
    def __init__(self, name: str, vary_on: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.vary_on = vary_on
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        # The language and the script prefix change what a fragment's words and links
        # say without being named by the template.
        parts = [
            self.name,
            get_language() or "",
            get_script_prefix(),
            *(str(value.resolve(context)) for value in self.vary_on),
        ]
        html = _FRAGMENTS.get_or_build("\x1f".join(parts), lambda: self._build(context), kind=str)
        return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there

    def _build(self, context: Context) -> str:
        html = self.nodelist.render(context)
        # A CSRF token or a CSP nonce kept in a shared fragment would be handed to
        # everyone and never change: refuse the fragment on its first rendering.
        for name in ("csrf_token", "csp_nonce"):
            secret = context.get(name)
            if isinstance(secret, SimpleLazyObject) and secret._wrapped is empty:
                continue  # never asked for while rendering: it cannot be in the fragment
            if secret and str(secret) in html:
                raise template.TemplateSyntaxError(
                    f"The {{% memo %}} fragment {self.name!r} holds the request's {name}: "
                    "fragments are shared by everyone and must not."
                )
        return html


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    """`{% memo "name" value … %}…{% endmemo %}`: render the fragment once per process
    for each combination of the values (and the active language and script prefix),
    like `{% cache %}` without the round trip.

    The values must name everything the fragment shows, as a course's edition key names
    its content (`courses.outline.edition_key`): the fragment is shared by every person
    the process serves, so it must hold nothing personal. One that holds the request's
    CSRF token or CSP nonce is refused when it is first rendered."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(
            "{% memo %} takes a quoted name, then the values the fragment varies on."
        )
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
