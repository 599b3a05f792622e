"""The waiting list: offering free places in turn, and the answers to an offer."""

import datetime

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from .. import conf, emails
from ..models import Booking, BookingStatus, EndReason, Session, SessionStatus
from . import locking
from .transitions import confirm_or_hold, end_booking, hold_until, save_with_reason


def offer_free_places(session: Session, now: datetime.datetime) -> list[Booking]:
    """Offer each free place to the next person waiting. Call only while holding the session's lock."""
    if session.status != SessionStatus.SCHEDULED or now >= session.booking_closes_at:
        return []
    free = locking.places_left(session)
    if free == 0:
        return []
    offered = list(session.bookings.waiting()[:free])
    for booking in offered:
        booking.session = session
        booking.status = BookingStatus.OFFERED
        booking.offer_expires_at = hold_until(session, now, conf.offer_time())
        save_with_reason(booking, "Place offered from the waiting list", ["status", "offer_expires_at"])
        emails.place_offered(booking)
    return offered


@transaction.atomic
def offer_accept(*, booking: Booking, now: datetime.datetime | None = None) -> Booking:
    now = now or timezone.now()
    session, booking = locking.lock_booking(booking)
    if booking.status != BookingStatus.OFFERED:
        raise Refused("This offer is no longer open.")
    if booking.offer_expires_at <= now:
        raise Refused("This offer has expired and the place has gone to the next person waiting.")
    confirm_or_hold(session, booking, now, "Offered place accepted")
    return booking


@transaction.atomic
def offer_decline(*, booking: Booking, now: datetime.datetime | None = None) -> Booking:
    now = now or timezone.now()
    session, booking = locking.lock_booking(booking)
    if booking.status != BookingStatus.OFFERED:
        raise Refused("This offer is no longer open.")
    end_booking(booking, EndReason.OFFER_DECLINED, now, "Offered place declined")
    offer_free_places(session, now)
    return booking


def holds_expire(*, now: datetime.datetime | None = None) -> int:
    """Release offers not accepted and approvals not given in time; offer the places on. Returns how many."""
    now = now or timezone.now()
    expired = Booking.objects.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now) | Booking.objects.filter(
        status=BookingStatus.PENDING_APPROVAL, hold_expires_at__lte=now
    )
    session_ids = sorted(set(expired.values_list("session_id", flat=True)))
    count = 0
    for session_id in session_ids:
        with transaction.atomic():
            session = locking.locked_session(session_id)
            for booking in session.bookings.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now):
                booking.session = session
                end_booking(booking, EndReason.OFFER_EXPIRED, now, "Offer not accepted in time")
                emails.offer_expired(booking)
                count += 1
            for booking in session.bookings.filter(status=BookingStatus.PENDING_APPROVAL, hold_expires_at__lte=now):
                booking.session = session
                end_booking(booking, EndReason.APPROVAL_EXPIRED, now, "Manager did not reply in time")
                emails.approval_declined(booking, expired=True)
                count += 1
            offer_free_places(session, now)
    return count


@transaction.atomic
def waiting_place_offer_now(*, session: Session, now: datetime.datetime | None = None) -> Booking:
    """Offer a free place to the next person waiting, straight away, even after booking has closed.

    For the administrator who knows a place is free (a late cancellation, say) and wants it used:
    the offer lasts the usual time, but never past the start of the session.
    """
    now = now or timezone.now()
    session = locking.locked_session(session.pk)
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
        raise Refused(f"{session}: the session has been cancelled or has started.")
    if locking.places_left(session) == 0:
        raise Refused(f"{session}: no place is free. Raise the number of places first.")
    booking = session.bookings.waiting().first()
    if booking is None:
        raise Refused(f"{session}: nobody is on the waiting list.")
    booking.session = session
    booking.status = BookingStatus.OFFERED
    booking.offer_expires_at = min(now + conf.offer_time(), session.starts_at)
    save_with_reason(booking, "Place offered by the training team", ["status", "offer_expires_at"])
    emails.place_offered(booking)
    return booking
