"""The public programme says when booking has closed, and on a phone shows each session as a card.

"Booking closed" comes from the one rule (``rules.booking_state``): a session whose closing time
has passed shows no places as left, on the programme, the course page, the session page and in
search results, while the places it has are still counted.
"""

import datetime
import re

import pytest
from django.utils import timezone

from training.models import BookingStatus

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def _in_days(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _table_rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [" ".join(row.split()) for row in body.split('<tr class="govuk-table__row">')[1:]]


def _cards(html: str) -> list[str]:
    return [" ".join(card.split()) for card in re.findall(r'<li class="lscb-session-card">(.*?)</li>', html, re.S)]


@pytest.fixture
def closed_and_open():
    closed = SessionFactory(
        course=CourseFactory(title="Prevent Awareness"),
        starts_at=_in_days(2),
        booking_closes_at=timezone.now() - HOUR,
        capacity=10,
    )
    BookingFactory(session=closed)
    roomy = SessionFactory(course=CourseFactory(title="Neglect: Recognising and Responding"), starts_at=_in_days(9))
    return closed, roomy


def test_a_session_whose_booking_has_closed_says_so_instead_of_places_left(client, closed_and_open):
    closed, roomy = closed_and_open

    html = client.get("/training/").content.decode()

    closed_row, open_row = _table_rows(html)
    assert "Prevent Awareness" in closed_row
    assert "Booking closed" in closed_row
    assert 'numeric">10</td>' in closed_row  # its places still counted
    assert 'numeric">1</td>' in closed_row
    assert 'numeric">9</td>' not in closed_row  # but none shown as left
    assert "Booking closed" not in open_row
    assert 'numeric">15</td><td class="govuk-table__cell govuk-table__cell--numeric">0</td>' in open_row
    closed_card, open_card = _cards(html)
    assert "Booking closed" in closed_card
    assert "Booking closed" not in open_card


def test_the_course_and_session_pages_say_booking_has_closed(client, closed_and_open):
    closed, _ = closed_and_open

    course_page = client.get(closed.course.get_absolute_url()).content.decode()
    session_page = " ".join(client.get(closed.get_absolute_url()).content.decode().split())

    assert "Booking closed" in _table_rows(course_page)[0]
    assert "10 places in total, 1 taken: <strong>booking closed</strong>" in session_page
    assert "9 left" not in session_page


def test_only_sessions_with_places_lists_no_closed_session(client, closed_and_open):
    html = client.get("/training/", {"has_places": "on"}).content.decode()

    assert "Neglect: Recognising and Responding" in html
    assert "Prevent Awareness" not in html


def test_a_session_not_open_yet_shows_its_places_and_when_booking_opens(client):
    SessionFactory(starts_at=_in_days(30), booking_opens_at=_in_days(5), capacity=12)

    (row,) = _table_rows(client.get("/training/").content.decode())

    assert '12<br><span class="govuk-body-s">booking opens' in row


def test_each_session_is_also_a_card_with_date_course_time_places_left_and_where(client):
    # Booking still open whatever the day and hour the test runs (the default closes two working days before).
    full = SessionFactory(
        course=CourseFactory(title="Domestic Abuse: the Impact on Children"),
        starts_at=_in_days(4),
        booking_closes_at=_in_days(3),
        capacity=1,
    )
    BookingFactory(session=full)
    BookingFactory(session=full, status=BookingStatus.WAITING)
    SessionFactory(
        course=CourseFactory(title="Online <Safety>"),
        starts_at=_in_days(6, hour=14),
        booking_closes_at=_in_days(3),
        venue_name="Northminster House",
    )

    html = client.get("/training/").content.decode()

    assert '<h2 class="govuk-heading-m">Upcoming sessions</h2>' in html
    full_card, online_card = _cards(html)
    assert "Domestic Abuse: the Impact on Children</a></h3>" in full_card
    assert "<dt>Date</dt>" in full_card
    assert "9:30am to 12:30pm" in full_card
    assert 'Full</strong><br><span class="govuk-body-s">waiting list open' in full_card
    assert "1 of 1 taken" in online_card or "0 of 15 taken" in online_card
    assert "Online &lt;Safety&gt;" in online_card
    assert "<dt>Where</dt><dd>Northminster House, NB1 4QT</dd>" in online_card
    assert "2:30pm to 5:30pm" in online_card


def test_the_course_page_cards_are_headed_by_their_dates(client):
    session = SessionFactory(course=CourseFactory(title="Working with Neglect"), starts_at=_in_days(4))

    html = client.get(session.course.get_absolute_url()).content.decode()

    (card,) = _cards(html)
    local = timezone.localtime(session.starts_at)
    link = f'<a class="govuk-link" href="{session.get_absolute_url()}">{local:%a} {local.day} {local:%B %Y}</a>'
    assert f'<h3 class="govuk-heading-s lscb-session-card__title">{link}</h3>' in card
    assert 'class="govuk-heading-m">Upcoming dates' not in html
