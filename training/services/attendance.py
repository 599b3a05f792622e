"""Recording who came to a session."""

import datetime

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from ..models import BookingStatus, Charge, ChargeReason, Session, SessionStatus
from . import locking
from .charges import raise_charge
from .transitions import save_with_reason

MARKABLE = [BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.DID_NOT_ATTEND]


@transaction.atomic
def attendance_mark(
    *, session: Session, attended: list[int], did_not_attend: list[int], now: datetime.datetime | None = None
) -> int:
    """Record who came (booking ids) once the session has started. Returns how many bookings changed.

    Non-attendance raises the charge due under the charging policy; correcting a
    mark to "attended" removes a charge that has not been invoiced.
    """
    now = now or timezone.now()
    session = locking.locked_session(session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise Refused("This session was cancelled, so there is no attendance to record.")
    if session.starts_at > now:
        raise Refused("Attendance can be recorded once the session has started.")
    if set(attended) & set(did_not_attend):
        raise Refused("A delegate cannot be marked both as attended and as not attending.")
    wanted = dict.fromkeys(attended, BookingStatus.ATTENDED) | dict.fromkeys(
        did_not_attend, BookingStatus.DID_NOT_ATTEND
    )
    bookings = session.bookings.filter(pk__in=wanted, status__in=MARKABLE).select_related("organisation")
    changed = 0
    for booking in bookings:
        status = wanted[booking.pk]
        if booking.status == status:
            continue
        booking.session = session
        booking.status = status
        booking.attendance_marked_at = now
        save_with_reason(
            booking, f"Marked as {BookingStatus(status).label.lower()}", ["status", "attendance_marked_at"]
        )
        if status == BookingStatus.DID_NOT_ATTEND:
            raise_charge(booking, ChargeReason.DID_NOT_ATTEND, now)
        else:
            Charge.objects.filter(booking=booking, invoiced_at__isnull=True).delete()
        changed += 1
    return changed
