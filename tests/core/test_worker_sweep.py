from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from lscb_portal.core import outbox
from lscb_portal.core.models import OutboxMessage, OutboxStatus
from tests.core.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class WorkerKilled(BaseException):
    """Stands for the worker process dying: nothing in the job gets to handle it."""


class DyingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise WorkerKilled


def test_an_email_whose_worker_died_mid_send_is_sent_after_the_claim_timeout(jobs, settings):
    settings.EMAIL_CLAIM_TIMEOUT = 300
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "tests.core.test_worker_sweep.DyingBackend"
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        message = outbox.queue_email(to="midwife@health.example.org", subject="Waiting list", text="A place is free.")
        with pytest.raises(WorkerKilled):
            jobs.run()
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENDING
        assert message.claimed_at == MONDAY_9AM

        settings.EMAIL_BACKEND = locmem
        # Another worker might still be talking to the mail server: leave it alone for now.
        traveller.shift(timedelta(minutes=4))
        assert outbox.sweep() == {"released": 0, "failed": 0, "requeued": 0}
        assert jobs.pending() == []

        traveller.shift(timedelta(minutes=2))
        assert outbox.sweep() == {"released": 1, "failed": 0, "requeued": 1}
        jobs.run()

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert [sent.to for sent in mail.outbox] == [["midwife@health.example.org"]]


def test_a_pending_email_whose_job_was_lost_is_queued_again_after_two_minutes(jobs):
    # Rows from the factory have no job, like a row committed by a process that died before deferring.
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        message = OutboxMessageFactory(next_attempt_at=MONDAY_9AM)
        assert outbox.sweep()["requeued"] == 0

        traveller.shift(timedelta(minutes=2, seconds=1))
        assert outbox.sweep()["requeued"] == 1
        # The queueing lock keeps a second sweep from adding a second job while one waits.
        assert outbox.sweep()["requeued"] == 0
        assert [job["args"] for job in jobs.pending("core.deliver_email")] == [{"message_id": message.pk}]
        jobs.run()

    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_emails_waiting_for_their_retry_time(jobs):
    with time_machine.travel(MONDAY_9AM, tick=False):
        OutboxMessageFactory(next_attempt_at=MONDAY_9AM + timedelta(minutes=15), attempts=3)

        assert outbox.sweep()["requeued"] == 0

    assert jobs.pending() == []


def test_an_email_that_kills_its_worker_every_time_ends_up_failed(jobs, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    with time_machine.travel(MONDAY_9AM, tick=False):
        stuck = OutboxMessageFactory(
            status=OutboxStatus.SENDING, attempts=3, claimed_at=MONDAY_9AM - timedelta(minutes=6)
        )
        retry = OutboxMessageFactory(
            status=OutboxStatus.SENDING, attempts=2, claimed_at=MONDAY_9AM - timedelta(minutes=6)
        )

        assert outbox.sweep() == {"released": 1, "failed": 1, "requeued": 1}

    stuck.refresh_from_db()
    retry.refresh_from_db()
    assert stuck.status == OutboxStatus.FAILED
    assert stuck.last_error == "The worker stopped while sending this email."
    assert retry.status == OutboxStatus.PENDING
    assert [job["args"] for job in jobs.pending("core.deliver_email")] == [{"message_id": retry.pk}]


def test_the_sweep_runs_in_a_constant_number_of_queries(jobs, django_assert_max_num_queries):
    with time_machine.travel(MONDAY_9AM, tick=False):
        OutboxMessageFactory.create_batch(40, next_attempt_at=MONDAY_9AM - timedelta(minutes=10))
        OutboxMessageFactory.create_batch(
            5, status=OutboxStatus.SENDING, attempts=1, claimed_at=MONDAY_9AM - timedelta(minutes=10)
        )

        with django_assert_max_num_queries(8):
            result = outbox.sweep()

    assert result == {"released": 5, "failed": 0, "requeued": 45}
    assert len(jobs.pending("core.deliver_email")) == 45
