"""The curriculum's linter: rules CURRICULUM.md and docs/content-format.md state that a
machine can check. Each rule is a small function from the parsed tree to findings;
`RULES` lists them in the order their findings are most useful to read. Add a rule by
writing a function and appending it.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeIs

from curriculum.changes import check_changes_against_loaded
from curriculum.lesson_rules import CITATION_RE, LESSON_RULES, body_lines
from curriculum.loading import (
    CHANGELOG_FILE,
    KIND_NAME,
    TERMINOLOGY_FILE,
    VERSION_FILE,
    ContentTree,
    ModuleSource,
    YamlDocument,
)
from curriculum.registry import ContentRun, Finding, Severity, error, warning

type Rule = Callable[[ContentTree], Iterable[Finding]]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REFERENCE_ID_RE = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
PRINCIPLES = ("P1", "P2", "P3", "P4", "P5")
REVIEW_STATUSES = ("draft", "reviewed", "published")
CHANGES = ("editorial", "substantive")
MIN_OBJECTIVES, MAX_OBJECTIVES = 3, 6
# Semantic Versioning 2.0.0 (semver.org), without build metadata.
SEMVER_RE = re.compile(
    r"^(?P<core>(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
    r"(?:-(?P<pre>(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
    r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$"
)
# A citation `[^R1]`, and a footnote definition `[^R1]: …` at the start of a line.
FOOTNOTE_DEFINITION_RE = re.compile(r"^ {0,3}\[\^([^\]]+)\]:")
# A line opts out of the terminology check with a reason: `<!-- term-ok: reason -->` in
# Markdown, or a `# term-ok: reason` comment on a YAML value's lines.
MARKDOWN_TERM_OK_RE = re.compile(r"<!--\s*term-ok:\s*[^\s>-][^>]*-->")
YAML_TERM_OK_RE = re.compile(r"#\s*term-ok:\s*\S")


def lint_curriculum_tree(run: ContentRun) -> list[Finding]:
    """Run every rule over the parsed tree (the kind's lint step)."""
    tree = run.payload(KIND_NAME, ContentTree)
    findings = list(tree.findings)
    for rule in RULES:
        findings.extend(rule(tree))
    # Against what this database last loaded: the one rule that is not about the files alone.
    findings.extend(check_changes_against_loaded(tree))
    return findings


# --- Field checks -------------------------------------------------------------------


def _is_int(value: object) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: object) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def _identifier(value: object) -> str | None:
    if isinstance(value, str) and ID_RE.match(value):
        return None
    return "must be an id: lowercase letters, digits and single hyphens, such as c1-what-trauma-is"


def _language(value: object) -> str | None:
    if isinstance(value, str) and LANG_RE.match(value):
        return None
    return "must be a language tag such as en or en-GB"


def _order(value: object) -> str | None:
    return None if _is_int(value) and value >= 0 else "must be a whole number, 0 or more"


def _minutes(value: object) -> str | None:
    return (
        None if _is_int(value) and value > 0 else "must be a whole number of minutes, more than 0"
    )


def _text_list(value: object) -> str | None:
    if isinstance(value, list) and value and all(_text(item) is None for item in value):
        return None
    return "must be a list of one or more non-empty texts"


def _text_list_or_empty(value: object) -> str | None:
    if isinstance(value, list) and all(_text(item) is None for item in value):
        return None
    return "must be a list of texts (it may be empty: [])"


def _principles(value: object) -> str | None:
    if isinstance(value, list) and value and all(item in PRINCIPLES for item in value):
        return None
    return f"must be a list of principles from {', '.join(PRINCIPLES)}"


def _jurisdictions(value: object) -> str | None:
    if isinstance(value, list) and value and all(_identifier(item) is None for item in value):
        return None
    return "must be a list of jurisdictions such as [intl] or [us, england-wales]"


def _choice(*choices: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        return None if value in choices else f"must be one of: {', '.join(choices)}"

    return check


def _date_or_null(value: object) -> str | None:
    if value is None or (
        isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
    ):
        return None
    return "must be a date (YYYY-MM-DD) or null"


def _mapping(value: object) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping of fields"


def _list(value: object) -> str | None:
    return None if isinstance(value, list) else "must be a list (it may be empty: [])"


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _year(value: object) -> str | None:
    if value is None or (_is_int(value) and 1000 <= value <= 9999) or _text(value) is None:
        return None
    return "must be a year such as 2014 (or text, such as 2018 onwards)"


def _reference_id(value: object) -> str | None:
    if isinstance(value, str) and REFERENCE_ID_RE.match(value):
        return None
    return "must be a reference id such as R1"


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


@dataclass(frozen=True)
class Field:
    name: str
    check: Callable[[object], str | None]
    required: bool = True


TRACK_FIELDS = (
    Field("id", _identifier),
    Field("title", _text),
    Field("summary", _text),
    Field("lang", _language),
    Field("order", _order),
)
MODULE_FIELDS = (
    Field("id", _identifier),
    Field("title", _text),
    Field("summary", _text),
    Field("order", _order),
    Field("minutes", _minutes),
    Field("principles", _principles),
    Field("jurisdictions", _jurisdictions),
    Field("objectives", _text_list),
    Field("content_note", _text),
    Field("coping", _text_list),
    Field("review", _mapping),
    Field("references", _list),
)
REVIEW_FIELDS = (
    Field("status", _choice(*REVIEW_STATUSES)),
    Field("reviewers", _text_list_or_empty),
    Field("reviewed_on", _date_or_null),
    Field("next_review_on", _date_or_null),
)
# `publisher` or `journal`, and `year` and `identifier` once verified: see check_references.
REFERENCE_FIELDS = (
    Field("id", _reference_id),
    Field("authors", _text),
    Field("title", _text),
    Field("publisher", _optional_text, required=False),
    Field("journal", _optional_text, required=False),
    Field("year", _year, required=False),
    Field("identifier", _optional_text, required=False),
    Field("verified", _boolean),
)
LESSON_FIELDS = (
    Field("id", _identifier),
    Field("title", _text),
    Field("minutes", _minutes),
    Field("change", _choice(*CHANGES)),
    Field("lang", _language),
)
TERM_FIELDS = (
    Field("avoid", _text_list),
    Field("use", _text),
    Field("allowed", _text, required=False),
    # "manual": the words are fine in other senses, so matches are warnings for a
    # reviewer to judge instead of errors.
    Field("check", _choice("automatic", "manual"), required=False),
)


def _value_at(doc: YamlDocument, keys: tuple[str | int, ...]) -> object:
    value: object = doc.data
    for key in keys:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and key < len(value):
            value = value[key]
        else:
            return None
    return value


def check_fields(
    doc: YamlDocument, fields: tuple[Field, ...], *, at: tuple[str | int, ...] = (), what: str = ""
) -> Iterator[Finding]:
    """Required fields present and well-typed, unknown fields flagged (typos hide here)."""
    value = _value_at(doc, at)
    prefix = f"{what}: " if what else ""
    if not isinstance(value, dict):
        yield error(doc.path, doc.line(*at), f"{prefix}must be a mapping of fields (name: value)")
        return
    for spec in fields:
        if spec.name not in value:
            if spec.required:
                yield error(
                    doc.path, doc.line(*at), f"{prefix}the required field {spec.name!r} is missing"
                )
            continue
        problem = spec.check(value[spec.name])
        if problem is not None:
            yield error(doc.path, doc.line(*at, spec.name), f"{prefix}{spec.name!r} {problem}")
    known = {spec.name for spec in fields}
    for key in value:
        if key not in known:
            yield warning(
                doc.path, doc.key_line(*at, str(key)), f"{prefix}unknown field {key!r} (misspelt?)"
            )


# --- Rules ----------------------------------------------------------------------------


def check_version(tree: ContentTree) -> Iterator[Finding]:
    if tree.version is None:
        yield error(VERSION_FILE, None, "is missing: the curriculum version, such as 1.0.0-draft")
        return
    if tree.version_lines != 1:
        yield error(VERSION_FILE, 1, "must be one line: the version, such as 1.0.0-draft")
        return
    match = SEMVER_RE.match(tree.version)
    if match is None:
        yield error(
            VERSION_FILE, 1, f"{tree.version!r} is not a semantic version such as 1.0.0-draft"
        )
        return
    unpublished = [
        m.id for _t, m in tree.modules() if m.doc.get("review") and _status(m) != "published"
    ]
    if unpublished and not match["pre"]:
        yield error(
            VERSION_FILE,
            1,
            f"{tree.version} has no pre-release label, but {', '.join(unpublished)} "
            "is not published yet: use a label such as 1.0.0-draft",
        )


def check_changelog(tree: ContentTree) -> Iterator[Finding]:
    changelog = tree.changelog
    if changelog is None:
        yield error(
            CHANGELOG_FILE, None, "is missing: one '## <version> — <date>' section per version"
        )
        return
    for line, heading in changelog.malformed:
        yield error(
            CHANGELOG_FILE,
            line,
            f"{heading!r} is not a version heading: '## <version> — <YYYY-MM-DD>'",
        )
    seen: dict[str, int] = {}
    for section in changelog.sections:
        try:
            datetime.date.fromisoformat(section.date)
        except ValueError:
            yield error(
                CHANGELOG_FILE, section.line, f"{section.date!r} is not a date (YYYY-MM-DD)"
            )
        if section.version in seen:
            yield error(
                CHANGELOG_FILE,
                section.line,
                f"a second section for {section.version} (the first is on line {seen[section.version]})",
            )
        seen.setdefault(section.version, section.line)
    if tree.version and changelog.section(tree.version) is None:
        yield error(
            CHANGELOG_FILE,
            None,
            f"has no section for {tree.version}: add '## {tree.version} — <date>'",
        )


def check_terminology_file(tree: ContentTree) -> Iterator[Finding]:
    doc = tree.terminology
    if doc is None:
        if not any(f.path == TERMINOLOGY_FILE for f in tree.findings):
            yield error(TERMINOLOGY_FILE, None, "is missing: the terms the content avoids")
        return
    terms = doc.get("terms")
    if not isinstance(terms, list):
        yield error(TERMINOLOGY_FILE, doc.line("terms"), "needs a 'terms:' list")
        return
    for index in range(len(terms)):
        yield from check_fields(doc, TERM_FIELDS, at=("terms", index), what=f"term {index + 1}")


def check_tracks(tree: ContentTree) -> Iterator[Finding]:
    for track in tree.tracks:
        yield from check_fields(track.doc, TRACK_FIELDS)


def check_modules(tree: ContentTree) -> Iterator[Finding]:
    for _track, module in tree.modules():
        doc = module.doc
        yield from check_fields(doc, MODULE_FIELDS)
        objectives = doc.get("objectives")
        if isinstance(objectives, list) and not MIN_OBJECTIVES <= len(objectives) <= MAX_OBJECTIVES:
            yield error(
                doc.path,
                doc.line("objectives"),
                f"has {len(objectives)} objective{'' if len(objectives) == 1 else 's'}; "
                f"a module has {MIN_OBJECTIVES} to {MAX_OBJECTIVES}",
            )
        if not module.lessons:
            yield warning(doc.path, None, f"the module has no lessons in {module.folder}/")


def _status(module: ModuleSource) -> object:
    review = module.doc.get("review")
    return review.get("status") if isinstance(review, dict) else None


def check_review(tree: ContentTree) -> Iterator[Finding]:
    for _track, module in tree.modules():
        doc = module.doc
        review = doc.get("review")
        if not isinstance(review, dict):
            continue  # check_modules reports it
        yield from check_fields(doc, REVIEW_FIELDS, at=("review",), what="review")
        status = review.get("status")
        if status in ("reviewed", "published"):
            if not review.get("reviewers"):
                yield error(
                    doc.path,
                    doc.line("review", "reviewers"),
                    f"a {status} module names its reviewers",
                )
            if not review.get("reviewed_on"):
                yield error(
                    doc.path,
                    doc.line("review", "reviewed_on"),
                    f"a {status} module has a reviewed_on date",
                )
        if status == "published":
            for index, reference in enumerate(module.references()):
                if reference.get("verified") is not True:
                    yield error(
                        doc.path,
                        doc.line("references", index, "verified"),
                        f"reference {reference.get('id')} is not verified, so the module cannot be "
                        "published: check it against the publisher, or keep the module reviewed",
                    )


def check_references(tree: ContentTree) -> Iterator[Finding]:
    for _track, module in tree.modules():
        doc = module.doc
        references = doc.get("references")
        if not isinstance(references, list):
            continue  # check_modules reports it
        first_line: dict[object, int | None] = {}
        for index, reference in enumerate(references):
            what = f"reference {index + 1}"
            yield from check_fields(doc, REFERENCE_FIELDS, at=("references", index), what=what)
            if not isinstance(reference, dict):
                continue
            ref_id = reference.get("id")
            what = f"reference {ref_id}" if isinstance(ref_id, str) else what
            if not (reference.get("publisher") or reference.get("journal")):
                yield error(
                    doc.path,
                    doc.line("references", index),
                    f"{what}: needs a 'publisher' (or 'journal')",
                )
            if reference.get("verified") is True:
                for name in ("year", "identifier"):
                    if reference.get(name) in (None, ""):
                        yield error(
                            doc.path,
                            doc.line("references", index, name),
                            f"{what}: a verified reference has its {name}",
                        )
            if isinstance(ref_id, str):
                if ref_id in first_line:
                    yield error(
                        doc.path,
                        doc.line("references", index, "id"),
                        f"the reference id {ref_id} is listed twice (first on line {first_line[ref_id]})",
                    )
                first_line.setdefault(ref_id, doc.line("references", index, "id"))


def check_lessons(tree: ContentTree) -> Iterator[Finding]:
    for _module, lesson in tree.lessons():
        if lesson.front is not None:
            yield from check_fields(lesson.front, LESSON_FIELDS, what="front matter")
        if lesson.number is None:
            yield error(
                lesson.path,
                None,
                "a lesson's file name starts with its number, such as 01-what-trauma-is.md",
            )
    for _track, module in tree.modules():
        numbered: dict[int, str] = {}
        for lesson in module.lessons:
            if lesson.number is None:
                continue
            if lesson.number in numbered:
                yield error(
                    lesson.path,
                    None,
                    f"has the same number as {numbered[lesson.number]}: lessons are ordered by it",
                )
            numbered.setdefault(lesson.number, lesson.path)


def check_ids(tree: ContentTree) -> Iterator[Finding]:
    """Ids are unique within their kind across the whole curriculum (and never reused)."""
    kinds: dict[str, list[tuple[str, str, int | None]]] = {"track": [], "module": [], "lesson": []}
    for track in tree.tracks:
        kinds["track"].append((track.id, track.path, track.doc.line("id")))
    for _track, module in tree.modules():
        kinds["module"].append((module.id, module.path, module.doc.line("id")))
    for _module, lesson in tree.lessons():
        if lesson.front is not None:
            kinds["lesson"].append((lesson.id, lesson.path, lesson.front.line("id")))
    for kind, entries in kinds.items():
        first: dict[str, str] = {}
        for identifier, path, line in entries:
            if not identifier:
                continue  # a missing or malformed id is check_fields' finding
            if identifier in first:
                yield error(
                    path,
                    line,
                    f"the {kind} id {identifier!r} is already used by {first[identifier]}",
                )
            first.setdefault(identifier, f"{path}:{line}")


def check_citations(tree: ContentTree) -> Iterator[Finding]:
    for module, lesson in tree.lessons():
        known = module.reference_ids()
        for line_number, line in body_lines(lesson):
            definition = FOOTNOTE_DEFINITION_RE.match(line)
            if definition:
                yield error(
                    lesson.path,
                    line_number,
                    f"footnote definition [^{definition[1]}]: the renderer adds each cited reference "
                    "from module.yaml; remove the definition",
                )
                continue
            for citation in CITATION_RE.finditer(line):
                if citation[1] not in known:
                    listed = ", ".join(sorted(known)) or "none"
                    yield error(
                        lesson.path,
                        line_number,
                        f"cites [^{citation[1]}], which {module.path} does not list (it lists {listed})",
                    )


# --- Terminology -----------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    phrase: str
    pattern: re.Pattern[str]
    use: str
    allowed: str
    manual: bool
    # Where the term is defined, for messages that point a reviewer at its notes.
    line: int | None


def terms_of(tree: ContentTree) -> list[Term]:
    doc = tree.terminology
    entries = doc.get("terms") if doc is not None else None
    terms: list[Term] = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("avoid"), list):
            continue
        line = doc.line("terms", index) if doc is not None else None
        for phrase in entry["avoid"]:
            if not isinstance(phrase, str) or not phrase.strip():
                continue
            # Case-insensitive, whole words, any run of spaces, line breaks or hyphens
            # between the words ("Child  pornography", "child-pornography"), and the
            # plural ("child prostitutes") but not a longer word ("child porn" is not
            # found inside "child pornography").
            words = [re.escape(word) for word in phrase.split()]
            body = r"[\s\-]+".join(words)
            pattern = re.compile(rf"(?<!\w){body}(?:s|es)?(?!\w)", re.IGNORECASE)
            terms.append(
                Term(
                    phrase=phrase,
                    pattern=pattern,
                    use=str(entry.get("use") or ""),
                    allowed=" ".join(str(entry.get("allowed") or "").split()),
                    manual=entry.get("check") == "manual",
                    line=line,
                )
            )
    return terms


def _term_matches(terms: list[Term], text: str) -> Iterator[tuple[int, int, Term]]:
    """Matches of any term, the longest where two overlap ("virtual child pornography"
    is one finding, not two)."""
    found = sorted(
        ((m.start(), m.end(), term) for term in terms for m in term.pattern.finditer(text)),
        key=lambda item: (item[0], -(item[1] - item[0])),
    )
    covered_to = -1
    for start, end, term in found:
        if start >= covered_to:
            covered_to = end
            yield start, end, term


def _term_finding(
    path: str, line: int | None, matched: str, term: Term, *, opt_out: str
) -> Finding:
    if term.manual:
        message = (
            f"{matched!r}: check this use by hand (see {TERMINOLOGY_FILE}:{term.line}); "
            f"where it applies, use {term.use!r}; once judged fine, add {opt_out}"
        )
        return Finding(path=path, line=line, severity=Severity.WARNING, message=message)
    message = f"{matched!r}: use {term.use!r}" if term.use else f"avoid {matched!r}"
    if term.allowed:
        message += f" (allowed only {term.allowed}; if so, add {opt_out})"
    return Finding(path=path, line=line, severity=Severity.ERROR, message=message)


def _yaml_text_fields(module: ModuleSource) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for name in ("title", "summary", "content_note"):
        value = module.doc.get(name)
        if isinstance(value, str):
            yield (name,), value
    for name in ("objectives", "coping"):
        values = module.doc.get(name)
        for index, value in enumerate(values if isinstance(values, list) else []):
            if isinstance(value, str):
                yield (name, index), value


def check_yaml_value(
    doc: YamlDocument, keys: tuple[str | int, ...], value: str, terms: list[Term], source: list[str]
) -> Iterator[Finding]:
    """Terms to avoid in one YAML text value, unless a `# term-ok: <reason>` comment sits
    on the value's lines. `source` is the file's lines, padded by the document's offset.
    (Quiz files use this too: one terminology check for every kind of content.)"""
    span = doc.span(*keys)
    if span is None:
        return
    first, last = span
    if any(YAML_TERM_OK_RE.search(line) for line in source[first - 1 : last]):
        return
    for start, end, term in _term_matches(terms, value):
        yield _term_finding(
            doc.path, first, value[start:end], term, opt_out="'# term-ok: <reason>'"
        )


def check_terminology(tree: ContentTree) -> Iterator[Finding]:
    """Terms to avoid, from terminology.yaml, in lesson titles and bodies and in the
    module's text fields. References are not checked: cited titles may use old terms."""
    terms = terms_of(tree)
    if not terms:
        return
    for _track, module in tree.modules():
        source = [""] * module.doc.line_offset + module.doc.source.split("\n")
        for keys, value in _yaml_text_fields(module):
            yield from check_yaml_value(module.doc, keys, value, terms, source)
    for _module, lesson in tree.lessons():
        if lesson.front is not None and isinstance(lesson.front.get("title"), str):
            source = [""] * lesson.front.line_offset + lesson.front.source.split("\n")
            yield from check_yaml_value(
                lesson.front, ("title",), lesson.front.text("title"), terms, source
            )
        lines = lesson.body.split("\n")
        for start, end, term in _term_matches(terms, lesson.body):
            first = lesson.body[:start].count("\n")
            last = first + lesson.body[start:end].count("\n")
            if any(MARKDOWN_TERM_OK_RE.search(line) for line in lines[first : last + 1]):
                continue
            matched = " ".join(lesson.body[start:end].split())
            yield _term_finding(
                lesson.path,
                lesson.body_line + first,
                matched,
                term,
                opt_out="'<!-- term-ok: <reason> -->'",
            )


RULES: list[Rule] = [
    check_version,
    check_changelog,
    check_terminology_file,
    check_tracks,
    check_modules,
    check_review,
    check_references,
    check_lessons,
    check_ids,
    check_citations,
    check_terminology,
    *LESSON_RULES,
]
