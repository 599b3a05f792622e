"""Each booking rule is written once (``training.services.rules``) and everyone asks it.

These tests put the session page, the booking service, the programme listings, the booking's
own pages and the back office side by side on the same sessions and bookings: if one of them
kept its own copy of a rule and the copy drifted, they would disagree here.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from training import links, services
from training.admin.forms import SessionAdminForm
from training.models import Booking, BookingStatus, Charge, ChargeBasis, Session, SessionStatus
from training.services import BookingState

from .factories import BookingFactory, CourseFactory, SessionFactory
from .factories import booking_form_data as _form

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _sessions_in_every_state(now: datetime.datetime) -> dict[str, Session]:
    """One session for each answer, with the boundaries (exactly now) on both sides."""
    later = now + 10 * DAY
    made = {
        "open": SessionFactory(starts_at=later, booking_closes_at=later - DAY),
        "opened_exactly_now": SessionFactory(starts_at=later, booking_opens_at=now, booking_closes_at=later - DAY),
        "not_open_yet": SessionFactory(starts_at=later, booking_opens_at=now + HOUR, booking_closes_at=later - DAY),
        "closed": SessionFactory(starts_at=later, booking_closes_at=now - HOUR),
        "closes_exactly_now": SessionFactory(starts_at=later, booking_closes_at=now),
        "cancelled": SessionFactory(starts_at=later, booking_closes_at=later - DAY, status=SessionStatus.CANCELLED),
        "past": SessionFactory(starts_at=now - DAY, booking_closes_at=now - 2 * DAY),
        "starts_exactly_now": SessionFactory(starts_at=now, booking_closes_at=now - DAY),
    }
    return {name: Session.objects.select_related("course").get(pk=session.pk) for name, session in made.items()}


EXPECTED = {
    "open": BookingState.OPEN,
    "opened_exactly_now": BookingState.OPEN,
    "not_open_yet": BookingState.NOT_OPEN_YET,
    "closed": BookingState.CLOSED,
    "closes_exactly_now": BookingState.CLOSED,
    "cancelled": BookingState.CANCELLED,
    "past": BookingState.PAST,
    "starts_exactly_now": BookingState.PAST,
}


def test_booking_state_answers_each_case_and_the_listing_query_says_the_same():
    now = timezone.now()
    sessions = _sessions_in_every_state(now)

    states = {name: services.booking_state(session, now) for name, session in sessions.items()}
    listed = set(Session.objects.open_for_booking(now).filter(pk__in=[s.pk for s in sessions.values()]))

    assert states == EXPECTED
    assert listed == {session for name, session in sessions.items() if states[name] == BookingState.OPEN}


@pytest.mark.parametrize("name", ["open", "not_open_yet", "closed", "cancelled", "past"])
def test_the_session_page_and_the_booking_service_agree(client, name):
    session = _sessions_in_every_state(timezone.now())[name]

    page = client.get(session.get_absolute_url()).content.decode()
    response = client.post(session.get_absolute_url(), _form(organisation="Brookside Childminding Network"))

    offers_the_form = 'id="id_attendee_name"' in page
    booked = Booking.objects.filter(session=session).exists()
    assert offers_the_form == booked == (EXPECTED[name] == BookingState.OPEN)
    if not booked:
        with pytest.raises(Refused) as refused:
            services.check_bookable(session, timezone.now())
        assert str(refused.value) in response.content.decode().replace("&#x27;", "'")


def test_places_left_is_one_definition_for_the_pages_the_listings_and_the_services():
    """Taken by every holding status, not by waiting or cancelled ones; never below none (a session whose
    places were taken beyond its capacity before a change shows none left, not a negative number)."""
    now = timezone.now()
    made = {}
    for name, capacity, holding in [("empty", 2, 0), ("one_left", 2, 1), ("full", 2, 2), ("over", 2, 3)]:
        session = SessionFactory(capacity=capacity)
        for status in [BookingStatus.CONFIRMED, BookingStatus.PENDING_APPROVAL, BookingStatus.OFFERED][:holding]:
            BookingFactory(session=session, status=status, offer_expires_at=now + DAY, hold_expires_at=now + DAY)
        BookingFactory(session=session, status=BookingStatus.WAITING)
        BookingFactory(session=session, status=BookingStatus.CANCELLED)
        made[name] = session
    ids = [session.pk for session in made.values()]

    shown = {s.pk: s.places_remaining() for s in Session.objects.filter(pk__in=ids).with_places()}
    listed = set(Session.objects.filter(pk__in=ids).has_places().values_list("pk", flat=True))
    counted = {session.pk: services.locking.places_left(session) for session in made.values()}

    expected = {made["empty"].pk: 2, made["one_left"].pk: 1, made["full"].pk: 0, made["over"].pk: 0}
    assert shown == counted == expected
    assert listed == {pk for pk, left in expected.items() if left > 0}


def test_a_refused_booking_leaves_no_new_organisation_behind(client):
    session = SessionFactory()
    BookingFactory(session=session, email="priya.shah@riverside.example.org")
    organisations = Organisation.objects.count()

    response = client.post(session.get_absolute_url(), _form(organisation="Brookside Childminding Network"))

    assert "already has a booking for this session" in response.content.decode()
    assert Organisation.objects.count() == organisations
    assert not Organisation.objects.filter(name="Brookside Childminding Network").exists()


def test_the_service_adds_a_typed_organisation_only_with_the_booking(make_attendee):
    session = SessionFactory(places_per_organisation=1)
    closed = SessionFactory(booking_closes_at=timezone.now() - HOUR)

    with pytest.raises(Refused):
        services.booking_create(
            session=closed,
            attendee=make_attendee(organisation="Brookside Childminding Network"),
            eligibility_confirmed=False,
        )
    assert not Organisation.objects.filter(name="Brookside Childminding Network").exists()

    booking = services.booking_create(
        session=session,
        attendee=make_attendee(organisation="brookside  childminding network"),
        eligibility_confirmed=False,
    )
    assert booking.organisation.name == "brookside childminding network"
    assert booking.organisation.verified is False
    # The cap counts by that one record, typed again in another case.
    with pytest.raises(Refused, match="already has 1 place"):
        services.booking_create(
            session=session,
            attendee=make_attendee(organisation="BROOKSIDE CHILDMINDING NETWORK"),
            eligibility_confirmed=False,
        )
    assert Organisation.objects.filter(name__iexact="brookside childminding network").count() == 1


def _booking_states(now: datetime.datetime) -> dict[str, Booking]:
    """Bookings whose cancel and transfer answers differ, on a course charged at a fixed amount."""
    course = CourseFactory(charge_basis=ChargeBasis.FIXED, non_attendance_charge=Decimal("45.00"))
    later = now + 10 * DAY
    open_session = SessionFactory(course=course, starts_at=later, booking_closes_at=later - DAY)
    closed_session = SessionFactory(course=course, starts_at=later, booking_closes_at=now - HOUR)
    started = SessionFactory(course=course, starts_at=now - HOUR, booking_closes_at=now - DAY)
    return {
        "confirmed": BookingFactory(session=open_session),
        "waiting": BookingFactory(session=open_session, status=BookingStatus.WAITING),
        "confirmed_after_close": BookingFactory(session=closed_session),
        "waiting_after_close": BookingFactory(session=closed_session, status=BookingStatus.WAITING),
        "cancelled": BookingFactory(session=open_session, status=BookingStatus.CANCELLED),
        "started": BookingFactory(session=started),
    }


CANCEL_ANSWERS = {
    # name: (can cancel, late, can transfer)
    "confirmed": (True, False, True),
    "waiting": (True, False, False),
    "confirmed_after_close": (True, True, True),
    "waiting_after_close": (True, False, False),
    "cancelled": (False, False, False),
    "started": (False, True, False),
}


def test_cancel_state_answers_each_case():
    now = timezone.now()
    for name, booking in _booking_states(now).items():
        state = services.cancel_state(booking, now)
        assert (state.can_cancel, state.late, state.can_transfer) == CANCEL_ANSWERS[name], name
        assert bool(state.cancel_refusal) != state.can_cancel
        assert bool(state.transfer_refusal) != state.can_transfer
        assert state.late_charge == (Decimal("45.00") if state.late and state.can_cancel else 0), name


@pytest.mark.parametrize("name", list(CANCEL_ANSWERS))
def test_the_booking_pages_and_the_cancel_service_agree(client, name):
    booking = _booking_states(timezone.now())[name]
    can_cancel, late, can_transfer = CANCEL_ANSWERS[name]
    page = client.get(f"/training/bookings/{links.booking_token(booking)}/").content.decode()
    cancel_page = client.get(f"/training/bookings/{links.booking_token(booking)}/cancel/").content.decode()
    transfer_page = client.get(f"/training/bookings/{links.booking_token(booking)}/transfer/").content.decode()

    assert ("/cancel/" in page) == can_cancel
    assert ("/transfer/" in page) == can_transfer
    assert ("£45.00" in cancel_page) == (late and can_cancel)
    assert ('id="id_email"' in transfer_page) == can_transfer
    if can_cancel:
        cancelled = services.booking_cancel(booking=booking)
        assert cancelled.late_cancellation == late
        charged = Charge.objects.filter(booking=booking).values_list("amount", flat=True)
        assert list(charged) == ([Decimal("45.00")] if late else [])
    else:
        with pytest.raises(Refused) as refused:
            services.booking_cancel(booking=booking)
        assert str(refused.value) in cancel_page.replace("&#x27;", "'")


def test_the_admin_form_and_the_capacity_service_refuse_alike():
    session = SessionFactory(capacity=3)
    for _ in range(3):
        BookingFactory(session=session)
    BookingFactory(session=session, status=BookingStatus.WAITING)

    form = SessionAdminForm(instance=session, data={**_admin_data(session), "capacity": 2})
    with pytest.raises(Refused) as refused:
        services.session_set_capacity(session=session, capacity=2)

    assert not form.is_valid()
    assert [error.messages for error in form.errors.as_data()["capacity"]] == [refused.value.messages]
    assert refused.value.field == "capacity"
    assert SessionAdminForm(instance=session, data={**_admin_data(session), "capacity": 3}).is_valid()
    session.refresh_from_db()
    assert session.capacity == 3


def _admin_data(session: Session) -> dict:
    return {
        "course": session.course.pk,
        "starts_at": timezone.localtime(session.starts_at),
        "ends_at": timezone.localtime(session.ends_at),
        "booking_closes_at": timezone.localtime(session.booking_closes_at),
        "venue_name": session.venue_name,
        "capacity": session.capacity,
        "status": session.status,
    }


def test_the_admin_session_list_counts_places_as_the_listings_do(client):
    user = User.objects.create_user("training", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=TRAINING_ADMINISTRATORS))
    client.force_login(user)
    full = SessionFactory(capacity=2, venue_name="Full House")
    BookingFactory(session=full)
    BookingFactory(session=full, status=BookingStatus.OFFERED, offer_expires_at=timezone.now() + DAY)
    BookingFactory(session=full, status=BookingStatus.WAITING)
    BookingFactory(session=full, status=BookingStatus.CANCELLED)
    roomy = SessionFactory(capacity=5, venue_name="Roomy Hall")
    BookingFactory(session=roomy, status=BookingStatus.PENDING_APPROVAL, hold_expires_at=timezone.now() + DAY)

    html = client.get("/admin/training/session/?places=available").content.decode()
    with_places = {session.pk: session for session in Session.objects.with_places()}

    full_html = client.get("/admin/training/session/?places=full").content.decode()
    assert f"/admin/training/session/{roomy.pk}/change/" in html
    assert f"/admin/training/session/{full.pk}/change/" not in html
    assert f"/admin/training/session/{full.pk}/change/" in full_html
    assert f"/admin/training/session/{roomy.pk}/change/" not in full_html
    assert (with_places[full.pk].places_taken, with_places[full.pk].waiting_count) == (2, 1)
    assert with_places[roomy.pk].places_remaining() == 4
    assert 'class="field-places_left">4<' in html


def test_a_refusal_an_admin_action_lets_through_is_a_message_not_a_server_error(client, monkeypatch):
    user = User.objects.create_user("training", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=TRAINING_ADMINISTRATORS))
    client.force_login(user)
    session = SessionFactory()
    BookingFactory(session=session)

    def refuse(**kwargs):
        raise Refused("The trainer has already sent the joining instructions: telephone them first.")

    monkeypatch.setattr(services, "session_cancel", refuse)
    response = client.post(
        "/admin/training/session/",
        {"action": "cancel_sessions", "_selected_action": [session.pk], "confirm": "yes", "reason": "Trainer ill"},
        follow=True,
    )

    assert response.status_code == 200
    assert "The trainer has already sent the joining instructions" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert Booking.objects.get(session=session).status == BookingStatus.CONFIRMED
