"""Linter rules that read a lesson's prose: headings, images, links, statistics,
jurisdiction labels, plain language and the shape every lesson ends with
(CURRICULUM.md rules 3, 6, 7 and 8; issue-level rules in docs/content-format.md).

Each rule is a function from the parsed tree to findings, listed in `LESSON_RULES`;
`curriculum.linting` runs them after its own.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from curriculum.jurisdictions import JURISDICTIONS, label_codes
from curriculum.loading import ContentTree, LessonSource, ModuleSource
from curriculum.markdown import lesson_sections
from curriculum.readability import measure
from curriculum.registry import Finding, error, warning

CODE_SPAN_RE = re.compile(r"(`+)(?:.+?)\1")
FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
CITATION_RE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
IMAGE_RE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)")
HTML_IMAGE_RE = re.compile(r"<img\b(?P<attrs>[^>]*)>", re.I)
HTML_ALT_RE = re.compile(r"\balt\s*=\s*(\"[^\"]*[^\s\"][^\"]*\"|'[^']*[^\s'][^']*')", re.I)
LINK_RE = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<href>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
COMMENT_RE = re.compile(r"<!--.*?-->")

# A statistic (CURRICULUM.md rule 3): a percentage, "1 in 5" / "one in five", or
# "N times more/less/as …". Its sentence must carry a citation.
_NUMBER = (
    r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|a hundred)"
)
STATISTIC_RE = re.compile(
    rf"\d+(?:\.\d+)?\s?(?:%|per\s?cent\b|percent\b)"
    rf"|\b{_NUMBER}\s+(?:in|out\s+of)\s+(?:every\s+)?{_NUMBER}\b"
    rf"|\b(?:{_NUMBER}|twice)\s+times?\s+(?:more|less|fewer|as|higher|lower|greater|larger|smaller|the)\b"
    rf"|\btwice\s+as\b",
    re.I,
)
# Citations written after the full stop (`claim.[^R1]`) belong to the sentence before.
_CITATION_AFTER_STOP_RE = re.compile(r"([.!?])((?:\[\^[^\]]+\])+)")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[A-Z0-9*_])")

# Law and procedure (CURRICULUM.md rule 8): statute and case citations and the names of
# legal instruments. A section that mentions one carries a jurisdiction label.
LAW_RE = re.compile(
    r"\b\d+\s+U\.?\s?S\.?\s?C\.?(?=\s|§|$)|\bU\.S\.C\b|\bUSC\s+\d|\bC\.?F\.?R\.?\b"
    r"|\bPub\.\s?L\.|\b\d+\s+U\.S\.\s+\d+|\b[A-Z][A-Za-z]+ v\.? [A-Z][a-z]"
    r"|\b(?:[A-Z][\w'\u2019]+\s+)+Act(?:\s+(?:of\s+)?\d{4})?\b|\bAct\s+(?:of\s+)?\d{4}\b"
    r"|\b(?:[A-Z][\w'\u2019]+\s+)+(?:Convention|Directive|Regulation|Code of Practice|Statute)\b"
    r"|\b(?:Directive|Regulation)\s+(?:\(EU\)\s+)?\d{2,4}/\d+"
    r"|\bArticle\s+\d+|\bsection\s+\d+|\bs\.\s?\d+\b|§\s?\d+"
)

GRADE_WARNING, GRADE_ERROR = 12.0, 14.0
KEY_POINTS, REFLECTION = "Key points", "Reflection"
REFLECTION_REMINDER_RE = re.compile(r"case\s+or\s+client\s+details", re.I)


# --- Reading a lesson's body -----------------------------------------------------------


def body_lines(lesson: LessonSource) -> Iterator[tuple[int, str]]:
    """The body's lines outside fenced code, with file line numbers and code spans blanked."""
    fence: str | None = None
    for offset, line in enumerate(lesson.body.split("\n")):
        marker = FENCE_RE.match(line)
        if marker and (fence is None or marker[1] == fence):
            fence = None if fence else marker[1]
            continue
        if fence is None:
            yield lesson.body_line + offset, CODE_SPAN_RE.sub(lambda m: " " * len(m[0]), line)


@dataclass
class Section:
    """A heading and the lines up to the next heading (the lesson's opening, before any
    heading, is a section of level 1 with no title)."""

    level: int
    title: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)
    # Jurisdiction codes labelled directly under the heading, and the label's line.
    codes: list[str] = field(default_factory=list)
    label_line: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(COMMENT_RE.sub("", line) for _n, line in self.lines)


def sections(lesson: LessonSource) -> list[Section]:
    result = [Section(level=1, title="", line=lesson.body_line)]
    for number, line in body_lines(lesson):
        heading = HEADING_RE.match(line)
        if heading:
            result.append(Section(level=len(heading[1]), title=heading[2], line=number))
            continue
        current = result[-1]
        codes = label_codes(line)
        if codes is not None and not any(text.strip() for _n, text in current.lines):
            current.codes, current.label_line = codes, number
            continue
        current.lines.append((number, line))
    return result


def _lessons(tree: ContentTree) -> Iterator[tuple[ModuleSource, LessonSource]]:
    for module, lesson in tree.lessons():
        if lesson.front is not None:
            yield module, lesson


# --- Rules -------------------------------------------------------------------------------


def check_headings(tree: ContentTree) -> Iterator[Finding]:
    """Headings start at ## (the page's title is the h1) and never skip a level."""
    for _module, lesson in _lessons(tree):
        previous = 1
        for section in sections(lesson)[1:]:
            if section.level == 1:
                yield error(
                    lesson.path,
                    section.line,
                    f"heading {section.title!r} is level 1: the lesson's title is the page's "
                    "only level-1 heading; start sections at ##",
                )
            elif section.level > previous + 1:
                yield error(
                    lesson.path,
                    section.line,
                    f"heading {section.title!r} jumps from level {previous} to {section.level}: "
                    f"use {'#' * (previous + 1)}",
                )
            previous = section.level


def check_images(tree: ContentTree) -> Iterator[Finding]:
    for _module, lesson in _lessons(tree):
        for number, line in body_lines(lesson):
            for image in IMAGE_RE.finditer(line):
                if not image["alt"].strip():
                    yield error(
                        lesson.path,
                        number,
                        f"the image {image['src']!r} has no alt text: say what it shows, "
                        "for readers who cannot see it",
                    )
            for tag in HTML_IMAGE_RE.finditer(line):
                if not HTML_ALT_RE.search(tag["attrs"]):
                    yield error(lesson.path, number, "an <img> has no alt text")


def check_links(tree: ContentTree) -> Iterator[Finding]:
    """Internal links point at something that exists: `module:<id>`, `lesson:<id>`, and
    `#<heading-id>` within the lesson."""
    module_ids = {module.id for _track, module in tree.modules()}
    lesson_ids = {lesson.id for _module, lesson in tree.lessons()}
    for _module, lesson in _lessons(tree):
        anchors: set[str] | None = None
        for number, line in body_lines(lesson):
            for link in LINK_RE.finditer(line):
                href = link["href"]
                kind, _sep, target = href.partition(":")
                if kind == "module" and target not in module_ids:
                    yield error(
                        lesson.path, number, f"links to module {target!r}, which does not exist"
                    )
                elif kind == "lesson" and target not in lesson_ids:
                    yield error(
                        lesson.path, number, f"links to lesson {target!r}, which does not exist"
                    )
                elif href.startswith("#"):
                    if anchors is None:
                        anchors = {section.id for section in lesson_sections(lesson.body)}
                    if href[1:] not in anchors:
                        yield error(
                            lesson.path,
                            number,
                            f"links to {href!r}, which is not a heading of this lesson "
                            f"(its headings: {', '.join(sorted(anchors)) or 'none'})",
                        )
                elif not href:
                    yield error(lesson.path, number, f"the link {link['text']!r} has no address")


def _sentences(paragraph: str) -> Iterator[str]:
    paragraph = _CITATION_AFTER_STOP_RE.sub(r"\2\1", paragraph)
    yield from _SENTENCE_SPLIT_RE.split(paragraph)


def _paragraphs(lesson: LessonSource) -> Iterator[tuple[int, str]]:
    """(first line, text) of each paragraph or list item, joined across line breaks."""
    start: int | None = None
    lines: list[str] = []
    for number, line in body_lines(lesson):
        is_item = bool(re.match(r"^\s*(?:[-*+]|\d+[.)])\s", line))
        if not line.strip() or HEADING_RE.match(line) or is_item:
            if lines and start is not None:
                yield start, " ".join(lines)
            start, lines = None, []
            if not line.strip() or HEADING_RE.match(line):
                continue
        if start is None:
            start = number
        lines.append(COMMENT_RE.sub("", line).strip())
    if lines and start is not None:
        yield start, " ".join(lines)


def check_statistics(tree: ContentTree) -> Iterator[Finding]:
    """A sentence with a statistic cites its source in the same sentence."""
    for _module, lesson in _lessons(tree):
        for number, paragraph in _paragraphs(lesson):
            for sentence in _sentences(paragraph):
                statistic = STATISTIC_RE.search(sentence)
                if statistic and not CITATION_RE.search(sentence):
                    yield error(
                        lesson.path,
                        number,
                        f"{statistic[0].strip()!r} is a statistic without a citation in its "
                        "sentence: cite its source, such as [^R3]",
                    )


def check_jurisdiction_labels(tree: ContentTree) -> Iterator[Finding]:
    """Law and procedure carry their jurisdiction: a label under the section's heading
    (or before the first heading, for the whole lesson), with codes the module lists."""
    for module, lesson in _lessons(tree):
        listed = module.doc.get("jurisdictions")
        listed_codes = set(listed) if isinstance(listed, list) else set()
        lesson_sections_ = sections(lesson)
        for section in lesson_sections_:
            for code in section.codes:
                if code not in JURISDICTIONS:
                    yield error(
                        lesson.path,
                        section.label_line,
                        f"unknown jurisdiction {code!r}; known: {', '.join(JURISDICTIONS)} "
                        "(add new ones in curriculum/jurisdictions.py)",
                    )
                elif code not in listed_codes:
                    yield error(
                        lesson.path,
                        section.label_line,
                        f"labels {code!r}, which {module.path} does not list in 'jurisdictions'",
                    )
        # The label in force at a section: its own, or the nearest enclosing section's.
        stack: list[Section] = []
        for section in lesson_sections_:
            while stack and stack[-1].level >= section.level:
                stack.pop()
            stack.append(section)
            if any(s.codes for s in stack):
                continue
            for number, line in section.lines:
                law = LAW_RE.search(COMMENT_RE.sub("", line))
                if law:
                    yield error(
                        lesson.path,
                        number,
                        f"{law[0].strip()!r} is law or procedure: label the section with its "
                        "jurisdiction on a line under its heading, such as [[jurisdiction: us]]",
                    )
                    break


def check_lesson_shape(tree: ContentTree) -> Iterator[Finding]:
    """Every lesson ends with its key points and a reflection prompt, and the prompt says
    not to write case or client details (CURRICULUM.md rule 6)."""
    for _module, lesson in _lessons(tree):
        top = [s for s in sections(lesson) if s.level == 2]
        by_title = {s.title: s for s in top}
        titles = [s.title for s in top]
        if KEY_POINTS not in by_title:
            yield error(
                lesson.path, None, f"has no '## {KEY_POINTS}' section before its reflection"
            )
        reflection = by_title.get(REFLECTION)
        if reflection is None:
            yield error(lesson.path, None, f"has no '## {REFLECTION}' section at its end")
            continue
        if titles[-1] != REFLECTION or (KEY_POINTS in titles and titles[-2] != KEY_POINTS):
            yield error(
                lesson.path,
                reflection.line,
                f"a lesson ends with '## {KEY_POINTS}' then '## {REFLECTION}'",
            )
        if not REFLECTION_REMINDER_RE.search(" ".join(reflection.text.split())):
            yield error(
                lesson.path,
                reflection.line,
                "the reflection prompt must remind the learner not to write case or client "
                "details (for example: 'Keep your notes general. Do not write case or client "
                "details.')",
            )


def check_plain_language(tree: ContentTree) -> Iterator[Finding]:
    """Flesch-Kincaid grade at most 14, a warning above 12."""
    for _module, lesson in _lessons(tree):
        reading = measure(lesson.body)
        if reading.words and reading.grade > GRADE_ERROR:
            yield error(
                lesson.path,
                None,
                f"Flesch-Kincaid grade {reading.grade:.1f} is above {GRADE_ERROR:.0f}: "
                "shorten sentences and prefer common words",
            )
        elif reading.words and reading.grade > GRADE_WARNING:
            yield warning(
                lesson.path,
                None,
                f"Flesch-Kincaid grade {reading.grade:.1f} is above {GRADE_WARNING:.0f}",
            )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def check_minutes(tree: ContentTree) -> Iterator[Finding]:
    """A module's minutes are its lessons' minutes added up: the hours on certificates
    come from them."""
    for _track, module in tree.modules():
        total = 0
        for lesson in module.lessons:
            minutes = lesson.front.get("minutes") if lesson.front else None
            if not _whole(minutes):
                total = -1
                break
            total += int(minutes)  # type: ignore[call-overload]
        stated = module.doc.get("minutes")
        if total >= 0 and module.lessons and _whole(stated) and stated != total:
            yield error(
                module.path,
                module.doc.line("minutes"),
                f"minutes is {stated}, but the lessons' minutes add up to {total}",
            )


LESSON_RULES = [
    check_headings,
    check_images,
    check_links,
    check_statistics,
    check_jurisdiction_labels,
    check_lesson_shape,
    check_plain_language,
    check_minutes,
]
