"""`make run`: load content, create the demo accounts, then run the web server, a real
Celery worker and beat side by side until Ctrl-C.

Choices, and why:

- The web server keeps Django's autoreloader: editing a view or a template shows up on
  the next request, as a Django developer expects. The worker and beat do not reload;
  after changing task code, stop and start `make run` again (the banner says so).
- The worker uses the prefork pool, as production does. Only prefork enforces the hard
  time limit, and the email deduplication lease (accounts/notifications.py) relies on
  a task never outliving it. Two processes are plenty on one machine.
- All children share one process group of their own, so Ctrl-C reaches this command
  only. It asks each child to stop (SIGTERM: the worker finishes its current tasks),
  waits, then kills whatever is left of the group, grandchildren included (the pool
  processes, the autoreloader's server). A second Ctrl-C skips the wait.
- On the filesystem transport a message a worker held when it was killed is gone; the
  outbox's reconcile job hands that work over again (accounts/outbox.py).
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

ADDRESS = "127.0.0.1:8000"
# A worker finishing its current task on SIGTERM gets this long before SIGKILL.
STOP_GRACE_SECONDS = 20
POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = "Run Steadfast on this machine: web server, Celery worker and beat (for `make run`)."

    def handle(self, *args: Any, **options: Any) -> None:
        self._signals = 0
        self._stop_requested = threading.Event()
        # First: the filesystem broker needs its folders before anything queues work.
        data_dir = Path(settings.CELERY_DATA_DIR)
        for folder in ("queue", "control"):
            (data_dir / folder).mkdir(parents=True, exist_ok=True)
        if "load_curriculum" in get_commands():
            call_command("load_curriculum")
        call_command("create_demo_users")

        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        children = self._start(self._commands())
        self.stdout.write(
            self.style.SUCCESS(f"\nSteadfast is running at http://{ADDRESS}/  (Ctrl-C stops it)")
        )
        self.stdout.write(
            "The web server reloads when you edit code; the Celery worker and beat do not, "
            "so restart `make run` after changing a task.\n"
        )
        dead = self._wait_for_stop_or_death(children)
        self._stop(children)
        if dead is not None:
            name, code = dead
            raise CommandError(
                f"The {name} stopped unexpectedly (exit code {code}), so everything was stopped. "
                f"If another `make run` is still running, stop it first; otherwise see the "
                f"{name}'s messages above."
            )
        self.stdout.write("Stopped.")

    def _commands(self) -> list[tuple[str, list[str]]]:
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "config"]
        return [
            ("web server", [python, str(settings.BASE_DIR / "manage.py"), "runserver", ADDRESS]),
            (
                "Celery worker",
                [
                    *celery,
                    "worker",
                    "--loglevel=INFO",
                    "--concurrency=2",
                    "--pool=prefork",
                    "--hostname=embedded@%h",
                    # One worker on one machine: nobody to gossip or synchronise with,
                    # and each of these polls the filesystem broker for nothing.
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
            ),
            ("Celery beat", [*celery, "beat", "--loglevel=INFO"]),
        ]

    def _start(
        self, commands: Sequence[tuple[str, list[str]]]
    ) -> list[tuple[str, subprocess.Popen[bytes]]]:
        children: list[tuple[str, subprocess.Popen[bytes]]] = []
        group = 0  # 0: the first child starts a new process group; the rest join it.
        try:
            for name, command in commands:
                # Our own fixed commands (this interpreter, manage.py, celery), no input.
                process = subprocess.Popen(  # noqa: S603
                    command, cwd=settings.BASE_DIR, process_group=group
                )
                group = group or process.pid
                children.append((name, process))
        except OSError as exc:
            self._stop(children)
            raise CommandError(f"Could not start the {name}: {exc}") from exc
        return children

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals += 1
        self._stop_requested.set()

    def _wait_for_stop_or_death(
        self, children: Sequence[tuple[str, subprocess.Popen[bytes]]]
    ) -> tuple[str, int] | None:
        while not self._stop_requested.wait(POLL_SECONDS):
            for name, process in children:
                code = process.poll()
                if code is not None:
                    return name, code
        return None

    def _stop(self, children: Sequence[tuple[str, subprocess.Popen[bytes]]]) -> None:
        if not children:
            return
        group = children[0][1].pid
        self.stdout.write("Stopping the web server, the Celery worker and beat…")
        for _, process in children:
            # The children only, not the group: a worker's pool processes must hear
            # it from the worker, which lets their current tasks finish.
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        seen_signals = self._signals
        while any(process.poll() is None for _, process in children):
            # A second Ctrl-C means "now": do not wait for the worker's current task.
            if time.monotonic() > deadline or self._signals > seen_signals:
                self.stderr.write("Some processes did not stop in time; killing them.")
                break
            time.sleep(0.1)
        # Also reaches grandchildren still alive after their parent exited.
        _signal_group(group, signal.SIGKILL)
        for _, process in children:
            process.wait()


def _signal_group(group: int, signum: int) -> None:
    # ProcessLookupError: everyone in the group has already exited.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)
