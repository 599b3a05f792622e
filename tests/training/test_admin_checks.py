"""Checks with a reason: a session's dates are checked before they are saved, a session is cancelled from a
confirmation page that asks why, and the list says which sessions no longer take bookings."""

import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training.models import Booking, BookingStatus, Session, SessionStatus

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory
from .test_admin import _parts_form, _session_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


def _weekday(days_ahead: int, weekday: int = 2, hour: int = 9) -> datetime.datetime:
    """A local time ``days_ahead`` or a little more from today, on ``weekday`` (Monday is 0)."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _local(value: datetime.datetime, prefix: str) -> dict:
    local = timezone.localtime(value)
    return {f"{prefix}_0": local.strftime("%d/%m/%Y"), f"{prefix}_1": local.strftime("%H:%M:%S")}


def _new_session_form(starts: datetime.datetime, **overrides) -> dict:
    data = {
        "course": CourseFactory().pk,
        **_local(starts, "starts_at"),
        **_local(starts + datetime.timedelta(hours=3), "ends_at"),
        "venue_name": "Northminster House",
        "capacity": "20",
        "bookings-TOTAL_FORMS": "0",
        "bookings-INITIAL_FORMS": "0",
        "bookings-MIN_NUM_FORMS": "0",
        "bookings-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def test_booking_must_open_before_it_closes(client, administrator):
    session = SessionFactory(starts_at=_weekday(40))
    opens = session.booking_closes_at + datetime.timedelta(days=1)

    response = client.post(
        f"/admin/training/session/{session.pk}/change/", _session_form(session, **_local(opens, "booking_opens_at"))
    )

    assert response.status_code == 200
    assert "Booking must open before it closes." in response.content.decode()
    session.refresh_from_db()
    assert session.booking_opens_at is None


def test_booking_must_close_before_the_session_starts(client, administrator):
    starts = _weekday(40)

    response = client.post(
        "/admin/training/session/add/",
        _new_session_form(starts, **_local(starts + datetime.timedelta(hours=1), "booking_closes_at")),
    )

    assert response.status_code == 200
    assert "Booking must close before the session starts." in response.content.decode()
    assert not Session.objects.exists()


def test_a_weekend_date_is_saved_only_when_confirmed(client, administrator):
    saturday = _weekday(40, weekday=5)

    response = client.post("/admin/training/session/add/", _new_session_form(saturday))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The session starts on a Saturday" in html
    assert 'name="save_anyway"' in html
    assert not Session.objects.exists()

    response = client.post("/admin/training/session/add/", _new_session_form(saturday, save_anyway="on"))

    assert response.status_code == 302
    assert Session.objects.get().starts_at == saturday


def test_a_closing_date_already_past_is_saved_only_when_confirmed(client, administrator):
    session = SessionFactory(starts_at=_weekday(40))
    closed = timezone.now() - datetime.timedelta(days=1)
    form = _session_form(session, **_local(closed, "booking_closes_at"))

    response = client.post(f"/admin/training/session/{session.pk}/change/", form)

    assert response.status_code == 200
    assert "Booking closes in the past" in response.content.decode()

    response = client.post(f"/admin/training/session/{session.pk}/change/", form | {"save_anyway": "on"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.booking_closes_at < timezone.now()


def test_a_weekday_session_in_the_future_saves_without_a_question(client, administrator):
    response = client.post("/admin/training/session/add/", _new_session_form(_weekday(40)))

    assert response.status_code == 302
    assert Session.objects.count() == 1


def _cancel_url(session) -> str:
    return f"/admin/training/session/{session.pk}/cancel/"


def test_cancelling_a_session_asks_for_a_reason_on_a_confirmation_page(client, administrator):
    session = SessionFactory()
    BookingFactory(session=session)
    BookingFactory(session=session, status=BookingStatus.WAITING)

    response = client.get(_cancel_url(session))

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 delegate" in html
    assert "1 person on the waiting list" in html
    response = client.post(_cancel_url(session), {"reason": ""})
    assert "Enter why the session is cancelled" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_the_reason_typed_is_kept_when_the_page_asks_again(client, administrator):
    session = SessionFactory()
    typed = "The trainer is ill. " * 20  # too long for the record

    response = client.post(_cancel_url(session), {"reason": typed})

    assert response.status_code == 200
    assert typed.strip() in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_cancelling_tells_every_delegate_and_everyone_waiting_why(client, administrator, outbox):
    session = SessionFactory()
    confirmed = BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=BookingStatus.WAITING)

    response = client.post(_cancel_url(session), {"reason": "The trainer is ill."})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.cancelled_reason == "The trainer is ill."
    assert set(Booking.objects.filter(session=session).values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    [to_delegate] = outbox(to=confirmed.email)
    [to_waiting] = outbox(to=waiting.email)
    assert "The trainer is ill." in to_delegate.body_text
    assert "The trainer is ill." in to_waiting.body_text
    assert "Your booking has been cancelled" in to_delegate.body_text
    assert "waiting list" in to_waiting.body_text
    assert "Your booking has been cancelled" not in to_waiting.body_text


def test_the_bulk_cancel_action_leads_to_the_same_confirmation(client, administrator):
    session = SessionFactory()

    response = client.post("/admin/training/session/", {"action": "cancel_sessions", "_selected_action": [session.pk]})

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED

    client.post(
        "/admin/training/session/",
        {"action": "cancel_sessions", "_selected_action": [session.pk], "confirm": "yes", "reason": "Venue flooded"},
    )

    session.refresh_from_db()
    assert (session.status, session.cancelled_reason) == (SessionStatus.CANCELLED, "Venue flooded")


def test_a_cancelled_session_page_offers_no_calendar(client):
    session = SessionFactory(status=SessionStatus.CANCELLED)

    response = client.get(session.get_absolute_url())

    assert response.status_code == 200
    assert "Add this session to your calendar" not in response.content.decode()


def test_the_list_marks_closed_and_cancelled_sessions_and_the_places_filter_leaves_them_out(client, administrator):
    now = timezone.now()
    open_ = SessionFactory(capacity=5, course=CourseFactory(title="Open course"))
    closed = SessionFactory(capacity=5, course=CourseFactory(title="Closed course"))
    Session.objects.filter(pk=closed.pk).update(booking_closes_at=now - datetime.timedelta(hours=1))
    SessionFactory(capacity=5, status=SessionStatus.CANCELLED, course=CourseFactory(title="Cancelled course"))

    html = client.get("/admin/training/session/").content.decode()

    assert '<td class="field-places_left">Booking closed</td>' in html
    assert '<td class="field-places_left">Cancelled</td>' in html
    assert '<td class="field-places_left">5</td>' in html
    response = client.get("/admin/training/session/", {"places": "available"})
    assert [session.pk for session in response.context["cl"].result_list] == [open_.pk]


def test_the_cancel_page_for_many_sessions_has_a_fixed_query_count(
    client, administrator, django_assert_max_num_queries
):
    sessions = [SessionFactory() for _ in range(12)]
    for session in sessions:
        BookingFactory(session=session)
        BookingFactory(session=session, status=BookingStatus.WAITING)

    # The login session, user and permissions, the action's queryset, the page's one list and its count.
    with django_assert_max_num_queries(13):
        response = client.post(
            "/admin/training/session/",
            {"action": "cancel_sessions", "_selected_action": [session.pk for session in sessions]},
        )

    assert response.status_code == 200
    assert response.content.decode().count("1 delegate and 1 person on the waiting list") == 12


def test_moving_a_date_to_a_weekend_is_saved_only_when_confirmed(client, administrator):
    session = SessionFactory(starts_at=_weekday(40))
    saturday = _weekday(47, weekday=5)  # after the session, so its booking closes before either date
    form = _session_form(session) | _parts_form(session, [(saturday, saturday + datetime.timedelta(hours=3))])

    response = client.post(f"/admin/training/session/{session.pk}/change/", form)

    assert response.status_code == 200
    assert f"The date on {saturday:%A %-d %B %Y} is at a weekend." in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at != saturday

    response = client.post(f"/admin/training/session/{session.pk}/change/", form | {"save_anyway": "on"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == saturday


def test_a_later_date_on_a_weekend_asks_but_the_dates_already_saved_do_not(client, administrator):
    first = _weekday(40)
    session = SessionFactory(starts_at=first, ends_at=first + datetime.timedelta(hours=3))
    sunday = _weekday(41, weekday=6)
    two_dates = [(first, first + datetime.timedelta(hours=3)), (sunday, sunday + datetime.timedelta(hours=3))]

    response = client.post(
        f"/admin/training/session/{session.pk}/change/", _session_form(session) | _parts_form(session, two_dates)
    )

    html = response.content.decode()
    assert f"The date on {sunday:%A %-d %B %Y} is at a weekend." in html
    assert "is in the past" not in html
    assert f"{first:%A %-d %B %Y} is at" not in html
    assert session.parts.count() == 1


def test_a_cap_below_what_an_organisation_holds_warns_and_keeps_its_bookings(client, administrator):
    session = SessionFactory(starts_at=_weekday(40), capacity=10)
    riverside = OrganisationFactory(name="Riverside Primary School")
    held = [BookingFactory(session=session, organisation=riverside) for _ in range(3)]
    BookingFactory(session=session, organisation=OrganisationFactory(name="Northbrook Health Visiting"))
    form = _session_form(session, places_per_organisation="2")

    response = client.post(f"/admin/training/session/{session.pk}/change/", form)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Primary School already holds 3 places on this session" in html
    assert "Northbrook Health Visiting already holds" not in html
    session.refresh_from_db()
    assert session.places_per_organisation is None

    response = client.post(f"/admin/training/session/{session.pk}/change/", form | {"save_anyway": "on"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.places_per_organisation == 2
    assert Booking.objects.filter(pk__in=[b.pk for b in held], status=BookingStatus.CONFIRMED).count() == 3
