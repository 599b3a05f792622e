"""In a real browser: a manager follows "Nominate your staff" from a session's page, adds a fourth row with
"Add another member of staff", sees errors in the summary, and nominates four people for three places. axe checks
the form, the form with errors and the confirmation at 1280 and at 320 px, which must not scroll sideways."""

import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.models import Organisation, OutboxMessage
from tests.e2e.conftest import check_both_widths
from training.models import Booking, BookingStatus, Course, Session


@pytest.fixture
def session(demo_board):
    Organisation.objects.get_or_create(name="Riverside Primary School", defaults={"verified": True})
    course = Course.objects.create(
        title="Domestic Abuse Workshop for First Line Managers",
        slug="domestic-abuse-workshop-first-line-managers",
        summary="How domestic abuse affects children, and what a manager does when staff raise a concern.",
        requires_manager_approval=True,
        eligibility="Only open to staff who undertake family assessments.",
    )
    starts = timezone.now() + datetime.timedelta(days=30)
    session = Session.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        venue_name="Northminster House, 1st Floor",
        venue_postcode="NB1 4QT",
        capacity=3,
    )
    session.parts.create(starts_at=session.starts_at, ends_at=session.ends_at)
    return session


STAFF = [
    ("Amira Begum", "amira.begum@riverside.example.org", "Family support worker"),
    ("Tom Price", "tom.price@riverside.example.org", "Deputy designated safeguarding lead"),
    ("Grace Okafor", "grace.okafor@riverside.example.org", "Learning mentor"),
    ("Wojciech Nowak-Fairbrother", "wojciech.nowak-fairbrother@riverside.example.org", "Family liaison officer"),
]


def _fill_row(page, n: int, name: str, email: str, role: str) -> None:
    page.fill(f"#id_staff-{n}-name", name)
    page.fill(f"#id_staff-{n}-email", email)
    page.fill(f"#id_staff-{n}-role", role)


def test_a_manager_nominates_four_staff_for_three_places(live_server, session, page):
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    page.get_by_role("link", name="Nominate your staff").click()
    page.wait_for_url(f"**/training/sessions/{session.pk}/nominate/")
    assert page.locator("h1").inner_text() == "Nominate your staff"
    check_both_widths(page)

    page.get_by_role("button", name="Nominate and book places").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter your full name" in summary.inner_text()
    assert "at least one member of staff" in summary.inner_text()
    check_both_widths(page)

    page.fill("#id_manager_name", "Mo Khan")
    page.fill("#id_email", "mo.khan@riverside.example.org")
    page.fill("#id_organisation", "Riverside Primary School")
    page.fill("#id_role", "Headteacher")
    for n, person in enumerate(STAFF[:3]):
        _fill_row(page, n, *person)
    page.get_by_role("button", name="Add another member of staff").click()
    assert page.locator("#id_staff-2-email").input_value() == STAFF[2][1]
    _fill_row(page, 3, *STAFF[3])
    page.get_by_label("Everyone I have named meets this statement").check()
    page.get_by_label("I manage everyone I have named here").check()
    page.get_by_role("button", name="Nominate and book places").click()

    page.wait_for_url(f"**/training/sessions/{session.pk}/nominated/")
    panel = page.locator(".govuk-panel").inner_text()
    assert "Nomination received" in panel
    assert "3 places booked, 1 on the waiting list" in panel
    assert "1st on the waiting list" in page.locator("main").inner_text()
    check_both_widths(page)

    statuses = dict(Booking.objects.filter(session=session).values_list("email", "status"))
    assert statuses == {
        STAFF[0][1]: BookingStatus.CONFIRMED,
        STAFF[1][1]: BookingStatus.CONFIRMED,
        STAFF[2][1]: BookingStatus.CONFIRMED,
        STAFF[3][1]: BookingStatus.WAITING,
    }
    assert OutboxMessage.objects.filter(to="mo.khan@riverside.example.org").count() == 1
