"""The email outbox: every email is a row first, written in the caller's transaction.

Sending mail
    ``queue_email(to=..., subject=..., text=...)`` writes one row and defers its
    delivery job in the caller's transaction: if the action rolls back, neither
    the email nor the job exists. It never talks to the mail server, so an SMTP
    outage can never fail a person's request.

    ``queue_emails([OutgoingEmail(...), ...])`` does the same for many recipients
    at once (an alert to 10,000 subscribers): rows are inserted in batches with
    ``INSERT … ON CONFLICT DO NOTHING`` on ``dedupe_key`` and one job per created
    row is deferred in the same batches. It returns the rows it created; rows
    whose ``dedupe_key`` already existed are skipped silently.

    A ``dedupe_key`` makes an email idempotent: the same key is written at most
    once, however often or however concurrently the caller runs.

Delivery (the worker, see ``tasks.py``)
    ``deliver(message_id)`` claims the row in a short transaction of its own,
    sends it with Django's configured backend outside any transaction, then marks
    it sent. A failure puts it back to pending with a growing delay
    (``RETRY_DELAYS``); after ``EMAIL_MAX_ATTEMPTS`` attempts it is failed and
    waits for someone to press "Send again" in the admin.

    ``sweep()`` runs every minute. It returns rows stuck in ``sending`` for longer
    than ``EMAIL_CLAIM_TIMEOUT`` seconds (a worker that died mid-send) to pending,
    and queues a job again for pending rows that have been due for a couple of
    minutes without one (a crash between commit and send, a lost job). Delivery
    is therefore at least once: a worker killed after the server accepted a
    message but before it was marked sent leads to that message being sent twice.

    ``delivery_health()`` gives /healthz its figures.

Reading the outbox
    The admin shows what was sent, never a way in: ``redact_secret_links`` hides the signed part of
    every link to one of the portal's token pages (password reset, booking, offer, approval, alerts,
    "my training"…), and each category's text is shown only to staff whose role covers it
    (``register_readers``; the rest see who, when and whether it went). So reading an email in the
    back office never lets one member of staff act as its recipient.
"""

import base64
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued

from . import links
from .models import OutboxMessage, OutboxStatus, WorkerHeartbeat

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd, 3rd… failed attempt; the last figure repeats.
RETRY_DELAYS = (1, 5, 15, 60, 180, 360)
# A pending row due for this long without being delivered gets a job again.
REQUEUE_AFTER = timedelta(minutes=2)
# How many rows one statement inserts, and one sweep re-queues.
BATCH_SIZE = 1000
SWEEP_LIMIT = 5000


def max_attempts() -> int:
    return getattr(settings, "EMAIL_MAX_ATTEMPTS", 8)


def claim_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "EMAIL_CLAIM_TIMEOUT", 300))


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return timedelta(minutes=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str  # text, or base64 for binary content (see ``binary``)
    mimetype: str
    binary: bool = False

    def as_json(self) -> dict:
        return {"filename": self.filename, "content": self.content, "mimetype": self.mimetype, "binary": self.binary}


@dataclass(frozen=True)
class OutgoingEmail:
    """One email for ``queue_emails``; the fields are ``queue_email``'s arguments."""

    to: str
    subject: str
    text: str
    html: str = ""
    headers: dict | None = None
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    category: str = ""
    dedupe_key: str | None = None

    def as_row(self) -> OutboxMessage:
        return OutboxMessage(
            to=self.to.strip(),
            # A line break in a subject would be refused at send time, every time.
            subject=" ".join(self.subject.split())[:255],
            body_text=self.text,
            body_html=self.html,
            headers=self.headers or {},
            attachments=[attachment.as_json() for attachment in self.attachments],
            category=self.category,
            dedupe_key=self.dedupe_key or None,
        )


def queue_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict | None = None,
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
    category: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Write an email to the outbox and queue its delivery, inside the caller's transaction.

    With a ``dedupe_key`` the same email is written at most once, however often
    (or however concurrently) the caller runs: the second call returns None.
    """
    email = OutgoingEmail(
        to=to,
        subject=subject,
        text=text,
        html=html,
        headers=headers,
        attachments=tuple(attachments),
        category=category,
        dedupe_key=dedupe_key,
    )
    created = queue_emails([email])
    return created[0] if created else None


def queue_emails(emails: Iterable[OutgoingEmail]) -> list[OutboxMessage]:
    """Write many emails and defer one delivery job per row created, in the caller's transaction.

    Emails whose ``dedupe_key`` is already in the outbox (or repeated in
    ``emails``) are skipped. Costs a few queries per thousand emails.
    """
    created: list[OutboxMessage] = []
    rows = (email.as_row() for email in emails)
    with transaction.atomic():
        while batch := list(islice(rows, BATCH_SIZE)):
            inserted = _insert(batch)
            _defer_new([message.pk for message in inserted])
            created.extend(inserted)
    return created


def _insert(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Insert rows, skipping dedupe_key conflicts, and return the rows really inserted.

    ``bulk_create(ignore_conflicts=True)`` cannot tell which rows went in, so
    ids are taken from the table's sequence first and looked up afterwards.
    """
    keyed = [row for row in rows if row.dedupe_key]
    if not keyed:
        return OutboxMessage.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [OutboxMessage._meta.db_table, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    inserted = set(OutboxMessage.objects.filter(pk__in=[row.pk for row in keyed]).values_list("pk", flat=True))
    return [row for row in rows if not row.dedupe_key or row.pk in inserted]


def _queueing_lock(message_id: int) -> str:
    # At most one waiting job per message, however often the sweep or an admin asks.
    return f"outbox:{message_id}"


def _delivery_jobs(message_ids: Iterable[int], *, schedule_at: datetime | None = None):
    from .tasks import deliver_email

    deferrer = deliver_email.configure(schedule_at=schedule_at)
    jobs = [
        deferrer.make_new_job(message_id=message_id).evolve(queueing_lock=_queueing_lock(message_id))
        for message_id in message_ids
    ]
    return deferrer.job_manager, jobs


def _defer_new(message_ids: list[int]) -> None:
    """Defer jobs for rows just created: no job can be waiting for them yet."""
    if message_ids:
        job_manager, jobs = _delivery_jobs(message_ids)
        job_manager.batch_defer_jobs(jobs=jobs)


def _defer_again(message_ids: list[int], *, schedule_at: datetime | None = None) -> int:
    """Defer a job for each row that has no job waiting; return how many were deferred."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    waiting = set(
        ProcrastinateJob.objects.filter(
            status="todo", queueing_lock__in=[_queueing_lock(message_id) for message_id in message_ids]
        ).values_list("queueing_lock", flat=True)
    )
    message_ids = [message_id for message_id in message_ids if _queueing_lock(message_id) not in waiting]
    if not message_ids:
        return 0
    job_manager, jobs = _delivery_jobs(message_ids, schedule_at=schedule_at)
    try:
        with transaction.atomic():
            job_manager.batch_defer_jobs(jobs=jobs)
        return len(jobs)
    except AlreadyEnqueued:
        pass
    # A job appeared meanwhile for one of them: go one by one, skipping those that have one.
    deferred = 0
    for job in jobs:
        try:
            with transaction.atomic():
                job_manager.defer_job(job=job)
            deferred += 1
        except AlreadyEnqueued:
            continue
    return deferred


def deliver(message_id: int) -> bool:
    """Send one message if it is pending and due; return whether it went.

    Must run outside any transaction: the claim commits before the mail server
    is contacted, so a slow server holds no lock and a crash leaves the row in
    ``sending`` for the sweep to find.
    """
    message = _claim(message_id)
    if message is None:
        return False
    try:
        build_email(message).send()
    except Exception as exc:
        _record_failure(message, exc)
        return False
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        message.status = OutboxStatus.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The Django email for an outbox row: text part, optional HTML alternative, headers, attachments."""
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body_text, to=[message.to], headers=message.headers or {}
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        content = attachment["content"]
        if attachment.get("binary"):
            content = base64.b64decode(content)
        email.attach(attachment["filename"], content, attachment["mimetype"])
    return email


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    now = timezone.now()
    error = _describe(exc)
    if message.attempts >= max_attempts():
        status, next_attempt_at = OutboxStatus.FAILED, now
        logger.error("Email %s failed for good after %s attempts: %s", message.pk, message.attempts, error)
    else:
        status, next_attempt_at = OutboxStatus.PENDING, now + retry_delay(message.attempts)
        logger.warning("Email %s not sent (attempt %s), retrying: %s", message.pk, message.attempts, error)
    updated = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
        status=status, next_attempt_at=next_attempt_at, last_error=error
    )
    if updated and status == OutboxStatus.PENDING:
        _defer_again([message.pk], schedule_at=next_attempt_at)


def _describe(exc: Exception) -> str:
    """The error as the back office sees it, without the mail server's password."""
    text = f"{type(exc).__name__}: {exc}"
    if settings.EMAIL_HOST_PASSWORD:
        text = text.replace(settings.EMAIL_HOST_PASSWORD, "********")
    return text[:1000]


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Recover rows a dead worker left in ``sending`` and re-queue pending rows left behind.

    Returns what it did, for the log: ``released``, ``failed`` and ``requeued``.
    """
    now = now or timezone.now()
    stale = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - claim_timeout())
    failed = stale.filter(attempts__gte=max_attempts()).update(
        status=OutboxStatus.FAILED, last_error="The worker stopped while sending this email."
    )
    released_ids = list(stale.values_list("pk", flat=True)[:SWEEP_LIMIT])
    released = stale.filter(pk__in=released_ids).update(status=OutboxStatus.PENDING, next_attempt_at=now)
    left_behind = OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=now - REQUEUE_AFTER
    ).exclude(pk__in=released_ids)
    due_ids = released_ids + list(left_behind.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_LIMIT])
    requeued = _defer_again(due_ids) if due_ids else 0
    if failed or released or requeued:
        logger.warning("Outbox sweep: %s released, %s failed, %s re-queued", released, failed, requeued)
    return {"released": released, "failed": failed, "requeued": requeued}


@transaction.atomic
def resend(*, messages: QuerySet[OutboxMessage]) -> int:
    """Put failed or pending messages back in the queue from scratch; return how many.

    Sent messages and messages being sent right now are left alone.
    """
    now = timezone.now()
    ids = list(
        messages.select_for_update()
        .filter(status__in=[OutboxStatus.FAILED, OutboxStatus.PENDING])
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, claimed_at=None, last_error=""
    )
    if ids:
        _defer_again(ids)
    return len(ids)


def delivery_health(*, now: datetime | None = None) -> dict:
    """The worker's last heartbeat and the outbox's backlog, in two queries."""
    now = now or timezone.now()
    heartbeat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    unsent = Q(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING])
    figures = OutboxMessage.objects.filter(
        status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED]
    ).aggregate(
        pending=Count("pk", filter=Q(status=OutboxStatus.PENDING)),
        sending=Count("pk", filter=Q(status=OutboxStatus.SENDING)),
        failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)),
        retrying=Count("pk", filter=Q(status=OutboxStatus.PENDING, attempts__gt=0)),
        oldest_unsent=Min("created_at", filter=unsent),
    )

    def age(moment: datetime | None) -> int | None:
        return None if moment is None else max(0, int((now - moment).total_seconds()))

    return {
        "worker": {
            "name": heartbeat.worker if heartbeat else None,
            "last_heartbeat": heartbeat.seen_at.isoformat() if heartbeat else None,
            "age_seconds": age(heartbeat.seen_at if heartbeat else None),
        },
        "outbox": {
            "pending": figures["pending"],
            "sending": figures["sending"],
            "failed": figures["failed"],
            "retrying": figures["retrying"],
            "oldest_unsent_age_seconds": age(figures["oldest_unsent"]),
        },
    }


def delivery_problems(health: dict) -> list[str]:
    """What in ``delivery_health()``'s figures needs someone's attention: a stale worker, failing email."""
    stale_after = getattr(settings, "HEALTHZ_WORKER_STALE_SECONDS", 180)
    worker, mail = health["worker"], health["outbox"]
    problems = []
    if worker["age_seconds"] is not None and worker["age_seconds"] > stale_after:
        problems.append(f"the worker's last heartbeat was {worker['age_seconds']} s ago")
    if worker["age_seconds"] is None and (mail["oldest_unsent_age_seconds"] or 0) > stale_after / 3:
        problems.append("no worker has ever reported, and email is waiting")
    if mail["failed"]:
        problems.append(f"{mail['failed']} email{'s' if mail['failed'] != 1 else ''} failed for good")
    if mail["retrying"]:
        are = "emails are" if mail["retrying"] != 1 else "email is"
        problems.append(f"{mail['retrying']} {are} being retried after an error")
    return problems


# --- Reading the outbox ---------------------------------------------------------------------------


def redact_secret_links(text: str) -> str:
    """``text`` with the secret part of every link to one of the portal's token pages hidden (``links``)."""
    return links.redact_secret_links(text)


@dataclass(frozen=True)
class Readers:
    permission: str
    who: str  # "staff who look after training": completes "shown only to …"


# Category prefix → who may read such emails' text; the most specific prefix wins.
_READERS: dict[str, Readers] = {}
_EVERY_OUTBOX_READER = Readers("core.view_outboxmessage", "staff who may read the outbox")


def register_readers(category_prefix: str, permission: str, *, who: str) -> None:
    """Only staff with ``permission`` may read the text of emails in ``category_prefix`` (and below it)."""
    _READERS[category_prefix] = Readers(permission, who)


def readers(category: str) -> Readers:
    for prefix in sorted(_READERS, key=len, reverse=True):
        if category == prefix or category.startswith(f"{prefix}."):
            return _READERS[prefix]
    return _EVERY_OUTBOX_READER


def may_read(user, message: OutboxMessage) -> bool:
    return user.has_perm(readers(message.category).permission)
