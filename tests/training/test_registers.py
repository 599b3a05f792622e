"""The session's register (with needs, for the trainer) and sign-in sheet as A4 PDFs from its admin page: names in
rows, a signature column, the table's header on every page; both read the same register selector."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from lscb_portal.core.roles import BOARD_MANAGERS, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from tests.pdfs import assert_accessible, read_pdf
from training import selectors, services
from training.models import BookingNeeds, BookingStatus

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
A4_PORTRAIT = (595.28, 841.89)
NAMES = ["Łukasz Wiśniewski-Öztürk", "Zoë Ní Bhriain", "فاطمة الزهراء", "王秀英"]
HEADER = "No. Name Organisation and job title"


@pytest.fixture
def session():
    starts = datetime.datetime(2026, 11, 3, 9, 30, tzinfo=LONDON)
    session = SessionFactory(
        course=CourseFactory(title="Domestic Abuse Workshop for First Line Managers"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=40,
    )
    school = OrganisationFactory(name="Riverside Primary School")
    for n in range(30):
        name = NAMES[n] if n < len(NAMES) else f"Delegate {n:02d}"
        booking = BookingFactory(session=session, attendee_name=name, organisation=school, role="Class teacher")
        if n == 1:
            BookingNeeds.objects.create(booking=booking, access_needs="Hearing loop", dietary_needs="Vegan")
    BookingFactory(session=session, attendee_name="Cancelled Person", status=BookingStatus.CANCELLED)
    BookingFactory(session=session, attendee_name="Waiting Person", status=BookingStatus.WAITING)
    return session


@pytest.fixture
def administrator(client):
    client.force_login(StaffUserFactory(role=TRAINING_ADMINISTRATORS))
    return client


def test_the_register_and_sign_in_sheet_read_the_one_register_selector(session):
    register = selectors.session_register(session=session, with_needs=True)
    assert [(part.starts_at, part.ends_at) for part in register.parts] == [(session.starts_at, session.ends_at)]
    names = [row.booking.attendee_name for row in register.rows]
    assert len(names) == 30
    assert names == sorted(names)
    assert {"Cancelled Person", "Waiting Person"}.isdisjoint(names)


def test_the_trainers_register_lists_everyone_with_needs_and_repeats_its_header_on_every_page(administrator, session):
    page = administrator.get(reverse("admin:training_session_change", args=[session.pk])).content.decode()
    assert "Register for the trainer (PDF, with access and dietary needs)" in page

    response = administrator.get(reverse("admin:training_session_register_pdf", args=[session.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("no-store, private")
    document = read_pdf(response.content)
    assert_accessible(document, title="Register: Domestic Abuse Workshop for First Line Managers, 3 November 2026")
    assert {"/Table", "/TH", "/TD"} <= document.structure_tags
    assert len(document.pages) >= 2
    assert all(size == pytest.approx(A4_PORTRAIT, abs=0.5) for size in document.page_sizes)
    for text in document.pages:
        assert f"{HEADER} Access and dietary needs Signature" in " ".join(text.split())
    for name in NAMES:
        assert any(line.endswith(f" {name}") for line in document.lines), name  # after its row number
    assert "Access: Hearing loop" in document.text
    assert "Dietary: Vegan" in document.text
    assert "Tuesday 3 November 2026, 9:30am to 12:30pm" in document.lines
    assert "30 delegates of 40 places" in document.lines
    assert "Waiting Person" not in document.text


def test_a_course_over_two_dates_has_a_signature_column_for_each(administrator, session):
    first = session.starts_at
    second = first + datetime.timedelta(days=7)
    services.session_parts_set(
        session=session,
        parts=[
            services.PartDates(starts_at=first, ends_at=first + datetime.timedelta(hours=3)),
            services.PartDates(starts_at=second, ends_at=second + datetime.timedelta(hours=3)),
        ],
    )
    response = administrator.get(reverse("admin:training_session_sign_in_pdf", args=[session.pk]))
    document = read_pdf(response.content)
    assert "Tuesday 3 November 2026, 9:30am to 12:30pm" in document.lines
    assert "Tuesday 10 November 2026, 9:30am to 12:30pm" in document.lines
    for text in document.pages:
        assert f"{HEADER} Signature 3 November 2026 Signature 10 November 2026" in " ".join(text.split())


def test_the_sign_in_sheet_has_no_needs_column(administrator, session):
    response = administrator.get(reverse("admin:training_session_sign_in_pdf", args=[session.pk]))
    document = read_pdf(response.content)
    assert document.title.startswith("Sign-in sheet: ")
    assert any(line.endswith(" Zoë Ní Bhriain") for line in document.lines)
    for text in document.pages:
        assert f"{HEADER} Signature" in " ".join(text.split())
    assert "Hearing loop" not in document.text
    assert "Access and dietary needs" not in document.text


def with_needs(register) -> list[str]:
    """Whose needs the register read with its bookings (a missing row raises instead of querying)."""
    names = []
    for booking in (row.booking for row in register.rows):
        try:
            needs = booking.needs
        except BookingNeeds.DoesNotExist:
            continue
        names.append(f"{booking.attendee_name}: {needs.access_needs}")
    return names


def test_needs_deleted_on_the_retention_schedule_are_gone_from_the_register(session, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert with_needs(selectors.session_register(session=session, with_needs=True)) == [
            "Zoë Ní Bhriain: Hearing loop"
        ]
    services.needs_delete_expired(now=session.ends_at + datetime.timedelta(days=8))
    assert with_needs(selectors.session_register(session=session, with_needs=True)) == []


def test_only_staff_who_may_read_needs_get_the_register(client, session):
    client.force_login(StaffUserFactory(role=BOARD_MANAGERS))
    assert client.get(reverse("admin:training_session_register_pdf", args=[session.pk])).status_code == 403
    assert client.get(reverse("admin:training_session_sign_in_pdf", args=[session.pk])).status_code == 403
