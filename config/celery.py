"""The Celery application. Tasks never run straight from a request: services write an
outbox row in their transaction and the relay hands it over (accounts/outbox.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("steadfast")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Hands over anything the on-commit hook could not (broker down, process died).
    "outbox-relay": {"task": "accounts.relay_outbox", "schedule": 30.0},
    # Re-queues work handed over long ago that never reported done.
    "outbox-reconcile": {"task": "accounts.reconcile_outbox", "schedule": 300.0},
}
