"""Reading the content files into an in-memory tree: tracks, their modules, their
lessons, and the VERSION, CHANGELOG.md and terminology.yaml beside them.

Parsing never raises for bad content. A file that cannot be read or parsed is left out
of the tree and its problem becomes a finding, which `curriculum.linting` reports with
everything else; nothing loads while any error stands. The format is
docs/content-format.md.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from curriculum.registry import ContentRun, Finding, error

KIND_NAME = "curriculum"
VERSION_FILE = "VERSION"
CHANGELOG_FILE = "CHANGELOG.md"
TERMINOLOGY_FILE = "terminology.yaml"
TRACK_FILE = "track.yaml"
MODULE_FILE = "module.yaml"
PATTERNS = (
    VERSION_FILE,
    CHANGELOG_FILE,
    TERMINOLOGY_FILE,
    f"*/{TRACK_FILE}",
    f"*/*/{MODULE_FILE}",
    "*/*/*.md",
)

LESSON_NAME_RE = re.compile(r"^(?P<number>\d+)-.+\.md$")
# "## 1.0.0-draft — 2026-11-24" (an en dash or a hyphen will do for the em dash).
CHANGELOG_HEADING_RE = re.compile(r"^##(?!#)\s*(?P<rest>.*?)\s*$")
CHANGELOG_SECTION_RE = re.compile(
    r"^(?P<version>\S+)\s+[\u2014\u2013-]\s+(?P<date>\d{4}-\d{2}-\d{2})$"
)


# --- Reading files --------------------------------------------------------------------


def normalise(text: str) -> str:
    """The text as the hashes see it: no byte-order mark, LF line ends, one final newline.

    Trailing spaces inside lines are kept: two of them make a line break in Markdown.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n"


def read_text(root: Path, path: str) -> tuple[str | None, Finding | None]:
    try:
        raw = (root / path).read_bytes()
    except OSError as exc:
        return None, error(path, None, f"cannot be read: {exc.strerror or exc}")
    try:
        return normalise(raw.decode("utf-8")), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, error(path, line, "is not UTF-8 text")


def file_digest(root: Path, path: str) -> bytes:
    """The normalised content of a text file, or the raw bytes of any other file."""
    raw = (root / path).read_bytes()
    try:
        return normalise(raw.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        return raw


def _hash_name(path: str, folder: str) -> str:
    # File names are for people: a lesson counts by its number (its place in the
    # module), so renaming 01-trauma.md to 01-what-trauma-is.md changes nothing while
    # renumbering it does. Other files (quizzes) count by their path in the folder.
    name = PurePosixPath(path).relative_to(folder).as_posix()
    lesson = LESSON_NAME_RE.match(name)
    return f"lesson:{int(lesson['number'])}" if lesson else name


def sha256_of_files(root: Path, paths: list[str], *, folder: str) -> str:
    """One hash over a module folder's files: each file's name as `_hash_name` sees it
    and its normalised content."""
    digest = hashlib.sha256()
    for name, path in sorted((_hash_name(path, folder), path) for path in paths):
        digest.update(name.encode("utf-8") + b"\0" + file_digest(root, path) + b"\0")
    return digest.hexdigest()


# --- YAML with line numbers -----------------------------------------------------------

type Key = str | int


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus its node tree, so findings can point at the line of a value."""

    path: str
    data: object
    node: yaml.Node | None
    # Lines before the YAML text in its file (1 for front matter after its "---").
    line_offset: int = 0
    # The YAML text itself, for comments (which the parsed data does not keep).
    source: str = ""

    @property
    def mapping(self) -> dict[object, object]:
        return self.data if isinstance(self.data, dict) else {}

    def get(self, key: str) -> object:
        return self.mapping.get(key)

    def text(self, key: str) -> str:
        value = self.get(key)
        return value if isinstance(value, str) else ""

    def line(self, *keys: Key) -> int | None:
        """The 1-based line of the value at `keys`, or of the deepest node on the way."""
        node = self.node
        if node is None:
            return None
        for key in keys:
            child = _child(node, key)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1 + self.line_offset

    def key_line(self, *keys: Key) -> int | None:
        """The line of the key itself (a missing value's key has no value node to point at)."""
        node = self.node
        for key in keys[:-1]:
            node = _child(node, key) if node is not None else None
        if isinstance(node, yaml.MappingNode):
            for key_node, _value in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == keys[-1]:
                    return key_node.start_mark.line + 1 + self.line_offset
        return self.line(*keys)

    def span(self, *keys: Key) -> tuple[int, int] | None:
        """First and last line of the value at `keys` (for opt-out comments)."""
        node = self.node
        for key in keys:
            node = _child(node, key) if node is not None else None
        if node is None:
            return None
        last = node.end_mark.line
        if node.end_mark.column == 0 and last > node.start_mark.line:
            last -= 1  # a block scalar ends at the start of the next line
        return node.start_mark.line + 1 + self.line_offset, last + 1 + self.line_offset


def _child(node: yaml.Node | None, key: Key) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def parse_yaml(
    path: str, text: str, *, line_offset: int = 0
) -> tuple[YamlDocument | None, list[Finding]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [error(path, line, f"is not valid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return None, [error(path, None, f"is not valid YAML: {exc}")]
    finally:
        loader.dispose()
    document = YamlDocument(path=path, data=data, node=node, line_offset=line_offset, source=text)
    return document, list(_duplicate_keys(document, node))


def _duplicate_keys(document: YamlDocument, node: yaml.Node | None) -> Iterator[Finding]:
    # PyYAML keeps the last of two equal keys without a word; an author who wrote `id:`
    # twice meant one of them.
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    line = key_node.start_mark.line + 1 + document.line_offset
                    yield error(document.path, line, f"the key {key_node.value!r} appears twice")
                seen.add(key_node.value)
            yield from _duplicate_keys(document, value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(document, item)


# --- The tree ---------------------------------------------------------------------------


@dataclass
class LessonSource:
    path: str
    number: int | None
    front: YamlDocument | None
    body: str
    # The file line of the body's first line, so body offsets map to file lines.
    body_line: int
    content_hash: str

    @property
    def id(self) -> str:
        return self.front.text("id") if self.front else ""


@dataclass
class ModuleSource:
    path: str
    folder: str
    doc: YamlDocument
    content_hash: str
    lessons: list[LessonSource] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.doc.text("id")

    def references(self) -> list[dict[object, object]]:
        value = self.doc.get("references")
        return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []

    def reference_ids(self) -> set[str]:
        ids = (reference.get("id") for reference in self.references())
        return {ref_id for ref_id in ids if isinstance(ref_id, str)}


@dataclass
class TrackSource:
    path: str
    folder: str
    doc: YamlDocument
    modules: list[ModuleSource] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.doc.text("id")


@dataclass(frozen=True)
class ChangelogSection:
    version: str
    date: str
    line: int
    body: str


@dataclass
class Changelog:
    path: str
    sections: list[ChangelogSection] = field(default_factory=list)
    # Level-2 headings that are not "<version> — <date>": (line, heading text).
    malformed: list[tuple[int, str]] = field(default_factory=list)

    def section(self, version: str) -> ChangelogSection | None:
        return next((s for s in self.sections if s.version == version), None)


@dataclass
class ContentTree:
    version: str | None = None
    version_lines: int = 0
    changelog: Changelog | None = None
    terminology: YamlDocument | None = None
    tracks: list[TrackSource] = field(default_factory=list)
    # Problems met while reading: unreadable files, YAML errors, misplaced files.
    findings: list[Finding] = field(default_factory=list)

    def modules(self) -> Iterator[tuple[TrackSource, ModuleSource]]:
        for track in self.tracks:
            for module in track.modules:
                yield track, module

    def lessons(self) -> Iterator[tuple[ModuleSource, LessonSource]]:
        for _track, module in self.modules():
            for lesson in module.lessons:
                yield module, lesson

    def module_hashes(self) -> dict[str, str]:
        """ "<track-id>/<module-id>" -> content hash, as a curriculum version records them."""
        return {f"{track.id}/{module.id}": module.content_hash for track, module in self.modules()}


def parse_curriculum(run: ContentRun) -> ContentTree:
    """Read the curriculum's own files (the kind's parse step)."""
    tree = ContentTree()
    files = set(run.files)

    if VERSION_FILE in files:
        text, problem = read_text(run.root, VERSION_FILE)
        tree.findings.extend([problem] if problem else [])
        if text is not None:
            tree.version = text.strip()
            tree.version_lines = len(text.strip().splitlines())
    if CHANGELOG_FILE in files:
        text, problem = read_text(run.root, CHANGELOG_FILE)
        tree.findings.extend([problem] if problem else [])
        if text is not None:
            tree.changelog = parse_changelog(CHANGELOG_FILE, text)
    if TERMINOLOGY_FILE in files:
        tree.terminology = _read_yaml(run, TERMINOLOGY_FILE, tree.findings)

    tracks: dict[str, TrackSource] = {}
    for path in run.files_matching([f"*/{TRACK_FILE}"]):
        doc = _read_yaml(run, path, tree.findings)
        if doc is not None:
            folder = PurePosixPath(path).parent.as_posix()
            tracks[folder] = TrackSource(path=path, folder=folder, doc=doc)

    modules: dict[str, ModuleSource] = {}
    for path in run.files_matching([f"*/*/{MODULE_FILE}"]):
        folder = PurePosixPath(path).parent.as_posix()
        track_folder = PurePosixPath(folder).parent.as_posix()
        track = tracks.get(track_folder)
        if track is None:
            if f"{track_folder}/{TRACK_FILE}" not in files:
                tree.findings.append(
                    error(path, None, f"is not inside a track: {track_folder}/ has no {TRACK_FILE}")
                )
            continue
        doc = _read_yaml(run, path, tree.findings)
        if doc is None:
            continue
        in_folder = [f for f in run.files if f.startswith(f"{folder}/")]
        module = ModuleSource(
            path=path,
            folder=folder,
            doc=doc,
            content_hash=sha256_of_files(run.root, in_folder, folder=folder),
        )
        modules[folder] = module
        track.modules.append(module)

    for path in run.files_matching(["*/*/*.md"]):
        folder = PurePosixPath(path).parent.as_posix()
        parent = modules.get(folder)
        if parent is None:
            if f"{folder}/{MODULE_FILE}" not in files:
                tree.findings.append(
                    error(path, None, f"is not inside a module: {folder}/ has no {MODULE_FILE}")
                )
            continue
        lesson = parse_lesson(run, path, tree.findings)
        if lesson is not None:
            parent.lessons.append(lesson)

    for track in tracks.values():
        track.modules.sort(key=lambda m: (_order(m.doc), m.folder))
        for module in track.modules:
            module.lessons.sort(key=lambda lesson: (lesson.number or 0, lesson.path))
    tree.tracks = sorted(tracks.values(), key=lambda t: (_order(t.doc), t.folder))
    return tree


def _order(doc: YamlDocument) -> int:
    value = doc.get("order")
    return value if isinstance(value, int) else 0


def _read_yaml(run: ContentRun, path: str, findings: list[Finding]) -> YamlDocument | None:
    text, problem = read_text(run.root, path)
    if problem is not None or text is None:
        findings.extend([problem] if problem else [])
        return None
    doc, problems = parse_yaml(path, text)
    findings.extend(problems)
    return doc


def parse_lesson(run: ContentRun, path: str, findings: list[Finding]) -> LessonSource | None:
    text, problem = read_text(run.root, path)
    if problem is not None or text is None:
        findings.extend([problem] if problem else [])
        return None
    match = LESSON_NAME_RE.match(PurePosixPath(path).name)
    number = int(match["number"]) if match else None
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()

    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        findings.append(error(path, 1, "has no front matter: the file starts with a '---' line"))
        return LessonSource(path, number, None, text.strip() + "\n", 1, content_hash)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        findings.append(error(path, 1, "front matter is not closed by a '---' line"))
        return LessonSource(path, number, None, "", 1, content_hash)

    front, problems = parse_yaml(path, "\n".join(lines[1:end]), line_offset=1)
    findings.extend(problems)
    body_start = end + 1
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    body = "\n".join(lines[body_start:]).rstrip() + "\n"
    return LessonSource(path, number, front, body, body_start + 1, content_hash)


def parse_changelog(path: str, text: str) -> Changelog:
    changelog = Changelog(path=path)
    current: tuple[str, str, int] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            version, date, line = current
            section = ChangelogSection(version, date, line, "\n".join(body).strip())
            changelog.sections.append(section)

    for number, line in enumerate(text.split("\n"), start=1):
        heading = CHANGELOG_HEADING_RE.match(line)
        if heading is None:
            body.append(line)
            continue
        close()
        current, body = None, []
        section = CHANGELOG_SECTION_RE.match(heading["rest"])
        if section is None:
            changelog.malformed.append((number, line))
        else:
            current = (section["version"], section["date"], number)
    close()
    return changelog
