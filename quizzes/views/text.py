"""Quiz text as HTML: every field is Markdown, shown through the one pipeline
(curriculum.markdown), and sources resolved to the module's references."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from curriculum.jurisdictions import label_text
from curriculum.markdown import render_markdown
from curriculum.models import Module
from quizzes.parsing import EXPERT_JUDGEMENT

_PARAGRAPHS = re.compile(r"^(?:<p>.*?</p>\s*)+$", re.DOTALL)
_BREAK = re.compile(r"</p>\s*<p>")


def block_html(source: str) -> SafeString:
    """A text field as sanitised HTML (paragraphs, lists, emphasis).

    Quiz text cites through `sources`, not footnotes, so no references are passed:
    several options rendered on one page would otherwise repeat footnote ids."""
    return render_markdown(source)


def inline_html(source: str) -> SafeString:
    """A short text field (an option, an item, a prompt in a legend) as phrasing
    content: labels and legends cannot hold paragraphs."""
    html = str(render_markdown(source)).strip()
    if _PARAGRAPHS.match(html):
        html = _BREAK.sub("<br><br>", html).removeprefix("<p>").removesuffix("</p>")
    # Sanitised by render_markdown; only its paragraph tags were taken away.
    return mark_safe(html)  # noqa: S308


def plain_text(source: str) -> str:
    """A text field as plain words, for accessible names ("Move up “Event”")."""
    return " ".join(strip_tags(str(render_markdown(source))).split())


def jurisdiction(codes: Sequence[str] | None) -> str:
    """Where the law or procedure in a question applies, in words ("" for none)."""
    return label_text(list(codes)) if codes else ""


@dataclass(frozen=True)
class Sources:
    """What supports a rating: the module's references it names (dicts, shown with the
    `reference` filter), ids the module does not list, or expert judgement."""

    references: tuple[dict[str, Any], ...] = ()
    unknown: tuple[str, ...] = ()
    expert_judgement: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.references or self.unknown or self.expert_judgement)


def sources(value: object, module: Module) -> Sources:
    """A body's `sources` ("expert judgement" or reference ids) against the module."""
    if value == EXPERT_JUDGEMENT:
        return Sources(expert_judgement=True)
    if not isinstance(value, Sequence) or isinstance(value, str):
        return Sources()
    found: list[dict[str, Any]] = []
    unknown: list[str] = []
    for reference_id in value:
        reference = module.reference(str(reference_id))
        if reference is None:
            unknown.append(str(reference_id))
        else:
            found.append(reference)
    return Sources(references=tuple(found), unknown=tuple(unknown))


@dataclass(frozen=True)
class LessonLink:
    """A lesson that teaches the point, linked through `catalogue:lesson-link`."""

    slug: str
    title: str


def lesson_links(slugs: Sequence[str], titles: Mapping[str, str]) -> tuple[LessonLink, ...]:
    """The lessons named, in order and once each, that are still current."""
    seen: list[str] = []
    for slug in slugs:
        if slug in titles and slug not in seen:
            seen.append(slug)
    return tuple(LessonLink(slug=slug, title=titles[slug]) for slug in seen)
