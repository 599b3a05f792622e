"""The base's jobs. Each app declares its own in its tasks.py."""

import socket

from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from . import outbox
from .models import WorkerHeartbeat


def defer_once(task, *, lock: str, **arguments) -> bool:
    """Defer ``task`` unless a job with the same ``lock`` is already waiting (which will do the same work when it
    runs); in the caller's transaction. True when this call queued one."""
    try:
        task.configure(queueing_lock=lock).defer(**arguments)
    except AlreadyEnqueued:
        return False
    return True


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


# The worker's cron is in UTC: Mondays at 6:00 and 7:00 UTC, and only the run at 7am London time
# (BST or GMT) sends the digest. The dedupe keys make a repeated run send nothing twice.
@app.periodic(cron="0 6,7 * * 1")
@app.task(name="core.send_weekly_digests", queueing_lock="core.send_weekly_digests")
def send_weekly_digests(timestamp: int) -> int:
    """Mondays at 7am: one email per weekly subscriber with the parts their lists have for the week."""
    from datetime import UTC, datetime

    from . import subscriptions

    return subscriptions.run_weekly_digest(at=datetime.fromtimestamp(timestamp, tz=UTC))


@app.periodic(cron="20 3 * * *")
@app.task(name="core.clean_up_alerts_data", queueing_lock="core.clean_up_alerts_data")
def clean_up_alerts_data(timestamp: int) -> None:
    """Daily: delete old rate-limit counters, unconfirmed sign-ups and addresses with no alerts left."""
    from datetime import UTC, datetime

    from . import ratelimit, subscriptions

    now = datetime.fromtimestamp(timestamp, tz=UTC)
    ratelimit.delete_old_counters(now=now)
    subscriptions.purge_stale_subscribers(now=now)


@app.periodic(cron="* * * * *")
@app.task(name="core.compact_content_changes", queueing_lock="core.compact_content_changes")
def compact_content_changes(timestamp: int) -> int:
    """Every minute: fold each area's record of changes into one row, so reading a version stays a small sum."""
    from . import pagecache

    return pagecache.compact()


@app.periodic(cron="40 3 * * *")
@app.task(name="core.apply_retention", queueing_lock="core.apply_retention")
def apply_retention(timestamp: int) -> dict:
    """Daily: anonymise or delete personal data past its retention period, in every app (core.privacy)."""
    from datetime import UTC, datetime

    from . import privacy

    return privacy.apply_retention(now=datetime.fromtimestamp(timestamp, tz=UTC))
