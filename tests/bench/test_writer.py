"""The benchmark's writer: every commit it makes is one a page shows (the places), at the rate asked."""

import pytest

from bench.writer import Writer
from lscb_portal.core import pagecache
from tests.training.factories import OrganisationFactory, SessionFactory
from training.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_commit_books_or_cancels_a_place_and_moves_the_places_version():
    SessionFactory.create_batch(3)
    OrganisationFactory()
    writer = Writer()
    (before,) = pagecache.versions(["places"])

    for _ in range(30):
        writer.commit_one()

    assert writer.commits == 30
    assert pagecache.versions(["places"]) == (before + 30,)
    made = Booking.objects.filter(email__startswith="bench")
    cancelled = made.filter(status=BookingStatus.CANCELLED).count()
    assert cancelled > 0
    assert made.count() + cancelled == 30  # each commit made a booking or cancelled one
    assert made.filter(status=BookingStatus.CONFIRMED).count() == len(writer.booked)
