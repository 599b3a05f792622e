"""Every action in the training admin keeps the booking rules the public side keeps.

Deleting, cancelling and editing bookings, and deleting sessions: freed places go to the waiting list in
turn, the caps hold, and delegates are emailed in words that fit who acted.
"""

import pytest
from django.contrib.auth import get_user_model

from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training import services
from training.models import Booking, BookingStatus

from .factories import BookingFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("root", "root@partnership.example.org", "x" * 20)
    client.force_login(user)
    return user


def _full_session_with_queue():
    """A full 5-place session with 25 people waiting, in queue order."""
    session = SessionFactory(capacity=5)
    confirmed = [BookingFactory(session=session) for _ in range(5)]
    waiting = [BookingFactory(session=session, status=BookingStatus.WAITING) for _ in range(25)]
    return session, confirmed, waiting


def _next_public_booker(session, make_attendee):
    return services.booking_create(
        session=session, attendee=make_attendee(email="next@riverside.example.org"), eligibility_confirmed=False
    )


def test_training_administrators_are_not_offered_delete_for_bookings(client, administrator):
    booking = BookingFactory()

    assert client.get(f"/admin/training/booking/{booking.pk}/delete/").status_code == 403
    response = client.get("/admin/training/booking/")
    assert 'value="delete_selected"' not in response.content.decode()
    assert 'value="cancel_bookings"' in response.content.decode()
    response = client.post("/admin/training/booking/", {"action": "delete_selected", "_selected_action": [booking.pk]})
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_deleting_one_confirmed_booking_offers_the_place_to_the_first_in_the_queue(client, superuser, make_attendee):
    session, confirmed, waiting = _full_session_with_queue()

    response = client.post(f"/admin/training/booking/{confirmed[0].pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Booking.objects.filter(pk=confirmed[0].pk).exists()
    offered = list(Booking.objects.filter(session=session, status=BookingStatus.OFFERED))
    assert offered == [waiting[0]]
    assert _next_public_booker(session, make_attendee).status == BookingStatus.WAITING


def test_deleting_selected_bookings_offers_each_freed_place_in_queue_order(client, superuser, make_attendee):
    session, confirmed, waiting = _full_session_with_queue()

    response = client.post(
        "/admin/training/booking/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [confirmed[0].pk, confirmed[1].pk]},
    )

    assert response.status_code == 302
    assert Booking.objects.filter(session=session).count() == 28
    offered = list(Booking.objects.filter(session=session, status=BookingStatus.OFFERED).order_by("sequence"))
    assert offered == waiting[:2]
    assert _next_public_booker(session, make_attendee).status == BookingStatus.WAITING


def test_cancelling_a_booking_in_the_admin_offers_the_place_in_turn_and_tells_the_delegate_who_cancelled(
    client, administrator, outbox, make_attendee
):
    session, confirmed, waiting = _full_session_with_queue()

    client.post("/admin/training/booking/", {"action": "cancel_bookings", "_selected_action": [confirmed[2].pk]})

    assert list(Booking.objects.filter(session=session, status=BookingStatus.OFFERED)) == [waiting[0]]
    assert _next_public_booker(session, make_attendee).status == BookingStatus.WAITING
    [message] = outbox(to=confirmed[2].email)
    assert "Thank you for letting us know" not in message.body_text
    assert "The training team has cancelled your booking" in message.body_text


def test_a_delegate_who_cancels_is_still_thanked(make_attendee, outbox):
    booking = services.booking_create(session=SessionFactory(), attendee=make_attendee(), eligibility_confirmed=False)

    services.booking_cancel(booking=booking)

    [message] = outbox(to=booking.email, subject__startswith="Booking cancelled")
    assert "Thank you for letting us know" in message.body_text


def _booking_form(booking, **overrides):
    data = {
        "attendee_name": booking.attendee_name,
        "email": booking.email,
        "phone": booking.phone,
        "organisation": booking.organisation_id,
        "role": booking.role,
        "manager_name": "",
        "manager_email": "",
        "needs-TOTAL_FORMS": "0",
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "1",
    }
    return data | overrides


def test_editing_a_booking_cannot_dodge_the_organisation_cap(client, administrator):
    session = SessionFactory(places_per_organisation=1)
    full = OrganisationFactory(name="Riverside Primary School")
    BookingFactory(session=session, organisation=full)
    other = BookingFactory(session=session)

    response = client.post(f"/admin/training/booking/{other.pk}/change/", _booking_form(other, organisation=full.pk))

    assert response.status_code == 200
    assert "already has 1 place on this session" in response.content.decode()
    other.refresh_from_db()
    assert other.organisation_id != full.pk


def test_editing_a_booking_cannot_give_one_address_two_places(client, administrator):
    session = SessionFactory()
    first = BookingFactory(session=session)
    other = BookingFactory(session=session)

    response = client.post(f"/admin/training/booking/{other.pk}/change/", _booking_form(other, email=first.email))

    assert response.status_code == 200
    assert "already has a booking for this session" in response.content.decode()
    other.refresh_from_db()
    assert other.email != first.email


def test_an_edit_refused_under_the_lock_saves_nothing_and_says_only_why(client, administrator, monkeypatch):
    # Another change takes the cap's last place between the form's check and the save: the form's check is
    # passed here, and the service's check under the session's lock refuses.
    session = SessionFactory(places_per_organisation=1)
    full = OrganisationFactory(name="Riverside Primary School")
    BookingFactory(session=session, organisation=full)
    other = BookingFactory(session=session)
    monkeypatch.setattr(services, "check_details_change", lambda *args, **kwargs: None)

    response = client.post(
        f"/admin/training/booking/{other.pk}/change/", _booking_form(other, organisation=full.pk), follow=True
    )

    said = [str(message) for message in response.context["messages"]]
    assert any("already has 1 place on this session" in message for message in said), said
    assert not any("successfully" in message for message in said), said
    other.refresh_from_db()
    assert other.organisation_id != full.pk


def test_editing_a_booking_saves_the_delegate_details(client, administrator):
    booking = BookingFactory()

    response = client.post(
        f"/admin/training/booking/{booking.pk}/change/", _booking_form(booking, attendee_name="Ann Other")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    booking.refresh_from_db()
    assert booking.attendee_name == "Ann Other"


def test_a_session_with_bookings_cannot_be_deleted(client, superuser):
    session = SessionFactory()
    BookingFactory(session=session)

    response = client.post(f"/admin/training/session/{session.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Booking.objects.filter(session=session).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/admin/training/session/report/99999/",
        "/admin/training/session/report/0/",
        "/admin/training/session/report/99999/report.csv",
        "/admin/training/session/99999999/register/",
        "/admin/training/session/abc/change/",
        "/admin/training/booking/99999999/change/",
        "/admin/training/booking/99999999/delete/",
        "/admin/training/session/99999999/cancel/",
        "/admin/training/session/99999999999999999999/cancel/",
        "/admin/training/session/99999999999999999999/register/",
        "/admin/training/session/99999999/register.pdf",
        "/admin/training/session/99999999/sign-in-sheet.pdf",
        "/admin/training/session/report/99999999999999999999/",
    ],
)
def test_out_of_range_admin_addresses_answer_not_found_or_a_message(client, administrator, url):
    response = client.get(url)

    assert response.status_code in (302, 403, 404), response.status_code


@pytest.mark.parametrize(
    "query",
    ["?date=abc", "?date=-1", "?date=99999999999999999999", "?date=%00", "?date=<script>"],
)
def test_hostile_register_parameters_show_the_register(client, administrator, query):
    session = SessionFactory()

    assert client.get(f"/admin/training/session/{session.pk}/register/{query}").status_code == 200


@pytest.mark.parametrize(
    "query", ["?places=bogus", "?when=<script>", "?places=available&when=past", "?status=nope", "?course__id__exact=x"]
)
def test_hostile_session_list_parameters_never_fail(client, administrator, query):
    SessionFactory()

    assert client.get(f"/admin/training/session/{query}").status_code in (200, 302)
