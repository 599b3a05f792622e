"""The training team's bookings page, in a real browser.

- The page, its errors, its confirmation and the move page pass axe at 1280 and 320 px.
- Done when: a training administrator enters a real "places available" table (8 sessions, 80 places
  already allocated, as a board published it in July 2012) through the admin in under ten minutes:
  each session typed into the session form, its delegates pasted as lines. Timed here; the public
  programme then shows each session's total, taken and left exactly.
"""

import datetime
import time

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from lscb_portal.core.models import Organisation
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.e2e.conftest import check_both_widths
from training.models import Booking, BookingStatus, Course, Length, Session

PASSWORD = "heron-quarry-lattice-58"

# Course, length, places in all, places already allocated (taken): the table's rows.
TABLE = [
    ("Domestic Abuse Workshop for First Line Managers", Length.HALF_DAY, 22, 15),
    ("The Impact of Serious Case Reviews and the Child Death Overview Panel", Length.HALF_DAY, 20, 20),
    ("An Introduction to Safeguarding Children", Length.FULL_DAY, 15, 1),
    ("Child Sexual Exploitation: Spotting the Signs", Length.HALF_DAY, 16, 12),
    ("Neglect and the Graded Care Profile", Length.FULL_DAY, 10, 10),
    ("Safer Recruitment in Education", Length.FULL_DAY, 16, 8),
    ("Working with Resistant Families", Length.HALF_DAY, 12, 9),
    ("Female Genital Mutilation: Awareness for Practitioners", Length.HALF_DAY, 20, 5),
]
FIRST_NAMES = ["Amira", "Tom", "Lena", "Grace", "Kieran", "Priya", "Owen", "Hannah", "Yusuf", "Bethan"]
SURNAMES = ["Begum", "Price", "Novak", "Adeyemi", "Walsh", "Shah", "Lloyd", "Clarke", "Osei", "Evans"]
ORGANISATIONS = [
    "Northbrook City Council Children's Social Care",
    "Northbrook Police",
    "Northbrook Community Health NHS Trust",
    "Riverside Primary School",
    "St Anne's Church of England Academy",
    "Little Acorns Day Nursery",
    "Safe Harbour Domestic Abuse Service",
]


@pytest.fixture
def administrator(demo_board, settings):
    settings.STAFF_2FA_REQUIRED = False
    user = User.objects.create_user("training-desk", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=TRAINING_ADMINISTRATORS))
    return user


def sign_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "training-desk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def weekdays_from(start: datetime.date, count: int) -> list[datetime.date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=2)
    return days


def delegate_lines(row: int, count: int, *, tabs: bool) -> str:
    """``count`` delegates as a list typed with commas, or copied from a spreadsheet (tabs)."""
    lines = []
    for n in range(count):
        first, last = FIRST_NAMES[n % 10], SURNAMES[(n // 10 + row) % 10]
        email = f"{first.lower()}.{last.lower()}.{row}{n}@example.org"
        organisation = ORGANISATIONS[(n + row) % len(ORGANISATIONS)]
        lines.append(
            "\t".join([first, last, email, organisation]) if tabs else f"{first} {last}, {email}, {organisation}"
        )
    return "\n".join(lines)


@pytest.fixture
def session_with_bookings(administrator):
    course = Course.objects.create(
        title="Working Together to Safeguard Children",
        slug="working-together",
        summary="How agencies share information and act together when a child may be at risk.",
    )
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=20)).replace(hour=9, minute=30, second=0)
    sessions = []
    for days, capacity in [(0, 2), (14, 10)]:
        session = Session.objects.create(
            course=course,
            starts_at=start + datetime.timedelta(days=days),
            ends_at=start + datetime.timedelta(days=days, hours=3),
            venue_name="Northminster House, 1st Floor",
            capacity=capacity,
        )
        session.parts.create(starts_at=session.starts_at, ends_at=session.ends_at)
        sessions.append(session)
    police = Organisation.objects.get(name="Northbrook Police")
    for n, (name, status) in enumerate([("Grace Adeyemi", "confirmed"), ("Kieran Walsh", "cancelled")]):
        Booking.objects.create(
            session=sessions[0],
            sequence=n + 1,
            attendee_name=name,
            email=f"{name.split()[0].lower()}@police.example.org",
            organisation=police,
            role="Detective sergeant",
            status=status,
            cancel_reason="attendee" if status == "cancelled" else "",
            cancelled_at=timezone.now() if status == "cancelled" else None,
        )
    return sessions


def test_the_staff_booking_pages_are_accessible_at_both_widths(live_server, session_with_bookings, page):
    session, later = session_with_bookings
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/admin/training/session/{session.pk}/change/")
    page.click("text=Add or move delegates")
    assert page.locator("h1").inner_text().startswith("Bookings:")
    check_both_widths(page)

    # A list with a bad line: nothing booked, the line named, the text kept.
    page.fill(
        "#id_list-lines", "Owen Lloyd, owen@riverside.example.org, Riverside Primary School\nHannah Clarke, hannah\n"
    )
    page.click("text=Add the delegates")
    assert "Line 2: No email address found." in page.locator("#id_list-lines_error").inner_text()
    assert Booking.objects.filter(session=session).count() == 2
    check_both_widths(page)

    page.fill(
        "#id_list-lines",
        "Owen Lloyd, owen@riverside.example.org, Riverside Primary School\n"
        "Hannah Clarke, hannah@riverside.example.org, Riverside Primary School",
    )
    page.click("text=Add the delegates")
    message = page.locator(".messagelist").inner_text()
    assert "Booked 1 delegate; the session was full for 1, who joined the waiting list: Hannah Clarke." in message
    live = page.locator("table[aria-labelledby=live-heading]").inner_text()
    cancelled = page.locator("table[aria-labelledby=cancelled-heading]").inner_text()
    assert "Hannah Clarke" in live
    assert "On the waiting list (1st)" in live
    assert "Kieran Walsh" in cancelled
    assert "Kieran Walsh" not in live
    check_both_widths(page)

    owen = Booking.objects.get(email="owen@riverside.example.org")
    page.click(f"a[href$='/bookings/{owen.pk}/move/']")
    check_both_widths(page)
    page.check(f"input[name=to_session][value='{later.pk}']")
    page.click("text=Move the booking")
    assert f"Owen Lloyd ({owen.reference}) moved to" in page.locator(".messagelist").inner_text()
    owen.refresh_from_db()
    assert owen.session == later
    # The place Owen left is offered to Hannah, first on the waiting list.
    assert Booking.objects.get(email="hannah@riverside.example.org").status == BookingStatus.OFFERED


def test_a_training_administrator_enters_the_places_available_table_in_under_ten_minutes(
    live_server, administrator, page
):
    courses = [
        Course.objects.create(
            title=title, slug=f"table-course-{n}", summary="A course from the board's programme.", length=length
        )
        for n, (title, length, _, _) in enumerate(TABLE)
    ]
    days = weekdays_from(timezone.localdate() + datetime.timedelta(days=28), len(TABLE))

    started = time.monotonic()
    sign_in(page, live_server)
    for row, ((_, length, capacity, allocated), course, day) in enumerate(zip(TABLE, courses, days, strict=True)):
        page.goto(f"{live_server.url}/admin/training/session/add/?course={course.pk}")
        ends = "12:30" if length == Length.HALF_DAY else "16:30"
        page.fill("#id_starts_at_0", f"{day:%d/%m/%Y}")
        page.fill("#id_starts_at_1", "09:30")
        page.fill("#id_ends_at_0", f"{day:%d/%m/%Y}")
        page.fill("#id_ends_at_1", ends)
        page.fill("#id_capacity", str(capacity))
        page.click("input[name=_continue]")
        page.click("text=Add or move delegates")
        page.fill("#id_list-lines", delegate_lines(row, allocated, tabs=row % 2 == 0))
        # The delegates already have their places from the board's earlier allocation: no emails.
        page.uncheck("#id_list-notify")
        page.click("text=Add the delegates")
        assert f"Booked {allocated} delegate" in page.locator(".messagelist").inner_text()
    elapsed = time.monotonic() - started

    assert elapsed < 600, f"entering the table took {elapsed:.0f} seconds"
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 80

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/training/")
    for (_, _, capacity, allocated), course in zip(TABLE, courses, strict=True):
        session = Session.objects.get(course=course)
        row = page.locator(f"table.lscb-places-table tr:has(a[href='/training/sessions/{session.pk}/'])")
        total, taken, left = row.locator("td.govuk-table__cell--numeric").all_inner_texts()
        expected_left = "Full" if capacity == allocated else str(capacity - allocated)
        assert (total, taken, left.split("\n")[0]) == (str(capacity), str(allocated), expected_left), course.title
