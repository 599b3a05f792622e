"""The training programme on a phone, in a real browser: below a tablet's width each session is a card
(date or dates, course, time, places left, where) instead of the wide table, with nothing off-screen at
320 px; from a tablet's width the table is back. axe checks both, and a session whose booking has closed
says so on both.
"""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.conftest import DESKTOP, MOBILE, assert_no_horizontal_scroll, axe_check
from training.models import Booking, BookingStatus, Course, Session
from training.services import PartDates, session_parts_set

pytestmark = pytest.mark.django_db(transaction=True)


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _session(course: Course, parts: list[tuple[datetime.datetime, datetime.datetime]], **values) -> Session:
    session = Session.objects.create(course=course, starts_at=parts[0][0], ends_at=parts[-1][1], **values)
    return session_parts_set(session=session, parts=[PartDates(starts_at=s, ends_at=e) for s, e in parts])


@pytest.fixture
def programme(demo_board):
    from lscb_portal.core.models import Organisation

    signs = Course.objects.create(
        title="Signs of Safety: Practice Skills over Two Days",
        slug="signs-of-safety-practice-skills",
        summary="Two days a week apart, mapping a case with a family.",
    )
    exploitation = Course.objects.create(
        title="Child Sexual and Criminal Exploitation, including County Lines",
        slug="exploitation-and-county-lines",
        summary="Spotting the signs that a child is being groomed or exploited.",
    )
    venue = {"venue_name": "Northbrook Civic Centre, Committee Room 2", "venue_postcode": "NB1 4QT"}
    _session(signs, [(_at(20, 9, 30), _at(20, 16)), (_at(27, 9, 30), _at(27, 16))], capacity=16, **venue)
    full = _session(exploitation, [(_at(14, 9, 30), _at(14, 16))], capacity=1, **venue)
    _session(
        exploitation,
        [(_at(4, 13, 30), _at(4, 16, 30))],
        capacity=20,
        booking_closes_at=timezone.now() - datetime.timedelta(hours=2),
        **venue,
    )
    school, _ = Organisation.objects.get_or_create(name="Riverside Primary School", defaults={"verified": True})
    for n, status in enumerate([BookingStatus.CONFIRMED, BookingStatus.WAITING]):
        Booking.objects.create(
            session=full,
            sequence=n + 1,
            attendee_name=f"Delegate {n}",
            email=f"delegate{n}@riverside.example.org",
            organisation=school,
            role="Class teacher",
            status=status,
        )


def test_the_programme_is_cards_on_a_phone_and_a_table_from_a_tablet(live_server, programme, page):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/training/")

    cards = page.locator(".lscb-session-card")
    assert cards.count() == 3
    assert not page.locator(".lscb-places-table").is_visible()
    closed, full, two_day = (cards.nth(n).inner_text() for n in range(3))
    assert "Booking closed" in closed
    assert "Full" in full
    assert "waiting list open" in full
    assert "Signs of Safety: Practice Skills over Two Days" in two_day
    assert "2 dates, one booking" in two_day
    assert "9:30am to 4pm" in two_day
    assert "0 of 16 taken" in two_day
    assert "Northbrook Civic Centre, Committee Room 2, NB1 4QT" in two_day
    # Every card's facts are on screen: nothing scrolls sideways, no box scrolls inside the page.
    assert_no_horizontal_scroll(page)
    for n in range(3):
        box = cards.nth(n).bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= MOBILE["width"]
    axe_check(page)

    page.get_by_role("link", name="Signs of Safety: Practice Skills over Two Days").click()
    page.wait_for_url("**/training/sessions/*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("2 dates from")
    assert_no_horizontal_scroll(page)
    axe_check(page)

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/training/")
    assert page.locator(".lscb-places-table").is_visible()
    assert not page.locator(".lscb-session-cards").is_visible()
    assert page.locator(".lscb-places-table tbody tr").count() == 3
    assert "Booking closed" in page.locator(".lscb-places-table tbody tr").first.inner_text()
    axe_check(page)


def test_the_course_page_dates_are_cards_on_a_phone(live_server, programme, page):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/training/courses/exploitation-and-county-lines/")

    cards = page.locator(".lscb-session-card")
    assert cards.count() == 2
    assert (
        cards.first.get_by_role("heading", level=3)
        .inner_text()
        .startswith(timezone.localtime(_at(4, 13, 30)).strftime("%a"))
    )
    assert_no_horizontal_scroll(page)
    axe_check(page)
