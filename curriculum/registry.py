"""The content-kind registry: how `load_curriculum` and `lint_curriculum` learn about
every kind of content file without `curriculum` importing the apps that own them.

A kind is a name, the file patterns it owns (relative to the content root, matched
with `PurePosixPath.full_match`), and three functions:

- `parse(run)` reads the kind's files into whatever in-memory shape it likes. It never
  raises for bad content: problems become findings its linter returns.
- `lint(run)` returns findings (path, line, severity, message).
- `load(run)` writes the kind's rows and says what it added, changed, retired and left
  unchanged. It runs only when no kind reported an error, inside the one transaction
  of the whole load, so a kind that raises rolls back every kind's writes.

Kinds run in registration order, which is INSTALLED_APPS order because each app
registers from its `AppConfig.ready()`: `curriculum` (tracks, modules, lessons, the
version) first, then `quizzes` (`*/*/quiz-*.yaml`), then `courses`. A later kind may
read an earlier kind's parsed content through `run.parsed`, and rely on its rows
existing when its own loader runs.
"""

import enum
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.exceptions import ImproperlyConfigured


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in one file. `path` is relative to the content root."""

    path: str
    line: int | None
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, *, root: str = "") -> str:
        """`path:line: severity: message`, the form editors and CI logs understand."""
        path = f"{root.rstrip('/')}/{self.path}" if root else self.path
        where = f"{path}:{self.line}" if self.line is not None else path
        return f"{where}: {self.severity}: {self.message}"

    def __str__(self) -> str:
        return self.format()


def error(path: str, line: int | None, message: str) -> Finding:
    return Finding(path=path, line=line, severity=Severity.ERROR, message=message)


def warning(path: str, line: int | None, message: str) -> Finding:
    return Finding(path=path, line=line, severity=Severity.WARNING, message=message)


@dataclass(frozen=True)
class Tally:
    """What one loader did to one model."""

    label: str
    added: int = 0
    changed: int = 0
    retired: int = 0
    unchanged: int = 0

    @property
    def writes(self) -> int:
        return self.added + self.changed + self.retired


@dataclass(frozen=True)
class LoadReport:
    tallies: tuple[Tally, ...] = ()
    # Warnings a loader can only raise against the database (a version loaded before
    # with other content, say); errors are raised as exceptions so the load rolls back.
    findings: tuple[Finding, ...] = ()


@dataclass
class ContentRun:
    """One lint or load over one content directory: its files and each kind's parse."""

    root: Path
    # Every regular file under the root, as POSIX paths relative to it, sorted. Hidden
    # files and folders (.git, .DS_Store, editor swap files) are not content.
    files: tuple[str, ...]
    parsed: dict[str, object] = field(default_factory=dict)
    # What the kinds loaded so far in this run wrote, in load order: a later kind can
    # tell whether the content before it changed (courses invalidate cached outlines).
    loaded: list[Tally] = field(default_factory=list)

    @classmethod
    def scan(cls, root: Path) -> "ContentRun":
        files = sorted(
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.is_file() and not _is_hidden(path.relative_to(root))
        )
        return cls(root=root, files=tuple(files))

    def files_matching(self, patterns: Iterable[str]) -> list[str]:
        patterns = tuple(patterns)
        return [f for f in self.files if any(PurePosixPath(f).full_match(p) for p in patterns)]

    def payload[P](self, kind_name: str, expected: type[P]) -> P:
        """The parsed content of an earlier kind, checked to be of the expected type."""
        value = self.parsed.get(kind_name)
        if not isinstance(value, expected):
            raise LookupError(f"The {kind_name!r} kind has no parsed {expected.__name__}.")
        return value


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") or part.endswith("~") for part in relative.parts)


def _parse_nothing(run: ContentRun) -> None:
    return None


def _lint_nothing(run: ContentRun) -> list[Finding]:
    return []


@dataclass(frozen=True)
class ContentKind:
    name: str
    patterns: tuple[str, ...]
    load: Callable[[ContentRun], LoadReport]
    lint: Callable[[ContentRun], list[Finding]] = _lint_nothing
    parse: Callable[[ContentRun], object] = _parse_nothing


_kinds: dict[str, ContentKind] = {}


def register(kind: ContentKind) -> None:
    """Add a kind; call from the owning app's `AppConfig.ready()`."""
    existing = _kinds.get(kind.name)
    if existing is kind:
        return  # ready() may run twice (tests that reload apps); same kind, nothing to do.
    if existing is not None:
        raise ImproperlyConfigured(f"A content kind named {kind.name!r} is already registered.")
    _kinds[kind.name] = kind


def unregister(name: str) -> None:
    _kinds.pop(name, None)


@contextmanager
def registered(kind: ContentKind) -> Iterator[ContentKind]:
    """Register a kind for the duration of a block (tests, one-off scripts)."""
    register(kind)
    try:
        yield kind
    finally:
        unregister(kind.name)


@contextmanager
def replaced(kinds: Iterable[ContentKind]) -> Iterator[None]:
    """Run a block with exactly these kinds registered, then restore the registry (tests
    of one app's content, without the kinds other installed apps add)."""
    saved = dict(_kinds)
    _kinds.clear()
    try:
        for kind in kinds:
            register(kind)
        yield
    finally:
        _kinds.clear()
        _kinds.update(saved)


def content_kinds() -> tuple[ContentKind, ...]:
    """Every registered kind, in registration order."""
    return tuple(_kinds.values())


def unclaimed_files(run: ContentRun) -> list[str]:
    """Files no registered kind owns: misspelt names, or a kind whose app is not installed."""
    patterns = [pattern for kind in content_kinds() for pattern in kind.patterns]
    claimed = set(run.files_matching(patterns))
    return [f for f in run.files if f not in claimed]
