"""The outbox row and its delivery job commit, or roll back, with the action that queued them.

These tests use the real procrastinate Django connector (jobs in Postgres), not
the in-memory one the other tests use, and real transactions.
"""

import pytest
from django.db import connection, transaction
from procrastinate.contrib.django import app as procrastinate_app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob

from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.outbox import OutgoingEmail, queue_email, queue_emails

pytestmark = pytest.mark.django_db(transaction=True)


class BookingRefused(Exception):
    pass


@pytest.fixture
def postgres_jobs():
    """Defer jobs into procrastinate's tables for the test, and remove them afterwards."""
    with procrastinate_app.replace_connector(DjangoConnector()):
        yield ProcrastinateJob.objects.filter(task_name="core.deliver_email")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE task_name = 'core.deliver_email'")


def test_a_committed_action_leaves_the_row_and_its_job(postgres_jobs):
    with transaction.atomic():
        message = queue_email(to="sw@council.example.org", subject="Booking confirmed", text="See you there.")

    assert OutboxMessage.objects.filter(pk=message.pk).exists()
    assert list(postgres_jobs.values_list("args", "status", "queueing_lock")) == [
        ({"message_id": message.pk}, "todo", f"outbox:{message.pk}")
    ]


def queue_then_refuse(queue, jobs_seen: list) -> None:
    """An action that queues mail, then fails a later check and rolls everything back."""
    with transaction.atomic():
        queue()
        jobs_seen.append(postgres_count())
        raise BookingRefused


def postgres_count() -> int:
    return ProcrastinateJob.objects.filter(task_name="core.deliver_email").count()


def test_an_action_rolled_back_leaves_neither_row_nor_job(postgres_jobs):
    jobs_seen = []

    with pytest.raises(BookingRefused):
        queue_then_refuse(
            lambda: queue_email(to="sw@council.example.org", subject="Booking confirmed", text="See you there."),
            jobs_seen,
        )

    assert jobs_seen == [1]
    assert not OutboxMessage.objects.exists()
    assert not postgres_jobs.exists()


def test_a_bulk_send_rolled_back_leaves_neither_rows_nor_jobs(postgres_jobs):
    emails = [OutgoingEmail(to=f"reader{n}@example.org", subject="Issue 4", text="Out now") for n in range(30)]

    jobs_seen = []

    with pytest.raises(BookingRefused):
        queue_then_refuse(lambda: queue_emails(emails), jobs_seen)

    assert jobs_seen == [30]
    assert not OutboxMessage.objects.exists()
    assert not postgres_jobs.exists()
