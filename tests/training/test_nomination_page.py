"""The "Nominate your staff" page: one form for the manager and a row for each member of staff, an "Add another"
that works without JavaScript, errors on the page (never a 500), and a confirmation page that says what happened."""

import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.models import OutboxMessage
from training.models import Booking, BookingStatus

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def school(db):
    return OrganisationFactory(name="Riverside Primary School")


def _url(session, page="nominate/") -> str:
    return f"/training/sessions/{session.pk}/{page}"


def _form(staff: list[tuple[str, str, str]], *, rows: int | None = None, **overrides) -> dict:
    rows = max(rows or 3, len(staff))
    data = {
        "manager_name": "Mo Khan",
        "email": "mo.khan@riverside.example.org",
        "organisation": "Riverside Primary School",
        "role": "Headteacher",
        "manager_confirms": "on",
        "staff-TOTAL_FORMS": str(rows),
        "staff-INITIAL_FORMS": "0",
        "staff-MIN_NUM_FORMS": "0",
        "staff-MAX_NUM_FORMS": "20",
        "nominate": "1",
    }
    for n, (name, email, role) in enumerate(staff):
        data |= {f"staff-{n}-name": name, f"staff-{n}-email": email, f"staff-{n}-role": role}
    return data | overrides


def _teachers(count: int) -> list[tuple[str, str, str]]:
    return [(f"Teacher {n}", f"teacher{n}@riverside.example.org", "Class teacher") for n in range(1, count + 1)]


def test_the_session_page_links_to_the_nomination_page(client):
    session = SessionFactory()

    html = client.get(_url(session, "")).content.decode()

    assert f'href="/training/sessions/{session.pk}/nominate/">Nominate your staff</a>' in html


def test_the_page_has_the_manager_s_details_three_rows_and_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    session = SessionFactory(places_per_organisation=2, course=CourseFactory(eligibility="You work with families."))

    with django_assert_max_num_queries(12) as few:
        response = client.get(_url(session))
    OrganisationFactory.create_batch(30)
    with django_assert_max_num_queries(len(few)):
        client.get(_url(session))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Nominate your staff</h1>' in html
    for n in (1, 2, 3):
        assert f"Member of staff {n}" in html
    assert "Member of staff 4" not in html
    assert 'name="add_row"' in html
    assert "Everyone I have named meets this statement: You work with families." in html
    assert "Each organisation may book at most 2 places" in html


def test_a_nomination_books_everyone_and_shows_who_got_what(client):
    session = SessionFactory(capacity=2)

    response = client.post(_url(session), _form(_teachers(3)), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == _url(session, "nominated/")
    assert "Nomination received" in html
    assert "2 places booked, 1 on the waiting list" in html
    assert "Teacher 3 (teacher3<wbr>@riverside.example.org), reference" in html
    assert "1st on the waiting list" in html
    assert list(Booking.objects.order_by("sequence").values_list("status", flat=True)) == [
        BookingStatus.CONFIRMED,
        BookingStatus.CONFIRMED,
        BookingStatus.WAITING,
    ]
    assert OutboxMessage.objects.filter(to="mo.khan@riverside.example.org").count() == 1
    assert OutboxMessage.objects.filter(to__startswith="teacher").count() == 3
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_blank_rows_are_skipped(client):
    session = SessionFactory()
    staff = [("", "", ""), ("Teacher 2", "teacher2@riverside.example.org", "Class teacher"), ("  ", "", "")]

    client.post(_url(session), _form(staff))

    assert list(Booking.objects.values_list("email", flat=True)) == ["teacher2@riverside.example.org"]


def test_errors_are_shown_on_the_page_beside_each_row_and_in_the_summary(client):
    session = SessionFactory()
    staff = [
        ("Teacher 1", "teacher1@riverside.example.org", "Class teacher"),
        ("Teacher 2", "not-an-email", "Class teacher"),
        ("Teacher 1 again", "Teacher1@Riverside.example.org", "Class teacher"),
        ("No role", "norole@riverside.example.org", ""),
        ("Me", "mo.khan@riverside.example.org", "Head"),
    ]

    response = client.post(_url(session), _form(staff, manager_confirms=""))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Nominate your staff" in html
    assert "There is a problem" in html
    assert 'href="#id_staff-1-email">Member of staff 2: Enter an email address in the correct format' in html
    assert (
        'href="#id_staff-2-email">Member of staff 3: teacher1@riverside.example.org is already entered for member '
        "of staff 1" in html
    )
    assert 'href="#id_staff-3-role">Member of staff 4: Enter their job title' in html
    assert 'href="#id_staff-4-email">Member of staff 5: Enter their own email address, not yours' in html
    assert 'href="#id_manager_confirms">Confirm that you manage everyone named' in html
    assert 'value="Teacher 1 again"' in html  # what was typed is kept
    assert not Booking.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_form_with_nobody_in_it_says_so(client):
    session = SessionFactory()

    html = client.post(_url(session), _form([])).content.decode()

    assert 'href="#id_staff-0-name">Enter the name, email address and job title of at least one member' in html


def test_add_another_keeps_what_was_typed_adds_a_row_and_books_nobody(client):
    session = SessionFactory()
    data = _form(_teachers(3), eligibility="on")
    del data["nominate"]
    data["add_row"] = "1"

    html = client.post(_url(session), data).content.decode()

    assert "Member of staff 4" in html
    assert "Member of staff 5" not in html
    assert 'value="teacher3@riverside.example.org"' in html
    assert 'value="Mo Khan"' in html
    assert 'name="manager_confirms" class="govuk-checkboxes__input" id="id_manager_confirms" checked' in html or (
        "checked" in html.split('name="manager_confirms"')[1].split(">")[0]
    )
    assert "There is a problem" not in html
    assert not Booking.objects.exists()


def test_rows_stop_at_twenty_and_fifty_rows_sent_are_refused_without_a_fault(client):
    session = SessionFactory(capacity=100)
    add = _form(_teachers(20)) | {"add_row": "1"}
    del add["nominate"]

    full = client.post(_url(session), add).content.decode()
    response = client.post(_url(session), _form(_teachers(50)))

    assert "Member of staff 20" in full
    assert "Member of staff 21" not in full
    assert 'name="add_row"' not in full
    assert response.status_code == 200
    assert "You can nominate up to 20 people at once" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "tampered",
    [
        {"staff-TOTAL_FORMS": "lots"},
        {"staff-TOTAL_FORMS": "1000000"},
        {"staff-TOTAL_FORMS": "-5"},
        {"staff-0-email": ["a@example.org", "b@example.org"]},
        {"organisation": "x" * 5000},
        {"staff-0-name": "<script>alert(1)</script>"},
    ],
)
def test_hostile_input_gets_an_answer_never_a_fault(client, tampered):
    session = SessionFactory()

    response = client.post(_url(session), _form(_teachers(1)) | tampered)

    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_missing_list_of_staff_is_an_error_on_the_page(client):
    session = SessionFactory()
    data = {key: value for key, value in _form(_teachers(1)).items() if not key.startswith("staff-")}

    response = client.post(_url(session), data)

    assert response.status_code == 200
    assert "The list of staff was not sent. Enter your staff again." in response.content.decode()


def test_when_everyone_is_refused_the_form_says_why_and_the_holder_is_emailed(client):
    session = SessionFactory()
    existing = BookingFactory(session=session, email="teacher1@riverside.example.org")

    html = client.post(_url(session), _form(_teachers(1))).content.decode()

    assert "Teacher 1: teacher1@riverside.example.org already has a booking for this session" in html
    assert existing.reference not in html
    assert [message.to for message in OutboxMessage.objects.all()] == ["teacher1@riverside.example.org"]


def test_a_closed_session_shows_no_form_and_books_nobody(client):
    session = SessionFactory(booking_closes_at=timezone.now() - datetime.timedelta(hours=1))

    html = client.post(_url(session), _form(_teachers(1))).content.decode()

    assert "Booking closed" in html
    assert 'name="staff-0-name"' not in html
    assert not Booking.objects.exists()


@pytest.mark.usefixtures("clock_held")
def test_nominations_are_rate_limited_per_manager_address(client, settings):
    settings.RATE_LIMIT_SCALE = 1
    session = SessionFactory(capacity=50)

    answers = [
        client.post(_url(session), _form([(f"T {n}", f"t{n}@riverside.example.org", "Teacher")])).status_code
        for n in range(4)
    ]

    assert answers == [302, 302, 302, 429]
    assert Booking.objects.count() == 3


def test_the_confirmation_page_needs_a_nomination_from_this_browser(client):
    session = SessionFactory()

    response = client.get(_url(session, "nominated/"))

    assert response.status_code == 302
    assert response.url == _url(session)
