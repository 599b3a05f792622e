"""In a real browser: a training administrator cancels a session from its admin page. The confirmation page asks
why, keeps what was typed when it asks again, and is checked with axe at 1280 px and at 320 px."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from lscb_portal.core.models import Organisation
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.e2e.conftest import check_both_widths
from training.models import Booking, BookingStatus, Course, Session, SessionStatus

PASSWORD = "lantern-harbour-finch-27"


@pytest.fixture
def booked_session(demo_board, settings):
    settings.STAFF_2FA_REQUIRED = False
    administrator = User.objects.create_user("training-desk", password=PASSWORD, is_staff=True)
    administrator.groups.add(Group.objects.get(name=TRAINING_ADMINISTRATORS))
    course = Course.objects.create(
        title="Neglect: Recognising and Responding",
        slug="neglect-recognising-and-responding",
        summary="Spotting neglect early and what to do about it.",
    )
    starts = timezone.now() + datetime.timedelta(days=30)
    session = Session.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        venue_name="Northminster House, 1st Floor",
        capacity=1,
    )
    session.parts.create(starts_at=session.starts_at, ends_at=session.ends_at)
    school, _ = Organisation.objects.get_or_create(name="Riverside Primary School", defaults={"verified": True})
    for n, (name, status) in enumerate(
        [("Amira Begum", BookingStatus.CONFIRMED), ("Tom Price", BookingStatus.WAITING)]
    ):
        Booking.objects.create(
            session=session,
            sequence=n + 1,
            attendee_name=name,
            email=f"{name.split()[0].lower()}@riverside.example.org",
            organisation=school,
            role="Class teacher",
            status=status,
        )
    return session


def test_an_administrator_cancels_a_session_giving_a_reason(live_server, booked_session, page):
    change = f"/admin/training/session/{booked_session.pk}/change/"
    page.goto(f"{live_server.url}/admin/login/?next={change}")
    page.fill("#id_username", "training-desk")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(f"**{change}")

    page.get_by_role("link", name="Cancel this session…").click()
    page.wait_for_url("**/cancel/")
    assert page.get_by_text("1 delegate and 1 person on the waiting list").is_visible()
    check_both_widths(page)

    reason = "The trainer is ill. " * 14  # longer than the record holds: the page asks again
    page.get_by_label("Why is the session cancelled?").fill(reason)
    page.get_by_role("button", name="Cancel the session and email everyone").click()
    assert page.get_by_text("The reason must be 255 characters or fewer.").is_visible()
    assert page.get_by_label("Why is the session cancelled?").input_value().strip() == reason.strip()
    check_both_widths(page)

    page.get_by_label("Why is the session cancelled?").fill("The trainer is ill. We will offer new dates soon.")
    page.get_by_role("button", name="Cancel the session and email everyone").click()
    page.wait_for_url("**/admin/training/session/")
    assert page.get_by_text("Cancelled 1 session(s)").is_visible()
    booked_session.refresh_from_db()
    assert booked_session.status == SessionStatus.CANCELLED
    assert page.locator("td.field-places_left", has_text="Cancelled").is_visible()
