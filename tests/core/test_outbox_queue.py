import base64

import pytest
from django.core import mail

from lscb_portal.core.models import OutboxMessage, OutboxStatus
from lscb_portal.core.outbox import Attachment, OutgoingEmail, queue_email, queue_emails
from tests.core.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


def test_queue_email_writes_a_row_and_defers_one_job_without_sending(jobs):
    message = queue_email(to="lead@school.example.org", subject="Booking confirmed", text="See you on Monday.")

    assert message is not None
    row = OutboxMessage.objects.get()
    assert (row.to, row.subject, row.body_text, row.status) == (
        "lead@school.example.org",
        "Booking confirmed",
        "See you on Monday.",
        OutboxStatus.PENDING,
    )
    assert [job["args"] for job in jobs.pending("core.deliver_email")] == [{"message_id": row.pk}]
    assert jobs.pending("core.deliver_email")[0]["queueing_lock"] == f"outbox:{row.pk}"
    assert mail.outbox == []


def test_the_job_sends_text_html_headers_and_attachments(jobs):
    pdf = b"%PDF-1.4 booking form"
    queue_email(
        to="nurse@health.example.org",
        subject="Issue 24 is out",
        text="Read Issue 24 online.",
        html="<p>Read <strong>Issue 24</strong> online.</p>",
        headers={"List-Unsubscribe": "<https://example.org/alerts/manage/abc/>"},
        attachments=[
            Attachment("booking-form.pdf", base64.b64encode(pdf).decode(), "application/pdf", binary=True),
            Attachment("session.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ],
        category="newsletters.issue",
    )

    assert jobs.run() == 1

    [sent] = mail.outbox
    assert sent.to == ["nurse@health.example.org"]
    assert sent.body == "Read Issue 24 online."
    assert sent.alternatives[0].content == "<p>Read <strong>Issue 24</strong> online.</p>"
    assert sent.extra_headers["List-Unsubscribe"] == "<https://example.org/alerts/manage/abc/>"
    assert sent.attachments[0] == ("booking-form.pdf", pdf, "application/pdf")
    assert sent.attachments[1][0] == "session.ics"
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.SENT
    assert row.sent_at is not None
    assert row.attempts == 1


def test_a_line_break_in_a_subject_is_flattened_so_the_email_can_be_sent(jobs):
    queue_email(to="a@example.org", subject="Neglect toolkit\nupdated", text="Body")

    jobs.run()

    assert mail.outbox[0].subject == "Neglect toolkit updated"
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_the_same_dedupe_key_is_written_once(jobs):
    first = queue_email(to="a@example.org", subject="Reminder", text="Tomorrow", dedupe_key="reminder:7")
    second = queue_email(to="a@example.org", subject="Reminder", text="Tomorrow", dedupe_key="reminder:7")

    assert first is not None
    assert second is None
    assert OutboxMessage.objects.count() == 1
    assert len(jobs.pending("core.deliver_email")) == 1


def test_queue_emails_skips_keys_already_queued_and_repeated_keys(jobs):
    existing = OutboxMessageFactory(dedupe_key="issue-24:1")
    emails = [
        OutgoingEmail(to=f"reader{n}@example.org", subject="Issue 24", text="Out now", dedupe_key=f"issue-24:{n}")
        for n in range(1, 6)
    ]
    emails.append(OutgoingEmail(to="reader5@example.org", subject="Issue 24", text="Again", dedupe_key="issue-24:5"))
    emails.append(OutgoingEmail(to="office@example.org", subject="Copy for the office", text="Out now"))

    created = queue_emails(emails)

    assert [message.to for message in created] == [
        "reader2@example.org",
        "reader3@example.org",
        "reader4@example.org",
        "reader5@example.org",
        "office@example.org",
    ]
    assert OutboxMessage.objects.count() == 6
    assert OutboxMessage.objects.get(dedupe_key="issue-24:5").body_text == "Out now"
    assert OutboxMessage.objects.get(pk=existing.pk).to == existing.to
    deferred = sorted(job["args"]["message_id"] for job in jobs.pending("core.deliver_email"))
    assert deferred == sorted(message.pk for message in created)


def test_queue_emails_to_many_recipients_takes_a_few_queries_per_thousand(jobs, django_assert_max_num_queries):
    emails = [
        OutgoingEmail(to=f"reader{n}@example.org", subject="Issue 24", text="Out now", dedupe_key=f"issue-24:{n}")
        for n in range(2500)
    ]

    # Per batch of 1,000: ids from the sequence, the insert, the look-up; plus savepoints.
    with django_assert_max_num_queries(12):
        created = queue_emails(emails)

    assert len(created) == 2500
    assert len(jobs.pending("core.deliver_email")) == 2500
    assert queue_emails(emails) == []
    assert OutboxMessage.objects.count() == 2500
