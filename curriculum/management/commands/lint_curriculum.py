from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from curriculum.management.commands._content import (
    add_path_argument,
    display_root,
    plural,
    write_findings,
)
from curriculum.services import ContentMissing, lint_curriculum


class Command(BaseCommand):
    help = (
        "Check the content files with every registered content kind's linter. "
        "Exits with status 1 if there are errors; warnings do not fail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_path_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = options["path"]
        try:
            result = lint_curriculum(root=root)
        except ContentMissing as exc:
            raise CommandError(str(exc)) from exc
        write_findings(self, result.findings, root=root)
        summary = (
            f"Linted {display_root(root)}: {plural(len(result.errors), 'error')}, "
            f"{plural(len(result.warnings), 'warning')}."
        )
        if result.errors:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
