"""The session lock, and counting places under it.

Every service that can take or free a place first locks the session's row
(``locked_session``), then counts places, then writes. Two requests for the
last place therefore run one after the other, in whatever process or machine
they arrive, and the later one sees the earlier one's booking. The order in
which attempts take the lock is recorded (``Booking.sequence``): it is the
waiting list's order.
"""

from django.db import connection

from ..models import Booking, Session, places_left_of, places_taken_count


def locked_session(session_id: int) -> Session:
    """The session row, locked until the transaction ends. Nothing counts places without it."""
    return Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session_id)


def next_in_lock_order() -> int:
    # Taken while holding the session's lock, so the numbers follow the order of the lock.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('training_booking_lock_order')")
        return cursor.fetchone()[0]


def places_taken(session: Session) -> int:
    return session.bookings.holding_places().count()


def places_left(session: Session) -> int:
    """The places left, by the listings' own definition (``models.places_left_of``), counted afresh:
    a statement after the lock sees every booking committed before it."""
    left = places_left_of(places_taken_count())
    return Session.objects.filter(pk=session.pk).annotate(left=left).values_list("left", flat=True).get()


def lock_booking(booking: Booking) -> tuple[Session, Booking]:
    session = locked_session(booking.session_id)
    booking = Booking.objects.select_related("organisation").get(pk=booking.pk)
    booking.session = session
    return session, booking
