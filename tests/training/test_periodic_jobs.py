import datetime

import pytest
from django.core import mail
from django.utils import timezone

from training import tasks
from training.models import BookingNeeds, BookingStatus, SessionStatus
from training.services import booking_create, session_cancel

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_reminders_go_once_to_confirmed_delegates_a_few_days_before(jobs):
    now = timezone.now()
    soon = SessionFactory(
        starts_at=now + datetime.timedelta(days=2),
        course=CourseFactory(title="Child Sexual Exploitation", non_attendance_charge="40.00"),
    )
    later = SessionFactory(starts_at=now + datetime.timedelta(days=10))
    confirmed = BookingFactory(session=soon, email="dsl@riverside.example.org")
    BookingFactory(session=soon, status=BookingStatus.WAITING)
    BookingFactory(session=later)

    assert tasks.send_reminders(timestamp=int(now.timestamp())) == 1
    assert tasks.send_reminders(timestamp=int(now.timestamp()) + 3600) == 0
    jobs.run()

    [message] = mail.outbox
    assert message.to == ["dsl@riverside.example.org"]
    assert message.subject == "Reminder: Child Sexual Exploitation is coming up"
    assert "£40.00" in message.body
    confirmed.refresh_from_db()
    assert confirmed.reminder_sent_at is not None


def test_needs_are_deleted_a_week_after_the_session(make_attendee):
    start = timezone.now() + datetime.timedelta(days=5)
    session = SessionFactory(starts_at=start)
    booking = booking_create(
        session=session, attendee=make_attendee(dietary_needs="Gluten free"), eligibility_confirmed=False
    )
    after_session = session.ends_at + datetime.timedelta(days=7)

    assert tasks.delete_needs(timestamp=int((after_session - datetime.timedelta(minutes=1)).timestamp())) == 0
    assert tasks.delete_needs(timestamp=int(after_session.timestamp()) + 1) == 1

    assert not BookingNeeds.objects.filter(booking=booking).exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_expiry_job_passes_offers_on(jobs):
    now = timezone.now()
    offered = BookingFactory(status=BookingStatus.OFFERED, offer_expires_at=now - datetime.timedelta(minutes=1))
    waiting = BookingFactory(session=offered.session, status=BookingStatus.WAITING)

    assert tasks.expire_holds(timestamp=int(now.timestamp())) == 1

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED


def test_cancelling_a_session_cancels_every_booking_and_emails_each_delegate(jobs):
    session = SessionFactory(course=CourseFactory(title="Prevent Awareness"))
    live = [BookingFactory(session=session), BookingFactory(session=session, status=BookingStatus.WAITING)]
    BookingFactory(session=session, status=BookingStatus.CANCELLED)

    assert session_cancel(session=session, reason="The venue is closed for repairs.") == 2
    jobs.run()

    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert {message.to[0] for message in mail.outbox} == {booking.email for booking in live}
    assert all("The venue is closed for repairs." in message.body for message in mail.outbox)
    assert all(message.subject == "Session cancelled: Prevent Awareness" for message in mail.outbox)
