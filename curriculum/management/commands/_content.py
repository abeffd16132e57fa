"""What load_curriculum and lint_curriculum share: the --path option and printing findings."""

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser, OutputWrapper

from curriculum.registry import Finding

DEFAULT_PATH = Path(settings.BASE_DIR) / "curriculum" / "content"


def add_path_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--path",
        type=Path,
        default=DEFAULT_PATH,
        help="The content directory (default: curriculum/content).",
    )


def display_root(root: Path) -> str:
    """The root as findings print it: relative to the working directory where it can be,
    so `path:line` is clickable in an editor's terminal."""
    root = root.resolve()
    try:
        return root.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return root.as_posix()


def write_findings(command: BaseCommand, findings: Iterable[Finding], *, root: Path) -> None:
    shown = display_root(root)
    for finding in findings:
        out: OutputWrapper = command.stderr if finding.is_error else command.stdout
        style = command.style.ERROR if finding.is_error else command.style.WARNING
        out.write(style(finding.format(root=shown)))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
