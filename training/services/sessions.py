"""The board's changes to a session: its places, its cancellation, a message to everyone booked."""

import datetime

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from .. import emails
from ..models import BookingStatus, EndReason, Session, SessionStatus
from . import locking
from .rules import CANCELLABLE, check_capacity
from .transitions import end_booking
from .waitinglist import offer_free_places


@transaction.atomic
def session_set_capacity(*, session: Session, capacity: int, now: datetime.datetime | None = None) -> Session:
    """Change a session's places. New places go to the waiting list; places already taken cannot be removed."""
    now = now or timezone.now()
    session = locking.locked_session(session.pk)
    check_capacity(session, capacity)
    session.capacity = capacity
    session._change_reason = "Places changed"
    session.save(update_fields=["capacity"])
    offer_free_places(session, now)
    return session


@transaction.atomic
def session_cancel(*, session: Session, reason: str = "", now: datetime.datetime | None = None) -> int:
    """The board cancels a session: every live booking is cancelled and its holder emailed. Returns how many."""
    now = now or timezone.now()
    session = locking.locked_session(session.pk)
    if session.status == SessionStatus.CANCELLED:
        return 0
    session.status = SessionStatus.CANCELLED
    session.cancelled_reason = reason
    session._change_reason = "Session cancelled"
    session.save(update_fields=["status", "cancelled_reason"])
    bookings = list(session.bookings.filter(status__in=CANCELLABLE).select_related("organisation"))
    for booking in bookings:
        booking.session = session
        end_booking(booking, EndReason.SESSION_CANCELLED, now, "Session cancelled by the board")
        emails.session_cancelled(booking, session)
    return len(bookings)


@transaction.atomic
def attendees_email(*, session: Session, subject: str, message: str, key: str) -> int:
    """Email everyone holding a place on a session. ``key`` identifies this message (sent once each)."""
    subject, message = subject.strip(), message.strip()
    if not subject or not message:
        raise Refused("Enter a subject and a message.")
    bookings = session.bookings.filter(status__in=[BookingStatus.CONFIRMED, BookingStatus.ATTENDED]).select_related(
        "session__course", "organisation"
    )
    count = 0
    for booking in bookings:
        emails.attendees_message(booking, subject=subject, message=message, key=key)
        count += 1
    return count
