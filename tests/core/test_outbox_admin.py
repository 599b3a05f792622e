import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse

from lscb_portal.core.models import OutboxMessage, OutboxStatus
from lscb_portal.core.roles import BOARD_MANAGERS
from tests.core.factories import OutboxMessageFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:core_outboxmessage_changelist")


def send_again(client, *messages):
    return client.post(
        CHANGELIST, {"action": "send_again", "_selected_action": [message.pk for message in messages]}, follow=True
    )


def test_send_again_requeues_failed_emails_and_leaves_sent_ones_alone(admin_client, jobs):
    failed = OutboxMessageFactory(status=OutboxStatus.FAILED, attempts=8, last_error="SMTPServerDisconnected")
    sent = OutboxMessageFactory(status=OutboxStatus.SENT, attempts=1)

    response = send_again(admin_client, failed, sent)

    page = response.content.decode()
    assert "1 email will be sent again in the next minute." in page
    assert "1 email was left alone" in page
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (OutboxStatus.PENDING, 0, "")
    assert OutboxMessage.objects.get(pk=sent.pk).status == OutboxStatus.SENT
    assert [job["args"] for job in jobs.pending("core.deliver_email")] == [{"message_id": failed.pk}]
    jobs.run()
    assert [email.to for email in mail.outbox] == [[failed.to]]
    assert OutboxMessage.objects.get(pk=failed.pk).status == OutboxStatus.SENT


def test_send_again_twice_queues_one_job(admin_client, jobs):
    failed = OutboxMessageFactory(status=OutboxStatus.FAILED, attempts=8)

    send_again(admin_client, failed)
    send_again(admin_client, failed)

    assert len(jobs.pending("core.deliver_email")) == 1


def test_a_board_manager_can_send_again(client, jobs):
    manager = StaffUserFactory(role=BOARD_MANAGERS)
    failed = OutboxMessageFactory(status=OutboxStatus.FAILED, attempts=8)
    client.force_login(manager)

    send_again(client, failed)

    assert OutboxMessage.objects.get(pk=failed.pk).status == OutboxStatus.PENDING


def test_someone_who_may_only_view_the_outbox_cannot_send_again(client, jobs):
    viewer = User.objects.create_user("viewer", "viewer@board.example.org", "a-long-password-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    failed = OutboxMessageFactory(status=OutboxStatus.FAILED, attempts=8)
    client.force_login(viewer)

    assert "Send again" not in client.get(CHANGELIST).content.decode()
    send_again(client, failed)

    assert OutboxMessage.objects.get(pk=failed.pk).status == OutboxStatus.FAILED
    assert jobs.pending() == []


def test_mail_cannot_be_added_or_edited(admin_client):
    message = OutboxMessageFactory(subject="Booking confirmed")
    change_url = reverse("admin:core_outboxmessage_change", args=[message.pk])

    assert admin_client.get(reverse("admin:core_outboxmessage_add")).status_code == 403
    page = admin_client.get(change_url).content.decode()
    assert 'name="_save"' not in page
    assert 'name="subject"' not in page
    response = admin_client.post(change_url, {"subject": "Changed", "to": "someone@example.org"})
    assert response.status_code == 403
    assert OutboxMessage.objects.get(pk=message.pk).subject == "Booking confirmed"


def test_the_detail_page_shows_the_text_the_headers_and_the_attachments(admin_client):
    message = OutboxMessageFactory(
        body_text="Dear Sam,\n\nYour place on <Neglect: Level 2> is confirmed.",
        body_html="<p>Dear Sam</p>",
        headers={"List-Unsubscribe": "<https://example.org/alerts/manage/abc/>"},
        attachments=[{"filename": "session.ics", "content": "BEGIN:VCALENDAR", "mimetype": "text/calendar"}],
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )

    page = admin_client.get(reverse("admin:core_outboxmessage_change", args=[message.pk])).content.decode()

    assert "Dear Sam,\n\nYour place on &lt;Neglect: Level 2&gt; is confirmed.</pre>" in page
    assert "List-Unsubscribe: &lt;https://example.org/alerts/manage/[link hidden]/&gt;" in page
    assert "session.ics (text/calendar, 15\xa0bytes)" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert "<p>Dear Sam</p>" not in page


def test_the_list_answers_who_what_and_whether_it_went(admin_client, django_assert_max_num_queries):
    OutboxMessageFactory.create_batch(30, status=OutboxStatus.FAILED)
    OutboxMessageFactory(to="chair@board.example.org", subject="Board papers", status=OutboxStatus.FAILED)
    OutboxMessageFactory(to="lead@school.example.org", subject="Issue 24 is out", status=OutboxStatus.SENT)

    # Session, user, count, page, board, date hierarchy (2), categories, session save: none per row.
    with django_assert_max_num_queries(11):
        response = admin_client.get(CHANGELIST, {"status__exact": "failed"})

    page = response.content.decode()
    assert page.count('name="_selected_action"') == 31
    assert "chair@board.example.org" in page
    assert "Board papers" in page
    assert "Issue 24 is out" not in page
    searched = admin_client.get(CHANGELIST, {"q": "chair@board"}).content.decode()
    assert searched.count('name="_selected_action"') == 1
    assert "Board papers" in searched
