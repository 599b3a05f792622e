"""Many practitioners book the last places at the same moment, each on their own database connection.

The first test shows the session lock keeps the count right and records the waiting list in
the order attempts took the lock. The second takes the lock away (and widens the gap between
counting and writing): the same attempts then oversell, which shows the first test can fail.
"""

import time

import pytest
from django.db import connection

from tests.concurrency import at_the_same_moment
from training import services
from training.models import Booking, BookingStatus, Session
from training.services import locking

from .factories import OrganisationFactory, SessionFactory

ATTEMPTS = 50
CAPACITY = 10


def _book_concurrently(session, organisation) -> list[Exception]:
    def attempt(n, together):
        together()
        attendee = services.Attendee(
            name=f"Practitioner {n}",
            email=f"practitioner{n}@riverside.example.org",
            organisation=organisation,
            role="Social worker",
        )
        services.booking_create(session=session, attendee=attendee, eligibility_confirmed=False)

    _, errors = at_the_same_moment(attempt, ATTEMPTS)
    return errors


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_attempts_fill_exactly_the_capacity_and_queue_the_rest_in_lock_order(monkeypatch):
    session = SessionFactory(capacity=CAPACITY)
    organisation = OrganisationFactory(name="Northbrook Children's Social Care")
    lock_order: list[int] = []
    take_lock = locking.locked_session
    real_next = locking.next_in_lock_order

    def recording_lock(session_id):
        locked = take_lock(session_id)
        # Still holding the lock: the appends happen one at a time, in lock order.
        lock_order.append(connection.connection.info.backend_pid)
        return locked

    def recording_next():
        number = real_next()
        numbers[connection.connection.info.backend_pid] = number
        return number

    numbers: dict[int, int] = {}
    monkeypatch.setattr(locking, "locked_session", recording_lock)
    monkeypatch.setattr(locking, "next_in_lock_order", recording_next)

    errors = _book_concurrently(session, organisation)

    assert errors == []
    bookings = Booking.objects.filter(session=session)
    assert bookings.count() == ATTEMPTS
    assert bookings.filter(status=BookingStatus.CONFIRMED).count() == CAPACITY
    waiting = list(bookings.filter(status=BookingStatus.WAITING).order_by("sequence"))
    assert len(waiting) == ATTEMPTS - CAPACITY
    assert len(lock_order) == ATTEMPTS
    # Each attempt's number was taken under the lock, in the order the lock was granted.
    assert [numbers[pid] for pid in lock_order] == sorted(numbers.values())
    # The first CAPACITY through the lock got places; the waiting list is everyone after, in lock order.
    sequences_in_lock_order = [numbers[pid] for pid in lock_order]
    assert (
        sorted(b.sequence for b in bookings.filter(status=BookingStatus.CONFIRMED))
        == (sequences_in_lock_order[:CAPACITY])
    )
    assert [booking.sequence for booking in waiting] == sequences_in_lock_order[CAPACITY:]


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_same_attempts_oversell(monkeypatch):
    session = SessionFactory(capacity=CAPACITY)
    organisation = OrganisationFactory(name="Northbrook Children's Social Care")
    count_places = locking.places_left

    def unlocked(session_id):
        return Session.objects.select_related("course").get(pk=session_id)

    def slow_count(session):
        left = count_places(session)
        time.sleep(0.05)  # widen the gap between counting and writing
        return left

    monkeypatch.setattr(locking, "locked_session", unlocked)
    monkeypatch.setattr(locking, "places_left", slow_count)

    _book_concurrently(session, organisation)

    confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count()
    assert confirmed > CAPACITY, f"expected more than {CAPACITY} confirmed without the lock, got {confirmed}"
