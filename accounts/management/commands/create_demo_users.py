from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DemoUsersRefused, create_demo_users


class Command(BaseCommand):
    help = "Create (or reset) a demo learner and a demo staff user and print their passwords. Debug only."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            credentials = create_demo_users()
        except DemoUsersRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Demo accounts (passwords are new on every run):"))
        for cred in credentials:
            self.stdout.write(f"  {cred.label:8} {cred.email}  password: {cred.password}")
        self.stdout.write(
            "  The staff account must set up two-factor authentication before it can open /admin/."
        )
