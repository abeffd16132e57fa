"""A copy of the curriculum's valid fixture tree with quiz files beside its modules, per
test, and small helpers to break it on purpose."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from curriculum import registry
from curriculum.services import CURRICULUM_KIND
from quizzes.content import QUIZZES_KIND

FIXTURES = Path(__file__).parent / "fixtures"
CURRICULUM_FIXTURES = Path(__file__).parents[1] / "curriculum" / "fixtures" / "valid"

CHECK = "core/c1/quiz-check.yaml"
SCENARIO = "core/c1/quiz-scenario.yaml"
LAW_SCENARIO = "law/l1/quiz-scenario.yaml"

type Edit = Callable[[str, str, str], None]
type Bump = Callable[..., None]


@pytest.fixture(autouse=True)
def _curriculum_and_quizzes_only() -> Iterator[None]:
    # courses registers a kind of its own that wants a courses.yaml in the tree; these
    # tests are about quizzes and the curriculum they sit in.
    with registry.replaced([CURRICULUM_KIND, QUIZZES_KIND]):
        yield


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """tests/curriculum/fixtures/valid (core/c1 with two lessons, legal/l1 with one) plus
    tests/quizzes/fixtures: c1's knowledge check and scenario quiz, l1's scenario quiz."""
    root = tmp_path / "content"
    shutil.copytree(CURRICULUM_FIXTURES, root)
    shutil.copytree(FIXTURES, root, dirs_exist_ok=True)
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


@pytest.fixture
def bump(content: Path) -> Bump:
    """Set a new VERSION with its CHANGELOG.md section, one line per change given."""

    def new_version(version: str, *changes: str) -> None:
        (content / "VERSION").write_text(f"{version}\n", encoding="utf-8")
        changelog = content / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        lines = "".join(f"- {change}\n" for change in changes)
        section = f"# Changelog\n\n## {version} — 2026-12-01\n\n{lines}"
        changelog.write_text(text.replace("# Changelog\n", section, 1), encoding="utf-8")

    return new_version
