import datetime

import pytest
import time_machine
from django.utils import timezone

from lscb_portal.core.errors import Refused
from training import links, services
from training.models import BookingStatus, EndReason

from .factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_session():
    """One place, taken, and two people waiting (in that order)."""
    session = SessionFactory(capacity=1)
    holder = BookingFactory(session=session)
    first = BookingFactory(session=session, status=BookingStatus.WAITING, email="first@example.org")
    second = BookingFactory(session=session, status=BookingStatus.WAITING, email="second@example.org")
    return session, holder, first, second


def test_a_cancellation_offers_the_place_to_the_first_person_waiting_for_48_hours(full_session, outbox):
    session, holder, first, second = full_session
    now = timezone.now()

    services.booking_cancel(booking=holder, now=now)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.OFFERED
    assert first.offer_expires_at == now + datetime.timedelta(hours=48)
    assert second.status == BookingStatus.WAITING
    [offer] = outbox(to="first@example.org")
    assert "/training/offers/" in offer.body_text
    assert offer.dedupe_key == f"training.offered:{first.reference}"


def test_an_offer_never_lasts_past_the_closing_time(full_session):
    session, holder, first, _ = full_session
    now = session.booking_closes_at - datetime.timedelta(hours=5)

    services.booking_cancel(booking=holder, now=now)

    first.refresh_from_db()
    assert first.offer_expires_at == session.booking_closes_at


def test_no_offer_is_made_after_booking_closes(full_session):
    session, holder, first, _ = full_session

    services.booking_cancel(booking=holder, now=session.booking_closes_at + datetime.timedelta(minutes=1))

    first.refresh_from_db()
    assert first.status == BookingStatus.WAITING


def test_accepting_the_offer_confirms_the_place(client, full_session, outbox):
    session, holder, first, _ = full_session
    services.booking_cancel(booking=holder)
    first.refresh_from_db()
    url = f"/training/offers/{links.offer_token(first)}/"

    assert "Accept the place" in client.get(url).content.decode()
    response = client.post(url, {"decision": "accept"}, follow=True)

    first.refresh_from_db()
    assert first.status == BookingStatus.CONFIRMED
    assert "You have accepted the place" in response.content.decode()
    assert any(message.subject.startswith("Booking confirmed") for message in outbox(to="first@example.org"))


def test_declining_passes_the_place_to_the_next_person(client, full_session):
    session, holder, first, second = full_session
    services.booking_cancel(booking=holder)
    first.refresh_from_db()

    client.post(f"/training/offers/{links.offer_token(first)}/", {"decision": "decline"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED
    assert first.cancel_reason == EndReason.OFFER_DECLINED
    assert second.status == BookingStatus.OFFERED


def test_an_unanswered_offer_expires_and_passes_on(full_session, jobs, outbox):
    session, holder, first, second = full_session
    now = timezone.now()
    services.booking_cancel(booking=holder, now=now)

    assert services.holds_expire(now=now + datetime.timedelta(hours=47)) == 0
    assert services.holds_expire(now=now + datetime.timedelta(hours=48)) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED
    assert first.cancel_reason == EndReason.OFFER_EXPIRED
    assert second.status == BookingStatus.OFFERED
    assert "has been offered to the next person" in outbox(to="first@example.org")[-1].body_text


def test_an_expired_offer_cannot_be_accepted(client, full_session):
    session, holder, first, _ = full_session
    services.booking_cancel(booking=holder)
    first.refresh_from_db()
    url = f"/training/offers/{links.offer_token(first)}/"

    with time_machine.travel(first.offer_expires_at + datetime.timedelta(seconds=1)):
        response = client.post(url, {"decision": "accept"})

    assert response.status_code == 410
    first.refresh_from_db()
    assert first.status == BookingStatus.OFFERED


def test_raising_capacity_offers_the_new_places_in_order(full_session):
    session, _, first, second = full_session

    services.session_set_capacity(session=session, capacity=3)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (BookingStatus.OFFERED, BookingStatus.OFFERED)


def test_capacity_cannot_go_below_the_places_taken(full_session):
    session, *_ = full_session
    BookingFactory(session=session)

    with pytest.raises(Refused, match="2 places are already taken"):
        services.session_set_capacity(session=session, capacity=1)

    session.refresh_from_db()
    assert session.capacity == 1


def test_an_offer_counts_as_a_taken_place(full_session, make_attendee):
    session, holder, first, _ = full_session
    services.booking_cancel(booking=holder)

    late = services.booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    assert late.status == BookingStatus.WAITING
