"""A training administrator lowers a session's places in the admin while practitioners book the last ones.

The first test shows the session's lock keeps the places true: whichever goes first, no more places are
confirmed than the session has. The second takes the lock away: the same race then confirms more delegates
than the places left, which shows the first test can fail.
"""

import time

import pytest
from django.test import Client

from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.concurrency import at_the_same_moment
from tests.core.factories import StaffUserFactory
from training import services
from training.models import Booking, BookingStatus, Session
from training.services import locking

from .factories import BookingFactory, OrganisationFactory, SessionFactory
from .test_admin import _session_form

BOOKERS = 5
GAP = 0.2  # between counting places and writing, to widen the race


def _race(monkeypatch) -> Session:
    session = SessionFactory(capacity=6)
    for _ in range(4):
        BookingFactory(session=session)
    organisation = OrganisationFactory(name="Northbrook Children's Social Care")
    administrator = Client()
    administrator.force_login(StaffUserFactory(role=TRAINING_ADMINISTRATORS))
    form = _session_form(session, capacity=4)
    count_left, count_taken = locking.places_left, locking.places_taken

    def slow_left(session):
        left = count_left(session)
        time.sleep(GAP)
        return left

    def slow_taken(session):
        taken = count_taken(session)
        time.sleep(GAP)
        return taken

    monkeypatch.setattr(locking, "places_left", slow_left)
    monkeypatch.setattr(locking, "places_taken", slow_taken)

    def attempt(n, together):
        together()
        if n == 0:
            return administrator.post(f"/admin/training/session/{session.pk}/change/", form).status_code
        attendee = services.Attendee(
            name=f"Practitioner {n}",
            email=f"practitioner{n}@northbrook.example.org",
            organisation=organisation,
            role="Social worker",
        )
        return services.booking_create(session=session, attendee=attendee, eligibility_confirmed=False).status

    _, errors = at_the_same_moment(attempt, BOOKERS + 1)
    assert errors == []
    session.refresh_from_db()
    return session


@pytest.mark.django_db(transaction=True)
def test_lowering_places_in_the_admin_while_people_book_never_confirms_more_than_the_places(monkeypatch):
    session = _race(monkeypatch)

    confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count()
    assert confirmed <= session.capacity
    assert Booking.objects.filter(session=session).count() == 4 + BOOKERS


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_same_race_confirms_more_than_the_places(monkeypatch):
    monkeypatch.setattr(
        locking, "locked_session", lambda session_id: Session.objects.select_related("course").get(pk=session_id)
    )

    session = _race(monkeypatch)

    confirmed = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count()
    assert confirmed > session.capacity, f"expected more than {session.capacity} confirmed, got {confirmed}"
