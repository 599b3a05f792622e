import smtplib
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from lscb_portal.core import outbox
from lscb_portal.core.models import OutboxMessage, OutboxStatus
from lscb_portal.core.tasks import sweep_outbox
from tests.core.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down, and whose error quotes the password it was given."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected(f"Lost the server after AUTH PLAIN {settings.EMAIL_HOST_PASSWORD}")


class RecordingHandler:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port(settings):
    port = unused_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return port


def test_an_email_queued_during_an_smtp_outage_waits_then_goes_once_the_server_is_back(jobs, smtp_port):
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        message = outbox.queue_email(
            to="dsl@school.example.org", subject="Your place is confirmed", text="See you on 13 September."
        )
        jobs.run()

        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 1
        assert message.next_attempt_at == MONDAY_9AM + timedelta(minutes=1)
        assert "ConnectionRefusedError" in message.last_error

        handler = RecordingHandler()
        server = Controller(handler, hostname="127.0.0.1", port=smtp_port)
        server.start()
        try:
            traveller.shift(timedelta(minutes=4))
            sweep_outbox(timestamp=int(datetime.now(UTC).timestamp()))
            jobs.run()
            # A second sweep finds nothing left to do: the email is not sent twice.
            sweep_outbox(timestamp=int(datetime.now(UTC).timestamp()))
            jobs.run()
        finally:
            server.stop()

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert [envelope.rcpt_tos for envelope in handler.envelopes] == [["dsl@school.example.org"]]
    received = message_from_bytes(handler.envelopes[0].content)
    assert received["Subject"] == "Your place is confirmed"
    assert "See you on 13 September." in received.get_payload()


def test_failed_attempts_back_off_then_the_email_is_marked_failed(settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox_deliver.RefusingBackend"
    settings.EMAIL_HOST_PASSWORD = "correct-horse-battery"
    settings.EMAIL_MAX_ATTEMPTS = 8
    message = OutboxMessageFactory(next_attempt_at=MONDAY_9AM)

    waits = []
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        for _ in range(8):
            assert outbox.deliver(message.pk) is False
            message.refresh_from_db()
            if message.status == OutboxStatus.FAILED:
                break
            waits.append(message.next_attempt_at - datetime.now(UTC))
            # Not due yet: a job that runs early does nothing.
            assert outbox.deliver(message.pk) is False
            assert OutboxMessage.objects.get(pk=message.pk).attempts == message.attempts
            traveller.move_to(message.next_attempt_at)

    assert [wait / timedelta(minutes=1) for wait in waits] == [1, 5, 15, 60, 180, 360, 360]
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 8
    assert message.last_error.startswith("SMTPServerDisconnected: Lost the server")
    assert "correct-horse-battery" not in message.last_error
    assert outbox.deliver(message.pk) is False
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 8


def test_a_retry_job_is_scheduled_for_when_the_email_is_due_again(jobs, settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox_deliver.RefusingBackend"
    message = OutboxMessageFactory(next_attempt_at=MONDAY_9AM)

    with time_machine.travel(MONDAY_9AM, tick=False):
        outbox.deliver(message.pk)

    [retry] = jobs.pending("core.deliver_email")
    assert retry["args"] == {"message_id": message.pk}
    assert retry["scheduled_at"] == MONDAY_9AM + timedelta(minutes=1)


@pytest.mark.parametrize("status", [OutboxStatus.SENT, OutboxStatus.SENDING, OutboxStatus.FAILED])
def test_only_pending_emails_are_sent(status):
    message = OutboxMessageFactory(status=status)

    assert outbox.deliver(message.pk) is False

    assert mail.outbox == []
    assert OutboxMessage.objects.get(pk=message.pk).status == status


def test_a_deleted_email_is_skipped():
    assert outbox.deliver(987654) is False
    assert mail.outbox == []
