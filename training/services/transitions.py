"""How a booking moves from one state to the next: saved with a reason for its history, ended, confirmed or held."""

import datetime

from .. import emails
from ..models import Booking, BookingStatus, EndReason, Session


def save_with_reason(booking: Booking, reason: str, fields: list[str] | None = None) -> None:
    booking._change_reason = reason
    booking.save(update_fields=fields)


def hold_until(session: Session, now: datetime.datetime, length: datetime.timedelta) -> datetime.datetime:
    """A hold or an offer lasts ``length``, but never past the closing time."""
    return min(now + length, session.booking_closes_at)


def end_booking(booking: Booking, reason: EndReason, now: datetime.datetime, change_reason: str) -> None:
    booking.status = BookingStatus.CANCELLED
    booking.cancel_reason = reason
    booking.cancelled_at = now
    save_with_reason(booking, change_reason)


def confirm_or_hold(session: Session, booking: Booking, now: datetime.datetime, change_reason: str) -> None:
    """A place is the booking's: confirmed, or held while the manager approves."""
    if session.course.requires_manager_approval and booking.status != BookingStatus.PENDING_APPROVAL:
        booking.status = BookingStatus.PENDING_APPROVAL
        booking.hold_expires_at = hold_until(
            session, now, datetime.timedelta(hours=session.course.approval_hold_hours)
        )
        save_with_reason(booking, change_reason)
        emails.approval_requested(booking)
        return
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = now
    save_with_reason(booking, change_reason)
    emails.booking_confirmed(booking)
