"""`{% load curriculum_markdown %}{{ lesson.body|markdown:module.references }}`: the one
way templates show Markdown, through curriculum.markdown's sanitiser."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from curriculum.jurisdictions import label_text
from curriculum.markdown import reference_html, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(
    source: object, references: Sequence[Mapping[str, Any]] | None = None
) -> SafeString:
    return render_markdown("" if source is None else str(source), references=references)


@register.filter(name="reference")
def reference_filter(reference: Mapping[str, Any]) -> SafeString:
    """A module reference as a citation: authors, title, publisher, year, identifier."""
    return reference_html(reference)


@register.filter
def jurisdiction_names(codes: Sequence[str]) -> str:
    """`["us", "england-wales"]` as “United States (federal); England and Wales”."""
    return label_text(list(codes))
