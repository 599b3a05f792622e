import pytest

from training import ics, links
from training.models import BookingStatus, Delivery

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _online_session():
    return SessionFactory(
        course=CourseFactory(delivery=Delivery.ONLINE),
        venue_name="Microsoft Teams",
        joining_url="https://teams.example.org/join/abc",
    )


def test_the_public_calendar_file_never_carries_the_joining_link(client):
    session = _online_session()

    body = client.get(f"/training/sessions/{session.pk}/calendar.ics").content.decode()

    assert "teams.example.org" not in body
    assert "LOCATION:Microsoft Teams" in body


def test_only_a_confirmed_delegate_gets_the_joining_link(client):
    session = _online_session()
    confirmed = BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=BookingStatus.WAITING)

    def calendar(booking):
        return client.get(f"/training/bookings/{links.booking_token(booking)}/calendar.ics").content.decode()

    assert "https://teams.example.org/join/abc" in calendar(confirmed).replace("\r\n ", "")
    assert "teams.example.org" not in calendar(waiting)


def test_long_lines_are_folded_and_special_characters_escaped():
    session = SessionFactory(
        course=CourseFactory(title="Neglect; Graded Care, Profile " + "é" * 60, summary="Line one\nLine two")
    )

    body = ics.session_calendar(session)

    lines = body.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Neglect\\; Graded Care\\, Profile " in unfolded
    assert "Line one\\nLine two" in unfolded
    assert body.endswith("END:VCALENDAR\r\n")
