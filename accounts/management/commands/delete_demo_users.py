from typing import Any

from django.core.management.base import BaseCommand

from accounts.demo import delete_demo_users


class Command(BaseCommand):
    help = "Delete the demo accounts that `make run` creates."

    def handle(self, *args: Any, **options: Any) -> None:
        count = delete_demo_users()
        self.stdout.write(f"Deleted {count} demo account(s).")
