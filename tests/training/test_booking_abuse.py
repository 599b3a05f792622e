"""Anonymous booking cannot be abused: limits per client address and per email, no self-approval, and
"already booked" never shows someone else's reference (it emails the address instead)."""

import pytest

from training.models import Booking, BookingStatus

from .factories import CourseFactory, OrganisationFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_held")]


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.RATE_LIMIT_SCALE = 1


def form(**overrides) -> dict:
    data = {
        "attendee_name": "Helen Marsh",
        "email": "helen.marsh@riverside.example.org",
        "organisation": "Riverside Primary School",
        "role": "Designated safeguarding lead",
        "phone": "",
        "manager_name": "",
        "manager_email": "",
    }
    return data | overrides


def book(client, session, *, ip="198.51.100.7", **overrides):
    return client.post(f"/training/sessions/{session.pk}/", form(**overrides), REMOTE_ADDR=ip)


def test_25_bookings_from_one_address_in_a_burst_are_stopped(client):
    OrganisationFactory(name="Riverside Primary School", verified=True)
    session = SessionFactory(capacity=100)

    answers = [book(client, session, email=f"delegate{n}@riverside.example.org").status_code for n in range(25)]

    assert answers.count(302) == 10
    assert answers[10:] == [429] * 15
    assert Booking.objects.filter(session=session).count() == 10
    # Another address (another council) is not held up by it.
    assert book(client, session, ip="203.0.113.9", email="other@council.example.org").status_code == 302


def test_one_email_address_cannot_keep_trying(client):
    sessions = [SessionFactory(capacity=10) for _ in range(5)]

    answers = [book(client, session, ip=f"192.0.2.{n}").status_code for n, session in enumerate(sessions)]

    assert answers == [302, 302, 302, 429, 429]


def test_the_limits_follow_the_rate_limit_scale(client, settings):
    settings.RATE_LIMIT_SCALE = 2
    session = SessionFactory(capacity=100)

    answers = [book(client, session, email=f"delegate{n}@riverside.example.org").status_code for n in range(25)]

    assert answers.count(302) == 20


@pytest.mark.parametrize(
    "manager",
    [
        "helen.marsh@riverside.example.org",
        "Helen.Marsh@Riverside.example.org",
        "helen.marsh+boss@riverside.example.org",
    ],
)
def test_a_booker_cannot_name_themselves_as_their_manager(client, manager):
    session = SessionFactory(course=CourseFactory(requires_manager_approval=True))

    response = book(client, session, manager_name="My Boss", manager_email=manager)

    assert response.status_code == 200
    assert "must be your manager’s own address, not yours" in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_again_emails_the_address_and_shows_no_reference(client, outbox):
    session = SessionFactory()
    book(client, session)
    existing = Booking.objects.get()
    client.cookies.clear()

    response = book(client, session, ip="203.0.113.50", attendee_name="Someone Else")

    html = response.content.decode()
    assert existing.reference not in html
    assert "We have emailed helen.marsh@riverside.example.org" in html
    assert Booking.objects.count() == 1
    [reminder] = outbox(to="helen.marsh@riverside.example.org", category="training.already_booked")
    assert existing.reference in reminder.body_text
    assert "/training/bookings/" in reminder.body_text
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
