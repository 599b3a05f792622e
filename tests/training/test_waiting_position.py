"""The person waiting sees where they are on the waiting list: "you are 3rd"."""

import pytest

from lscb_portal.core.models import OutboxMessage
from training import links, selectors, services
from training.models import Booking, BookingStatus

from .factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_session():
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    return session


def test_positions_follow_the_waiting_list_order_and_move_up_when_someone_leaves(full_session):
    first, second, third = (BookingFactory(session=full_session, status=BookingStatus.WAITING) for _ in range(3))
    BookingFactory(session=full_session, status=BookingStatus.CANCELLED)
    other = BookingFactory(session=SessionFactory(capacity=0), status=BookingStatus.WAITING)

    positions = dict(Booking.objects.with_waiting_position().values_list("pk", "waiting_position"))
    assert [positions[b.pk] for b in (first, second, third, other)] == [1, 2, 3, 1]
    assert selectors.waiting_position(Booking.objects.get(session=full_session, status="confirmed")) is None

    services.booking_cancel(booking=second)

    assert selectors.waiting_position(third) == 2
    assert selectors.waiting_position(first) == 1


def test_the_booking_page_and_the_email_say_where_they_are(full_session, make_attendee, client):
    for _ in range(2):  # through the service, so that they take the lock (and their places in line) first
        services.booking_create(session=full_session, attendee=make_attendee(), eligibility_confirmed=False)

    booking = services.booking_create(session=full_session, attendee=make_attendee(), eligibility_confirmed=False)

    assert booking.status == BookingStatus.WAITING
    email = OutboxMessage.objects.get(to=booking.email)
    assert "You are 3rd on the waiting list." in email.body_text
    page = " ".join(client.get(f"/training/bookings/{links.booking_token(booking)}/").content.decode().split())
    assert "You are <strong>3rd</strong> on the waiting list." in page


def test_the_page_after_booking_says_where_they_are(full_session, make_attendee, client):
    services.booking_create(session=full_session, attendee=make_attendee(), eligibility_confirmed=False)
    from .factories import booking_form_data

    response = client.post(full_session.get_absolute_url(), booking_form_data(), follow=True)

    assert "you are <strong>2nd</strong> on the waiting list" in response.content.decode()


def test_my_training_shows_each_waiting_place(full_session, client):
    ahead = BookingFactory(session=full_session, status=BookingStatus.WAITING)
    mine = BookingFactory(session=full_session, status=BookingStatus.WAITING, email="nadia@riverside.example.org")
    also_mine = BookingFactory(
        session=SessionFactory(capacity=0), status=BookingStatus.WAITING, email="nadia@riverside.example.org"
    )

    html = client.get(f"/training/my/{links.my_training_token(mine.email)}/").content.decode()

    assert "2nd in line" in html
    assert "1st in line" in html
    assert ahead.email not in html
    assert also_mine.reference in html


def test_my_training_costs_the_same_queries_however_many_are_waiting(client, django_assert_max_num_queries):
    email = "nadia@riverside.example.org"
    BookingFactory(session=SessionFactory(capacity=0), status=BookingStatus.WAITING, email=email)
    token = links.my_training_token(email)
    with django_assert_max_num_queries(20) as few:
        client.get(f"/training/my/{token}/")
    for _ in range(6):
        BookingFactory(session=SessionFactory(capacity=0), status=BookingStatus.WAITING, email=email)
    with django_assert_max_num_queries(len(few)):
        html = client.get(f"/training/my/{token}/").content.decode()
    assert html.count("1st in line") == 7
