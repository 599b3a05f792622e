"""The board's changes to a session: its dates, its places, its cancellation, a message to everyone booked."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from .. import emails
from ..models import Booking, BookingStatus, EndReason, PartAttendance, Session, SessionPart, SessionStatus
from . import locking
from .rules import CANCELLABLE, check_capacity
from .transitions import end_booking
from .waitinglist import offer_free_places


@dataclass(frozen=True)
class PartDates:
    """When one part of a session starts and ends."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime


def check_parts(parts: Sequence[PartDates]) -> list[PartDates]:
    """The parts in date order, or a refusal saying what is wrong with them (each ends after it starts,
    none overlaps another). For forms too, so they can say it beside the dates."""
    if not parts:
        raise Refused("Enter the date and times of the session.", field="parts")
    ordered = sorted(parts, key=lambda part: part.starts_at)
    for part in ordered:
        if part.ends_at <= part.starts_at:
            local = timezone.localtime(part.starts_at)
            raise Refused(f"The date on {local:%-d %B %Y} must end after it starts.", field="parts")
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.starts_at < before.ends_at:
            local = timezone.localtime(after.starts_at)
            raise Refused(f"The date on {local:%-d %B %Y} starts before the date before it ends.", field="parts")
    return ordered


def check_booking_dates(
    *, opens: datetime.datetime | None, closes: datetime.datetime | None, starts: datetime.datetime | None
) -> None:
    """Refuse booking dates out of order: booking opens before it closes, and closes before the session starts."""
    if opens and closes and opens >= closes:
        raise Refused("Booking must open before it closes.", field="booking_opens_at")
    if closes and starts and closes > starts:
        raise Refused("Booking must close before the session starts.", field="booking_closes_at")


def session_date_warnings(
    *,
    starts: datetime.datetime | None = None,
    closes: datetime.datetime | None = None,
    parts: Sequence[PartDates] = (),
    now: datetime.datetime | None = None,
) -> list[str]:
    """What is unusual about dates being set (a weekend, a date already past): saved only once someone confirms.

    ``starts`` is the session's start, ``parts`` its dates (of a course over several dates) being set. Pass only
    the dates being set now; dates already saved were confirmed when they were set.
    """
    now = now or timezone.now()
    warnings = []
    if starts:
        local = timezone.localtime(starts)
        if local.weekday() >= 5:
            warnings.append(f"The session starts on a {local:%A} ({local:%-d %B %Y}).")
        if starts <= now:
            warnings.append(f"The session starts in the past ({local:%-d %B %Y}).")
    for part in parts:
        local = timezone.localtime(part.starts_at)
        if local.weekday() >= 5:
            warnings.append(f"The date on {local:%A %-d %B %Y} is at a weekend.")
        if part.starts_at <= now:
            warnings.append(f"The date on {local:%A %-d %B %Y} is in the past.")
    if closes and closes <= now:
        warnings.append(f"Booking closes in the past ({timezone.localtime(closes):%-d %B %Y at %H:%M}).")
    return warnings


@transaction.atomic
def session_parts_set(*, session: Session, parts: Sequence[PartDates]) -> Session:
    """Set the dates a session runs on: one part for a one-day session, several for a course over several dates.

    The session's ``starts_at`` and ``ends_at`` become the span of the parts. A part whose dates
    stay is kept as it is; the others are moved to the new dates in date order, added or removed.
    A part with attendance marked on it is neither moved nor removed: the marks say who came that day.
    """
    ordered = check_parts(parts)
    session = locking.locked_session(session.pk)
    starts_at, ends_at = ordered[0].starts_at, ordered[-1].ends_at
    try:
        check_booking_dates(opens=session.booking_opens_at, closes=session.booking_closes_at, starts=starts_at)
    except Refused as refused:
        raise Refused(f"{refused} Change the booking dates first.", field="parts") from None
    existing = list(session.parts.all())
    kept = {(part.starts_at, part.ends_at) for part in existing} & {(d.starts_at, d.ends_at) for d in ordered}
    movable = [part for part in existing if (part.starts_at, part.ends_at) not in kept]
    new_dates = [dates for dates in ordered if (dates.starts_at, dates.ends_at) not in kept]
    marked = PartAttendance.objects.filter(part__in=movable).select_related("part").first()
    if marked is not None:
        local = timezone.localtime(marked.part.starts_at)
        raise Refused(
            f"Attendance has been marked for {local:%-d %B %Y}, so that date cannot be moved or removed.",
            field="parts",
        )
    SessionPart.objects.filter(pk__in=[part.pk for part in movable[len(new_dates) :]]).delete()
    # One start per session is checked at commit (a deferred constraint): parts may pass each other on the way.
    for part, dates in zip(movable, new_dates, strict=False):
        part.starts_at, part.ends_at = dates.starts_at, dates.ends_at
        part._change_reason = "Dates changed"
        part.save(update_fields=["starts_at", "ends_at"])
    for dates in new_dates[len(movable) :]:
        SessionPart.objects.create(session=session, starts_at=dates.starts_at, ends_at=dates.ends_at)
    if (session.starts_at, session.ends_at) != (starts_at, ends_at):
        session.starts_at, session.ends_at = starts_at, ends_at
        session._change_reason = "Dates changed"
        session.save(update_fields=["starts_at", "ends_at"])
    return session


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
def session_places_offer(*, session: Session, now: datetime.datetime | None = None) -> list[Booking]:
    """Offer a session's free places to those waiting, in turn, once it takes bookings: after staff change its
    booking dates or status. A place freed while booking was closed was offered to no one; opening booking again
    must not let the next booker take it ahead of the queue."""
    now = now or timezone.now()
    return offer_free_places(locking.locked_session(session.pk), now)


def check_cancel_reason(reason: str) -> str:
    """The reason a session is cancelled, as delegates will read it; refused when blank or too long."""
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("Enter why the session is cancelled: everyone booked or waiting is told.", field="reason")
    limit = Session._meta.get_field("cancelled_reason").max_length
    if len(reason) > limit:
        raise Refused(f"The reason must be {limit} characters or fewer.", field="reason")
    return reason


@transaction.atomic
def session_cancel(*, session: Session, reason: str, now: datetime.datetime | None = None) -> int:
    """The board cancels a session, saying why: every live booking (places held and the waiting list) is cancelled
    and its holder emailed the reason. Returns how many were emailed."""
    now = now or timezone.now()
    reason = check_cancel_reason(reason)
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
        waiting = booking.status == BookingStatus.WAITING
        end_booking(booking, EndReason.SESSION_CANCELLED, now, "Session cancelled by the board")
        emails.session_cancelled(booking, session, waiting=waiting)
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
