import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.roles import BOARD_MANAGERS, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training import services
from training.models import Booking, BookingStatus, EndReason, Session, SessionStatus

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


def test_training_administrators_see_and_change_the_training_models(client, administrator):
    session = SessionFactory()
    booking = BookingFactory(session=session)

    for url in [
        "/admin/training/course/",
        "/admin/training/session/",
        "/admin/training/booking/",
        f"/admin/training/session/{session.pk}/change/",
        f"/admin/training/booking/{booking.pk}/change/",
        "/admin/training/course/add/",
    ]:
        assert client.get(url).status_code == 200, url


def test_other_groups_cannot_reach_the_training_admin(client):
    client.force_login(StaffUserFactory(role=BOARD_MANAGERS))
    session = SessionFactory()

    assert client.get("/admin/training/session/").status_code == 403
    assert client.get(f"/admin/training/session/{session.pk}/change/").status_code == 403


def test_the_session_list_shows_places_at_a_fixed_query_count(client, administrator, django_assert_max_num_queries):
    for _ in range(25):
        session = SessionFactory(capacity=20)
        for _ in range(20):
            BookingFactory(session=session)
        BookingFactory(session=session, status=BookingStatus.WAITING)

    # Fixed costs: the login session, user and permissions, the filters, the date hierarchy and the list itself.
    with django_assert_max_num_queries(16):
        response = client.get("/admin/training/session/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<td class="field-places_left">Full</td>') == 25
    assert html.count('<td class="field-waiting_list">1</td>') == 25


def test_the_booking_and_course_lists_have_a_fixed_query_count(client, administrator, django_assert_max_num_queries):
    for _ in range(30):
        BookingFactory()

    with django_assert_max_num_queries(14):
        assert client.get("/admin/training/booking/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/admin/training/course/").status_code == 200


def test_the_places_filter(client, administrator):
    full = SessionFactory(capacity=1, course=CourseFactory(title="Full course"))
    BookingFactory(session=full)
    SessionFactory(capacity=5, course=CourseFactory(title="Roomy course"))

    response = client.get("/admin/training/session/", {"places": "full"})

    assert [session.course.title for session in response.context["cl"].result_list] == ["Full course"]


def test_the_cancel_bookings_action_frees_the_place_for_the_waiting_list(client, administrator):
    session = SessionFactory(capacity=1)
    holder = BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=BookingStatus.WAITING)

    client.post(
        "/admin/training/booking/", {"action": "cancel_bookings", "_selected_action": [holder.pk]}, follow=True
    )

    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == BookingStatus.CANCELLED
    assert holder.cancel_reason == EndReason.BOARD
    assert waiting.status == BookingStatus.OFFERED


def test_the_cancel_sessions_action_cancels_bookings(client, administrator):
    session = SessionFactory()
    booking = BookingFactory(session=session)

    client.post(
        "/admin/training/session/",
        {"action": "cancel_sessions", "_selected_action": [session.pk], "confirm": "yes", "reason": "Trainer ill"},
    )

    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert booking.status == BookingStatus.CANCELLED


def _session_form(session, **overrides):
    local = timezone.localtime
    data = {
        "course": session.course.pk,
        "starts_at_0": local(session.starts_at).strftime("%d/%m/%Y"),
        "starts_at_1": local(session.starts_at).strftime("%H:%M:%S"),
        "ends_at_0": local(session.ends_at).strftime("%d/%m/%Y"),
        "ends_at_1": local(session.ends_at).strftime("%H:%M:%S"),
        "booking_closes_at_0": local(session.booking_closes_at).strftime("%d/%m/%Y"),
        "booking_closes_at_1": local(session.booking_closes_at).strftime("%H:%M:%S"),
        "venue_name": session.venue_name,
        "capacity": session.capacity,
        "bookings-TOTAL_FORMS": "0",
        "bookings-INITIAL_FORMS": "0",
        "bookings-MIN_NUM_FORMS": "0",
        "bookings-MAX_NUM_FORMS": "1000",
        **_parts_form(session),
    }
    data.update(overrides)
    return data


def _parts_form(session, dates=None) -> dict:
    """The session's dates below its form, as the change page posts them (``dates``: new ones to post)."""
    local = timezone.localtime
    parts = list(session.parts.all()) if session.pk else []
    dates = dates if dates is not None else [(part.starts_at, part.ends_at) for part in parts]
    data = {
        "parts-TOTAL_FORMS": str(len(dates)),
        "parts-INITIAL_FORMS": str(min(len(parts), len(dates))),
        "parts-MIN_NUM_FORMS": "1",
        "parts-MAX_NUM_FORMS": "1000",
    }
    for n, (starts, ends) in enumerate(dates):
        data |= {
            f"parts-{n}-session": session.pk,
            f"parts-{n}-starts_at_0": local(starts).strftime("%d/%m/%Y"),
            f"parts-{n}-starts_at_1": local(starts).strftime("%H:%M:%S"),
            f"parts-{n}-ends_at_0": local(ends).strftime("%d/%m/%Y"),
            f"parts-{n}-ends_at_1": local(ends).strftime("%H:%M:%S"),
        }
        if n < len(parts):
            data[f"parts-{n}-id"] = parts[n].pk
    return data


def test_raising_capacity_in_the_admin_offers_the_new_place(client, administrator):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=BookingStatus.WAITING)

    response = client.post(f"/admin/training/session/{session.pk}/change/", _session_form(session, capacity=2))

    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    waiting.refresh_from_db()
    assert session.capacity == 2
    assert waiting.status == BookingStatus.OFFERED


def test_capacity_below_the_places_taken_is_refused_in_the_admin(client, administrator):
    session = SessionFactory(capacity=2)
    BookingFactory(session=session)
    BookingFactory(session=session)

    response = client.post(f"/admin/training/session/{session.pk}/change/", _session_form(session, capacity=1))

    assert "2 places are already taken" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 2


def test_bookings_cannot_be_added_in_the_admin(client, administrator):
    assert client.get("/admin/training/booking/add/").status_code == 403
    assert not Booking.objects.exists()


def test_a_session_keeps_its_history(client, administrator):
    session = SessionFactory(starts_at=timezone.now() + datetime.timedelta(days=9))

    response = client.get(f"/admin/training/session/{session.pk}/history/")

    assert response.status_code == 200
    assert session.history.count() == 1


def test_moving_booking_s_close_later_offers_the_places_freed_while_it_was_closed(client, administrator, outbox):
    """A place freed after booking closed waits for no one; once staff open booking again, the queue gets it
    first, and a public booker after them joins the waiting list instead of taking it."""
    now = timezone.now()
    session = SessionFactory(capacity=2, starts_at=now + datetime.timedelta(days=10))
    BookingFactory(session=session)
    leaving = BookingFactory(session=session)
    first, second = (BookingFactory(session=session, status=BookingStatus.WAITING) for _ in range(2))
    Session.objects.filter(pk=session.pk).update(booking_closes_at=now - datetime.timedelta(hours=1))
    session.refresh_from_db()
    services.booking_cancel(booking=leaving)
    first.refresh_from_db()
    assert first.status == BookingStatus.WAITING, "booking is closed: the freed place is not offered"
    later = timezone.localtime(now + datetime.timedelta(days=5))

    response = client.post(
        f"/admin/training/session/{session.pk}/change/",
        _session_form(
            session,
            booking_closes_at_0=later.strftime("%d/%m/%Y"),
            booking_closes_at_1=later.strftime("%H:%M:%S"),
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.OFFERED
    assert second.status == BookingStatus.WAITING
    assert outbox(to=first.email)
    booker = services.Attendee(
        name="Sam Lee", email="sam.lee@riverside.example.org", organisation=OrganisationFactory(), role="Teacher"
    )
    assert services.booking_create(session=session, attendee=booker, eligibility_confirmed=True).status == (
        BookingStatus.WAITING
    )
