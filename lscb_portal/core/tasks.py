"""The base's jobs. Each app declares its own in its tasks.py."""

import socket

from django.utils import timezone
from procrastinate.contrib.django import app

from . import outbox
from .models import WorkerHeartbeat


@app.task(name="core.deliver_email", queue="email")
def deliver_email(message_id: int) -> None:
    outbox.deliver(message_id)


# The queueing locks keep a slow run from piling up copies of itself.
@app.periodic(cron="* * * * *")
@app.task(name="core.sweep_outbox", queueing_lock="core.sweep_outbox")
def sweep_outbox(timestamp: int) -> None:
    """Every minute: recover emails a dead worker left in sending, re-queue those left behind."""
    outbox.sweep()


@app.periodic(cron="* * * * *")
@app.task(name="core.worker_heartbeat", queueing_lock="core.worker_heartbeat")
def worker_heartbeat(timestamp: int) -> None:
    """Every minute: record that a worker is alive and running periodic jobs (see /healthz)."""
    WorkerHeartbeat.objects.bulk_create(
        [WorkerHeartbeat(worker=socket.gethostname()[:100], seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["worker"],
        update_fields=["seen_at"],
    )
