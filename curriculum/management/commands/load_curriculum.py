from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from curriculum.management.commands._content import (
    add_path_argument,
    display_root,
    plural,
    write_findings,
)
from curriculum.services import ContentInvalid, ContentMissing, load_curriculum


class Command(BaseCommand):
    help = (
        "Lint the content files, then load every registered content kind in one "
        "transaction. Refuses to load anything while there are lint errors; loading the "
        "same files again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_path_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = options["path"]
        try:
            result = load_curriculum(root=root)
        except ContentMissing as exc:
            raise CommandError(str(exc)) from exc
        except ContentInvalid as exc:
            write_findings(self, exc.findings, root=root)
            raise CommandError(str(exc), returncode=1) from exc

        write_findings(self, result.findings, root=root)
        self.stdout.write(f"Curriculum {result.version} from {display_root(root)}:")
        width = max((len(tally.label) for tally in result.tallies), default=0)
        for tally in result.tallies:
            self.stdout.write(
                f"  {tally.label:<{width}}  {tally.added} added, {tally.changed} changed, "
                f"{tally.retired} retired, {tally.unchanged} unchanged"
            )
        if result.writes:
            self.stdout.write(self.style.SUCCESS(f"Loaded: {plural(result.writes, 'change')}."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing changed."))
