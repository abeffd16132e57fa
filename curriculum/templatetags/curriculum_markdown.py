"""`{% load curriculum_markdown %}{{ lesson.body|markdown:module.references }}`: the one
way templates show Markdown, through curriculum.markdown's sanitiser."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from curriculum.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(
    source: object, references: Sequence[Mapping[str, Any]] | None = None
) -> SafeString:
    return render_markdown("" if source is None else str(source), references=references)
