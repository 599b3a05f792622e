"""A manager's approval of a place held for their member of staff."""

import datetime

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from .. import emails
from ..models import Booking, BookingStatus, EndReason
from . import locking
from .transitions import confirm_or_hold, end_booking
from .waitinglist import offer_free_places


@transaction.atomic
def approval_decide(*, booking: Booking, approve: bool, now: datetime.datetime | None = None) -> Booking:
    """The manager's answer. Approval confirms the held place; a refusal frees it for the waiting list."""
    now = now or timezone.now()
    session, booking = locking.lock_booking(booking)
    if booking.status != BookingStatus.PENDING_APPROVAL:
        raise Refused("This booking has already been decided, or was cancelled.")
    if booking.hold_expires_at <= now:
        raise Refused("The time to approve this booking has passed and the place has been released.")
    if approve:
        confirm_or_hold(session, booking, now, "Approved by manager")
    else:
        end_booking(booking, EndReason.MANAGER_DECLINED, now, "Declined by manager")
        emails.approval_declined(booking)
        offer_free_places(session, now)
    return booking
