"""Calendar files made with icalendar, read back with icalendar: times in Europe/London across a clock change,
the joining link only for confirmed delegates, and cancellations that remove the event (METHOD:CANCEL, same UID)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from lscb_portal.core.models import OutboxMessage
from training import calendars, links, services
from training.models import BookingStatus, Delivery

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def events(body: bytes) -> tuple[Calendar, list]:
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def _online_session():
    return SessionFactory(
        course=CourseFactory(delivery=Delivery.ONLINE),
        venue_name="Microsoft Teams",
        joining_url="https://teams.example.org/join/abc",
    )


@pytest.mark.parametrize(
    ("day", "utc_offset"),
    [(datetime.date(2026, 10, 23), 1), (datetime.date(2026, 10, 26), 0), (datetime.date(2027, 3, 29), 1)],
)
def test_a_session_at_930_london_time_reads_back_at_930_on_either_side_of_a_clock_change(day, utc_offset):
    starts = datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=LONDON)
    session = SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))

    calendar, (event,) = events(calendars.session_calendar(session))

    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert str(calendar["method"]) == "PUBLISH"
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert (start.astimezone(LONDON).time(), end.astimezone(LONDON).time()) == (
        datetime.time(9, 30),
        datetime.time(12, 30),
    )
    assert start.utcoffset() == datetime.timedelta(hours=utc_offset)
    assert start.astimezone(datetime.UTC) == starts.astimezone(datetime.UTC)


def test_each_date_of_a_session_over_a_clock_change_reads_back_at_its_london_time(client):
    """Friday 23 October 2026 is in British Summer Time, Monday 26 October in GMT: both days start at 9:30am."""
    first = datetime.datetime(2026, 10, 23, 9, 30, tzinfo=LONDON)
    second = datetime.datetime(2026, 10, 26, 9, 30, tzinfo=LONDON)
    session = SessionFactory(starts_at=first, ends_at=first + datetime.timedelta(hours=6))
    services.session_parts_set(
        session=session,
        parts=[
            services.PartDates(starts_at=first, ends_at=first + datetime.timedelta(hours=6)),
            services.PartDates(starts_at=second, ends_at=second + datetime.timedelta(hours=6)),
        ],
    )

    calendar, days = events(client.get(f"/training/sessions/{session.pk}/calendar.ics").content)

    assert [str(day["uid"]) for day in days] == [
        f"training-session-{session.pk}-1@127.0.0.1",
        f"training-session-{session.pk}-2@127.0.0.1",
    ]
    starts = [day.decoded("dtstart") for day in days]
    assert [start.astimezone(LONDON).strftime("%a %d %b %H:%M") for start in starts] == [
        "Fri 23 Oct 09:30",
        "Mon 26 Oct 09:30",
    ]
    assert [start.utcoffset() for start in starts] == [datetime.timedelta(hours=1), datetime.timedelta(0)]
    assert [start.astimezone(datetime.UTC).hour for start in starts] == [8, 9]
    assert [str(day["summary"]) for day in days] == [
        f"{session.course.title} (1 of 2)",
        f"{session.course.title} (2 of 2)",
    ]


def test_the_public_calendar_file_never_carries_the_joining_link(client):
    session = _online_session()

    response = client.get(f"/training/sessions/{session.pk}/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    _, (event,) = events(response.content)
    assert "teams.example.org" not in response.content.decode()
    assert str(event["location"]).startswith("Microsoft Teams")


def test_only_a_confirmed_delegate_gets_the_joining_link(client):
    session = _online_session()
    confirmed = BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=BookingStatus.WAITING)

    def calendar(booking):
        body = client.get(f"/training/bookings/{links.booking_token(booking)}/calendar.ics").content
        return events(body)[1][0]

    assert "Join online: https://teams.example.org/join/abc" in str(calendar(confirmed)["description"])
    assert str(calendar(confirmed)["location"]) == "https://teams.example.org/join/abc"
    assert "teams.example.org" not in str(calendar(waiting)["description"])


def test_text_with_punctuation_and_new_lines_reads_back_as_written():
    title = "Neglect; Graded Care, Profile " + "é" * 60
    session = SessionFactory(course=CourseFactory(title=title, summary="Line one\nLine two"))

    body = calendars.session_calendar(session)

    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    _, (event,) = events(body)
    assert str(event["summary"]) == title
    assert str(event["description"]).startswith("Line one\nLine two\n")


def test_a_cancelled_session_removes_the_same_event_with_a_higher_sequence(client):
    session = SessionFactory()
    _, (published,) = events(calendars.session_calendar(session))
    session.status = "cancelled"
    session.cancelled_reason = "The trainer is ill"
    session.save()

    calendar, (cancelled,) = events(client.get(f"/training/sessions/{session.pk}/calendar.ics").content)

    assert str(calendar["method"]) == "CANCEL"
    assert str(cancelled["uid"]) == str(published["uid"]) == f"training-session-{session.pk}@127.0.0.1"
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("sequence") > published.decoded("sequence")
    assert cancelled.decoded("dtstart") == published.decoded("dtstart")


def test_a_delegate_who_cancels_is_sent_the_cancellation_for_their_calendar():
    session = SessionFactory()
    booking = BookingFactory(session=session)
    _, (published,) = events(calendars.session_calendar(session))

    services.booking_cancel(booking=booking)

    message = OutboxMessage.objects.get(category="training.cancelled")
    (attachment,) = message.attachments
    assert attachment["filename"].startswith("cancelled-")
    calendar, (cancelled,) = events(attachment["content"].encode())
    assert str(calendar["method"]) == "CANCEL"
    assert str(cancelled["uid"]) == str(published["uid"])
    assert cancelled.decoded("sequence") > published.decoded("sequence")
