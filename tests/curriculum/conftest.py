"""A copy of the valid fixture tree per test, and small helpers to break it on purpose."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from curriculum import registry
from curriculum.services import CURRICULUM_KIND

FIXTURES = Path(__file__).parent / "fixtures"

type Edit = Callable[[str, str, str], None]


@pytest.fixture(autouse=True)
def _curriculum_kind_only() -> Iterator[None]:
    # Installed apps above curriculum (courses, quizzes) register kinds of their own;
    # these tests are about the curriculum's, on a tree without their files.
    with registry.replaced([CURRICULUM_KIND]):
        yield


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of tests/curriculum/fixtures/valid: two tracks, two modules, three lessons."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", root)
    return root


@pytest.fixture
def edit(content: Path) -> Edit:
    """Replace text in one content file; the text must be there (a typo fails loudly)."""

    def replace(path: str, old: str, new: str) -> None:
        file = content / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return replace


type Bump = Callable[..., None]


@pytest.fixture
def bump(content: Path) -> Bump:
    """Set a new VERSION with its CHANGELOG.md section, one line per change given:
    what a substantive change needs before it loads."""

    def new_version(version: str, *changes: str) -> None:
        (content / "VERSION").write_text(f"{version}\n", encoding="utf-8")
        changelog = content / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        lines = "".join(f"- {change}\n" for change in changes)
        section = f"# Changelog\n\n## {version} — 2026-12-01\n\n{lines}"
        changelog.write_text(text.replace("# Changelog\n", section, 1), encoding="utf-8")

    return new_version
