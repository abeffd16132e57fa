"""The one Markdown pipeline: Python-Markdown, then nh3 with an explicit allow-list.

Everything Steadfast shows from Markdown goes through `render_markdown` (in templates:
`{% load curriculum_markdown %}{{ lesson.body|markdown:module.references }}`). Lesson
files are reviewed like code, but the sanitiser does not rely on that: whatever the
source, the output has no scripts, frames, forms, styles or event handlers, and links
and images point only to http(s), mailto or relative addresses.

Citations are footnotes to the module's reference ids (`a claim[^R1]`). Authors do not
write footnote definitions: the cited references are appended, numbered in order of
first citation, from module.yaml.
"""

import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import markdown
import nh3
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from config.memo import LocalMemo
from curriculum.jurisdictions import label_codes, label_text

# Bump when the output for the same source changes (extensions, allow-list, reference
# format): cached renderings of the old pipeline are then never read again.
PIPELINE_VERSION = "2"
CACHE_TIMEOUT = 60 * 60 * 24 * 30
# Keys name the source's hash, so a copy kept in the process is never stale (config.memo).
_RENDERED = LocalMemo(size=512, timeout=CACHE_TIMEOUT)

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "em", "strong", "b", "i", "code", "pre", "blockquote", "del", "sub", "sup",
        "cite", "abbr", "ul", "ol", "li", "a", "img", "div",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
# Removed with everything inside them, not just unwrapped to their text.
CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "noscript",
        "noembed", "template", "textarea", "title", "svg", "math", "xmp",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start"}),
    # Heading ids are what the reader saves its place by; footnotes link by li/sup ids.
    **{tag: frozenset({"id"}) for tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup")},
}
# Table alignment as an attribute: the default style="text-align…" breaks our CSP.
TAG_ATTRIBUTE_VALUES = {
    cell: {"align": frozenset({"left", "right", "center"})} for cell in ("th", "td")
}
ALLOWED_CLASSES = {
    "div": frozenset({"footnote"}),
    "p": frozenset({"jurisdiction"}),
    "a": frozenset({"footnote-ref", "footnote-backref"}),
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

# What a browser strips before it reads a URL's scheme (WHATWG URL: tab and newlines
# anywhere, C0 controls and spaces at either end), so "java\tscript:" is seen as it runs.
_URL_IGNORED_RE = re.compile(r"[\t\n\r]")
_URL_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_ID_VALUE_RE = re.compile(r"^[A-Za-z0-9_:\-]{1,100}$")
_CITATION_RE = re.compile(r"\[\^([^\]]*)\]")
_DOI_RE = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)


def is_allowed_url(url: str) -> bool:
    """True for http(s), mailto and relative or fragment URLs, as a browser would read them."""
    url = _URL_IGNORED_RE.sub("", url).strip("".join(chr(c) for c in range(0x21)))
    scheme = _URL_SCHEME_RE.match(url)
    return scheme is None or scheme[1].lower() in URL_SCHEMES


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    # nh3 checks URL schemes itself; this second check is ours, so the guarantee does
    # not rest on one parser's idea of where a scheme ends.
    if attribute in ("href", "src"):
        return value if is_allowed_url(value) else None
    if attribute == "id":
        return value if _ID_VALUE_RE.match(value) else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=CLEAN_CONTENT_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=LINK_REL,
    tag_attribute_values=TAG_ATTRIBUTE_VALUES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    url_relative="pass_through",
)


def sanitise_html(html: str) -> str:
    return _cleaner.clean(html)


# --- References ---------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def identifier_html(identifier: str) -> SafeString:
    """A DOI as a https://doi.org link, a URL as a link, anything else (a statute
    citation, a publication number) as text."""
    identifier = identifier.strip()
    doi = _DOI_RE.match(identifier)
    if doi:
        url = "https://doi.org/" + doi[1]
        return format_html(
            '<a href="{}">{}</a>', "https://doi.org/" + quote(doi[1], safe="/:;()._-"), url
        )
    if _URL_RE.match(identifier):
        return format_html('<a href="{}">{}</a>', identifier, identifier)
    return format_html("{}", identifier)


def reference_html(reference: Mapping[str, Any]) -> SafeString:
    """Authors. <cite>Title</cite>. Publisher, year. Identifier."""
    parts: list[SafeString] = []
    if reference.get("authors"):
        parts.append(format_html("{}", _sentence(str(reference["authors"]))))
    if reference.get("title"):
        title = " ".join(str(reference["title"]).split())
        parts.append(format_html("<cite>{}</cite>.", title.rstrip(".")))
    source = reference.get("publisher") or reference.get("journal")
    year = reference.get("year")
    published = ", ".join(str(part) for part in (source, year) if part not in (None, ""))
    if published:
        parts.append(format_html("{}", _sentence(published)))
    if reference.get("identifier"):
        parts.append(identifier_html(str(reference["identifier"])))
    return mark_safe(" ".join(parts))  # noqa: S308 - every part is escaped by format_html


def cited_ids(source: str, references: Sequence[Mapping[str, Any]]) -> list[str]:
    """The module's reference ids the source cites, in order of first citation."""
    known = {str(r.get("id")) for r in references}
    cited: list[str] = []
    for match in _CITATION_RE.finditer(source):
        if match[1] in known and match[1] not in cited:
            cited.append(match[1])
    return cited


class _AppendReferences(Preprocessor):
    """Appends a footnote definition per cited reference; its text is stashed HTML, so
    titles with asterisks or brackets are shown as written, never read as Markdown."""

    def __init__(self, md: markdown.Markdown, definitions: list[tuple[str, str]]) -> None:
        super().__init__(md)
        self.definitions = definitions

    def run(self, lines: list[str]) -> list[str]:
        assert self.md is not None
        extra = [""]
        for ref_id, reference in self.definitions:
            extra.append(f"[^{ref_id}]: {self.md.htmlStash.store(reference)}")
        return [*lines, *extra] if self.definitions else lines


class _JurisdictionLabels(Preprocessor):
    """`[[jurisdiction: us]]` on a line of its own becomes a visible label paragraph
    (CURRICULUM.md rule 8: law and procedure say where they apply)."""

    def run(self, lines: list[str]) -> list[str]:
        assert self.md is not None
        result: list[str] = []
        for line in lines:
            codes = label_codes(line)
            if codes is None:
                result.append(line)
                continue
            label = format_html(
                '<p class="jurisdiction"><strong>Jurisdiction:</strong> {}</p>', label_text(codes)
            )
            result.extend(["", self.md.htmlStash.store(label), ""])
        return result


# Internal links: `module:<id>` and `lesson:<id>` become the curriculum's own addresses,
# which stay valid whatever course a reader is on (the public "catalogue" pages).
INTERNAL_LINK_RE = re.compile(r"^(module|lesson):([a-z0-9]+(?:-[a-z0-9]+)*)$")


class _InternalLinks(Treeprocessor):
    def run(self, root: Any) -> None:
        for element in root.iter("a"):
            match = INTERNAL_LINK_RE.match(element.get("href", ""))
            if match:
                name = "catalogue:module" if match[1] == "module" else "catalogue:lesson-link"
                element.set("href", reverse(name, args=[match[2]]))


class _CurriculumExtension(Extension):
    """The curriculum's own syntax: cited references, jurisdiction labels, internal links."""

    def __init__(self, definitions: list[tuple[str, str]]) -> None:
        super().__init__()
        self.definitions = definitions

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After the other preprocessors (html_block is 20), so nothing re-reads our lines.
        md.preprocessors.register(
            _AppendReferences(md, self.definitions), "steadfast_references", 5
        )
        md.preprocessors.register(_JurisdictionLabels(md), "steadfast_jurisdictions", 25)
        md.treeprocessors.register(_InternalLinks(md), "steadfast_internal_links", 1)


# --- Rendering ----------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A heading of a lesson: where the reader can save its place."""

    id: str
    text: str
    level: int


def _converter(definitions: list[tuple[str, str]]) -> markdown.Markdown:
    # A new converter per document: Markdown instances keep state between calls.
    # No attr_list or md_in_html: authors do not set attributes; no [TOC] marker.
    return markdown.Markdown(
        extensions=[
            TableExtension(use_align_attribute=True),
            FootnoteExtension(
                USE_DEFINITION_ORDER=False,
                BACKLINK_TITLE="Back to the text",
                SEPARATOR=":",
            ),
            TocExtension(marker="", toc_depth="1-6"),
            "sane_lists",
            _CurriculumExtension(definitions),
        ],
        output_format="html",
    )


def _cache_key(kind: str, *parts: object) -> str:
    payload = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return f"curriculum:markdown:{PIPELINE_VERSION}:{kind}:{digest}"


def markdown_key(source: str, references: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The cache key of `render_markdown(source, references=references)`: a hash of the
    source and references, for callers that keep it beside the content (a course's
    outline) instead of hashing the same lesson on every request."""
    return _cache_key("html", source, list(references or []))


def render_markdown(
    source: str, *, references: Sequence[Mapping[str, Any]] | None = None, key: str = ""
) -> SafeString:
    """Render Markdown to sanitised HTML, with the cited references as numbered footnotes.

    `key`, when given, must be `markdown_key(source, references)`."""
    references = list(references or [])

    def build() -> str:
        by_id = {str(r.get("id")): r for r in references}
        definitions = [
            (ref_id, str(reference_html(by_id[ref_id]))) for ref_id in cited_ids(source, references)
        ]
        return sanitise_html(_converter(definitions).convert(source))

    html_ = _RENDERED.get_or_build(key or _cache_key("html", source, references), build, kind=str)
    return mark_safe(html_)  # noqa: S308 - sanitised by nh3 in build()


def lesson_sections(source: str) -> list[Section]:
    """The headings of a lesson in document order, with the ids `render_markdown` gives them."""

    def build() -> list[tuple[str, str, int]]:
        md = _converter([])
        md.convert(source)
        found = []
        stack = list(reversed(md.toc_tokens))  # type: ignore[attr-defined]
        while stack:
            token = stack.pop()
            # toc gives the heading's text HTML-escaped; templates escape it again.
            found.append((token["id"], html.unescape(token["name"]), token["level"]))
            stack.extend(reversed(token["children"]))
        return found

    headings = _RENDERED.get_or_build(_cache_key("sections", source), build, kind=list)
    return [Section(id=id_, text=text, level=level) for id_, text, level in headings]
