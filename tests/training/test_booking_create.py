import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused
from training.models import Booking, BookingNeeds, BookingStatus, SessionStatus
from training.services import booking_create

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_a_place_is_confirmed_with_an_email_carrying_a_calendar_file(make_attendee, outbox):
    session = SessionFactory(capacity=2)

    booking = booking_create(
        session=session, attendee=make_attendee(email=" Jo.Bloggs@Riverside.example.org "), eligibility_confirmed=False
    )

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.email == "jo.bloggs@riverside.example.org"
    assert booking.reference.startswith("TR-")
    [message] = outbox(to="jo.bloggs@riverside.example.org")
    assert "Your place is confirmed" in message.body_text
    assert "/training/bookings/" in message.body_text
    assert message.dedupe_key == f"training.confirmed:{booking.reference}"
    [attachment] = message.attachments
    assert attachment["mimetype"] == "text/calendar"
    assert "BEGIN:VEVENT" in attachment["content"]
    assert booking.history.first().history_change_reason == "Booked online"


def test_a_full_session_puts_the_booker_on_the_waiting_list(make_attendee, outbox):
    session = SessionFactory(capacity=1)
    booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    second = booking_create(
        session=session, attendee=make_attendee(email="late@riverside.example.org"), eligibility_confirmed=False
    )

    assert second.status == BookingStatus.WAITING
    [message] = outbox(to="late@riverside.example.org")
    assert "waiting list" in message.body_text
    assert "You do not have a place yet" in message.body_text
    assert message.attachments == []


def test_the_same_email_cannot_book_the_same_session_twice(make_attendee):
    session = SessionFactory()
    first = booking_create(
        session=session, attendee=make_attendee(email="sam@riverside.example.org"), eligibility_confirmed=False
    )

    with pytest.raises(Refused) as refused:
        booking_create(
            session=session, attendee=make_attendee(email="SAM@riverside.example.org"), eligibility_confirmed=False
        )

    assert refused.value.field == "email"
    assert first.reference not in refused.value.message  # the asker may not own the address
    assert refused.value.booking == first
    assert Booking.objects.filter(session=session).count() == 1


def test_the_database_refuses_a_second_live_booking_for_one_email():
    booking = BookingFactory(email="sam@riverside.example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(session=booking.session, email="Sam@Riverside.example.org")


def test_a_cancelled_booking_does_not_stop_booking_again(make_attendee):
    old = BookingFactory(email="sam@riverside.example.org", status=BookingStatus.CANCELLED)

    again = booking_create(
        session=old.session, attendee=make_attendee(email="sam@riverside.example.org"), eligibility_confirmed=False
    )

    assert again.status == BookingStatus.CONFIRMED


def test_each_organisation_may_book_at_most_its_cap(make_attendee, organisation):
    session = SessionFactory(capacity=20, places_per_organisation=3)
    for _ in range(3):
        booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    with pytest.raises(Refused) as refused:
        booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    assert refused.value.field == "organisation"
    assert "Riverside Primary School already has 3 places" in refused.value.message
    assert session.bookings.filter(organisation=organisation).count() == 3
    other = OrganisationFactory(name="St Anne's Academy")
    assert booking_create(session=session, attendee=make_attendee(organisation=other), eligibility_confirmed=False)


def test_eligibility_must_be_confirmed_when_the_course_has_a_statement(make_attendee):
    session = SessionFactory(course=CourseFactory(eligibility="I undertake family assessments."))

    with pytest.raises(Refused) as refused:
        booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    assert refused.value.field == "eligibility"
    assert not Booking.objects.exists()
    booking = booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=True)
    assert booking.eligibility_confirmed


def test_nothing_can_be_booked_on_a_cancelled_session(make_attendee):
    session = SessionFactory(status=SessionStatus.CANCELLED)

    with pytest.raises(Refused, match="cancelled"):
        booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    assert not Booking.objects.exists()


def test_nothing_can_be_booked_on_a_past_session(make_attendee):
    start = timezone.now() - datetime.timedelta(days=1)
    session = SessionFactory(starts_at=start, booking_closes_at=start - datetime.timedelta(days=2))

    with pytest.raises(Refused, match="already taken place"):
        booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    assert not Booking.objects.exists()


def test_booking_is_refused_before_it_opens(make_attendee):
    session = SessionFactory(booking_opens_at=timezone.now() + datetime.timedelta(days=2))

    with pytest.raises(Refused, match="opens on"):
        booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    assert not Booking.objects.exists()


@time_machine.travel(datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_booking_closes_two_working_days_before_across_the_easter_bank_holidays(make_attendee):
    # Wednesday 8 April 2026: Tuesday 7 is one working day before; Monday 6 (Easter Monday), the weekend and
    # Friday 3 (Good Friday) are not working days; Thursday 2 April is the second. Booking closes at 5pm that day.
    start = timezone.make_aware(datetime.datetime(2026, 4, 8, 9, 30))
    session = SessionFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    assert timezone.localtime(session.booking_closes_at) == timezone.make_aware(datetime.datetime(2026, 4, 2, 17, 0))

    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 4, 2, 16, 59)), tick=False):
        assert booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)
    with (
        time_machine.travel(timezone.make_aware(datetime.datetime(2026, 4, 2, 17, 0)), tick=False),
        pytest.raises(Refused, match="closed on 2 April 2026"),
    ):
        booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)
    assert session.bookings.count() == 1


def test_booking_closes_across_the_spring_bank_holiday_weekend():
    # Tuesday 26 May 2026 follows the Spring Bank Holiday (Monday 25 May): Friday 22 and Thursday 21 count.
    start = timezone.make_aware(datetime.datetime(2026, 5, 26, 13, 0))
    session = SessionFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=3))

    assert timezone.localtime(session.booking_closes_at).date() == datetime.date(2026, 5, 21)


def test_access_and_dietary_needs_are_kept_apart_from_the_booking(make_attendee):
    session = SessionFactory()

    booking = booking_create(
        session=session,
        attendee=make_attendee(access_needs="Hearing loop, please", dietary_needs="Vegan"),
        eligibility_confirmed=False,
    )

    needs = BookingNeeds.objects.get(booking=booking)
    assert needs.access_needs == "Hearing loop, please"
    assert needs.dietary_needs == "Vegan"
    history_fields = {field.name for field in booking.history.model._meta.get_fields()}
    assert "access_needs" not in history_fields


def test_no_needs_row_when_none_were_given(make_attendee):
    booking = booking_create(session=SessionFactory(), attendee=make_attendee(), eligibility_confirmed=False)

    assert not BookingNeeds.objects.filter(booking=booking).exists()


def test_waiting_list_order_follows_the_order_of_attempts(make_attendee):
    session = SessionFactory(capacity=1)
    booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)
    waiting = [
        booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False) for _ in range(3)
    ]

    assert list(session.bookings.waiting()) == waiting
