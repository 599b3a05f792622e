"""Training in a real browser: book, read the emailed confirmation, cancel through its link; join a
waiting list, get the offer by email and accept it. Every public training page is checked with axe at
1280 px and at 320 px (where it must not scroll sideways), including the booking form showing errors.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core.models import Organisation, OutboxMessage
from tests.e2e.conftest import check_both_widths
from training import links
from training.models import Booking, BookingStatus, Course, Session


def emailed_link(live_server, to: str, path_part: str) -> str:
    """The first link to ``path_part`` in the newest email to ``to``, pointed at the test server."""
    message = OutboxMessage.objects.filter(to=to).order_by("-created_at", "-pk").first()
    assert message is not None, f"no email to {to}"
    match = re.search(rf"https?://\S*{re.escape(path_part)}\S*", message.body_text)
    assert match, f"no {path_part} link in: {message.body_text}"
    return live_server.url + urlsplit(match.group(0)).path


@pytest.fixture
def programme(demo_board):
    course = Course.objects.create(
        title="Child Sexual and Criminal Exploitation",
        slug="exploitation",
        summary="Spotting the signs that a child is being groomed or exploited, and acting together.",
        aims="<p>To help practitioners identify exploitation early.</p>",
        learning_outcomes="<ul><li>Recognise grooming</li><li>Complete the risk assessment</li></ul>",
        eligibility="I work directly with children or young people.",
        non_attendance_charge="40.00",
    )
    course.topics.add("Exploitation")
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=21)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    roomy = Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=6),
        venue_name="Northminster House, 1st Floor",
        venue_address="Market Street\nNorthbrook",
        venue_postcode="NB1 4QT",
        trainers="Helen Marsh, DS Kieran Walsh",
        capacity=15,
    )
    full = Session.objects.create(
        course=course,
        starts_at=start + datetime.timedelta(days=7),
        ends_at=start + datetime.timedelta(days=7, hours=6),
        venue_name="Riverside Community Centre",
        venue_postcode="NB3 7HL",
        trainers="Tomasz Nowak",
        capacity=1,
    )
    for session in (roomy, full):  # each on one date
        session.parts.create(starts_at=session.starts_at, ends_at=session.ends_at)
    # Written directly: the browser's event loop shares this thread, so no job can be deferred from here.
    holder = Booking.objects.create(
        session=full,
        sequence=1,
        attendee_name="Grace Adeyemi",
        email="grace.adeyemi@police.example.org",
        organisation=Organisation.objects.get(name="Northbrook Police"),
        role="Detective sergeant",
        status=BookingStatus.CONFIRMED,
        eligibility_confirmed=True,
    )
    return {"course": course, "roomy": roomy, "full": full, "holder": holder}


def fill_booking_form(page, *, email: str) -> None:
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Organisation").fill("Riverside Primary School")
    page.get_by_label("Job title").fill("Designated safeguarding lead")
    page.get_by_label(re.compile("^I confirm: I work directly")).check()


def test_book_read_the_confirmation_and_cancel_through_its_link(live_server, programme, page):
    page.goto(f"{live_server.url}/training/")
    check_both_widths(page)
    page.get_by_role("link", name="Child Sexual and Criminal Exploitation").first.click()
    assert "15 places in total, 0 taken" in page.locator("main").inner_text()
    check_both_widths(page)

    page.get_by_role("button", name="Book a place").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter your full name" in page.locator(".govuk-error-summary").inner_text()
    check_both_widths(page)

    page.get_by_label("Dietary needs (optional)").fill("Vegetarian")
    fill_booking_form(page, email="priya.shah@riverside.example.org")
    page.get_by_role("button", name="Book a place").click()
    assert page.locator("h1").inner_text() == "Booking confirmed"
    check_both_widths(page)

    booking = Booking.objects.get(email="priya.shah@riverside.example.org")
    assert booking.status == BookingStatus.CONFIRMED
    confirmation = OutboxMessage.objects.get(to=booking.email)
    assert confirmation.attachments[0]["mimetype"] == "text/calendar"

    page.goto(emailed_link(live_server, booking.email, "/training/bookings/"))
    assert booking.reference in page.locator("main").inner_text()
    check_both_widths(page)
    page.get_by_role("link", name="Cancel your booking").click()
    assert page.locator("h1").inner_text() == "Are you sure you want to cancel your booking?"
    check_both_widths(page)
    page.get_by_role("button", name="Cancel my booking").click()

    assert "Your booking has been cancelled" in page.locator(".govuk-notification-banner").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_join_the_waiting_list_get_the_offer_and_accept_it(live_server, programme, page):
    full = programme["full"]
    page.goto(f"{live_server.url}/training/sessions/{full.pk}/")
    assert "full" in page.locator("main").inner_text()
    fill_booking_form(page, email="sam.lee@riverside.example.org")
    page.get_by_role("button", name="Book a place").click()
    assert page.locator("h1").inner_text() == "You are on the waiting list"
    waiting = Booking.objects.get(email="sam.lee@riverside.example.org")
    assert waiting.status == BookingStatus.WAITING

    # The place holder cancels through their booking's link.
    page.goto(
        live_server.url + reverse("training:booking", kwargs={"token": links.booking_token(programme["holder"])})
    )
    page.get_by_role("link", name="Cancel your booking").click()
    page.get_by_role("button", name="Cancel my booking").click()

    page.goto(emailed_link(live_server, waiting.email, "/training/offers/"))
    assert page.locator("h1").inner_text() == "A place is available for you"
    check_both_widths(page)
    page.get_by_role("button", name="Accept the place").click()

    assert "You have accepted the place" in page.locator(".govuk-notification-banner").inner_text()
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.CONFIRMED
    check_both_widths(page)


def test_course_transfer_and_broken_link_pages(live_server, programme, page):
    page.goto(f"{live_server.url}/training/courses/exploitation/")
    assert page.locator("h1").inner_text() == "Child Sexual and Criminal Exploitation"
    check_both_widths(page)

    token = links.booking_token(programme["holder"])
    page.goto(f"{live_server.url}/training/bookings/{token}/transfer/")
    page.get_by_role("button", name="Pass my place to this colleague").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check_both_widths(page)

    page.goto(f"{live_server.url}/training/bookings/{token[:-4]}XXXX/")
    assert page.locator("h1").inner_text() == "This link does not work"
    check_both_widths(page)


def test_my_training_pages(live_server, programme, page):
    page.goto(f"{live_server.url}/training/my/")
    check_both_widths(page)
    page.get_by_role("button", name="Email me a link").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check_both_widths(page)
    page.get_by_label("Work email address").fill(programme["holder"].email)
    page.get_by_role("button", name="Email me a link").click()
    assert "we have sent a link" in page.locator(".govuk-notification-banner").inner_text()

    page.goto(emailed_link(live_server, programme["holder"].email, "/training/my/"))
    assert page.locator("h1").inner_text() == "Your training bookings"
    assert "Child Sexual and Criminal Exploitation" in page.locator("main").inner_text()
    check_both_widths(page)
