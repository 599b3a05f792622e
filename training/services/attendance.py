"""Recording who came to a session, on each of its dates.

A session's attendance is marked part by part (a two-day course has two registers). Once
every part of a booking is marked, its status sums the marks up:

- every part attended: **attended** (the evaluation, then the certificate, follow);
- no part attended: **did not attend**, and the charging policy's non-attendance charge is raised;
- some parts attended: **attended some dates**: the place was used, so nothing is charged, but
  there is no certificate (it needs every part).

Until then the booking stays confirmed, whatever the parts marked so far say.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from ..models import Booking, BookingStatus, Charge, ChargeReason, PartAttendance, Session, SessionPart, SessionStatus
from . import locking
from .charges import raise_charge
from .transitions import save_with_reason

MARKABLE = [
    BookingStatus.CONFIRMED,
    BookingStatus.ATTENDED,
    BookingStatus.PARTLY_ATTENDED,
    BookingStatus.DID_NOT_ATTEND,
]


def status_from_marks(marks: list[bool | None]) -> BookingStatus:
    """What a booking's marks, one per part (None: not marked yet), say of the whole booking."""
    if not marks or None in marks:
        return BookingStatus.CONFIRMED
    if all(marks):
        return BookingStatus.ATTENDED
    if any(marks):
        return BookingStatus.PARTLY_ATTENDED
    return BookingStatus.DID_NOT_ATTEND


@transaction.atomic
def attendance_mark(
    *,
    session: Session,
    attended: list[int],
    did_not_attend: list[int],
    part: SessionPart | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Record who came (booking ids) to ``part`` of the session, once it has started; without a part,
    to every part (the whole course), once the last has started. Returns how many bookings changed.

    Not attending any part raises the charge due under the charging policy; correcting a mark so
    that the delegate came to some part removes a charge that has not been invoiced.
    """
    now = now or timezone.now()
    session = locking.locked_session(session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise Refused("This session was cancelled, so there is no attendance to record.")
    parts = list(session.parts.all())
    if part is not None and part.pk not in {each.pk for each in parts}:
        raise Refused("That date is not one of this session's dates.")
    marking = [part] if part is not None else parts
    if not marking or any(each.starts_at > now for each in marking):
        if part is None and len(parts) > 1:
            raise Refused(
                "Attendance for the whole course can be recorded once its last date has started. "
                "Mark the dates held so far on the register."
            )
        raise Refused("Attendance can be recorded once the session has started.")
    if set(attended) & set(did_not_attend):
        raise Refused("A delegate cannot be marked both as attended and as not attending.")
    wanted = dict.fromkeys(attended, True) | dict.fromkeys(did_not_attend, False)
    bookings = list(session.bookings.filter(pk__in=wanted, status__in=MARKABLE).select_related("organisation"))
    marks: dict[tuple[int, int], PartAttendance] = {
        (mark.booking_id, mark.part_id): mark
        for mark in PartAttendance.objects.filter(booking__in=bookings).select_for_update()
    }
    changed = 0
    for booking in bookings:
        came = wanted[booking.pk]
        touched = False
        for each in marking:
            mark = marks.get((booking.pk, each.pk))
            if mark is None:
                mark = PartAttendance(booking=booking, part=each, attended=came, marked_at=now)
                marks[(booking.pk, each.pk)] = mark
            elif mark.attended == came:
                continue
            mark.attended, mark.marked_at = came, now
            mark._change_reason = "Marked on the register"
            mark.save()
            touched = True
        status = status_from_marks([_attended(marks.get((booking.pk, each.pk))) for each in parts])
        if status != booking.status:
            _set_status(booking, session, status, now)
            touched = True
        if touched:
            changed += 1
    return changed


def _attended(mark: PartAttendance | None) -> bool | None:
    return None if mark is None else mark.attended


def _set_status(booking: Booking, session: Session, status: BookingStatus, now: datetime.datetime) -> None:
    booking.session = session
    booking.status = status
    booking.attendance_marked_at = now
    save_with_reason(booking, f"Marked as {BookingStatus(status).label.lower()}", ["status", "attendance_marked_at"])
    if status == BookingStatus.DID_NOT_ATTEND:
        raise_charge(booking, ChargeReason.DID_NOT_ATTEND, now)
    else:
        Charge.objects.filter(booking=booking, invoiced_at__isnull=True).delete()
