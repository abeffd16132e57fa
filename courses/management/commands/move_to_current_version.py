"""Move every learner part-way through a course to the curriculum version loaded last.

Learners read the version they started on until they move (docs/versions.md). Most
choose for themselves on the course page; an operator runs this when everyone should
move, after a correction that matters for practice, say. Completed cycles never move.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import Course
from courses.outline import course_outline
from courses.versions import move_course


class Command(BaseCommand):
    help = "Move learners part-way through a course to the current curriculum version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", required=True, help="The course's id (its slug).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would move; move nobody."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        course = Course.objects.filter(slug=options["course"]).first()
        if course is None:
            raise CommandError(f"There is no course with the id {options['course']!r}.")
        version = course_outline(course).version
        if not version:
            raise CommandError("No curriculum version is loaded: run load_curriculum first.")
        moved = move_course(course=course, dry_run=options["dry_run"])
        verb = "would move" if options["dry_run"] else "moved"
        self.stdout.write(f"{course.slug}: {verb} {moved} learner(s) to version {version}.")
