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
