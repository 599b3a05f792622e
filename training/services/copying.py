"""Copying sessions: one session to new dates, or a term's sessions forward by a number of weeks.

A copy keeps the course, the venue, the trainers, the places and the cap per organisation, and its
dates keep their times of day and the gaps between them; booking opens and closes moved by the same
number of days (a closing time left at the default is worked out again for the new date, so it does
not land on a weekend or bank holiday). Never the bookings. The dates go through the session form's
own rules (``check_booking_dates``; weekend and past dates need a confirmation) and bank holidays are
warned of too.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from ..models import Course, Session, SessionStatus, default_booking_closes
from ..workingdays import bank_holiday
from .sessions import PartDates, check_booking_dates, session_date_warnings, session_parts_set
from .venues import trainer_names, venue_copy_to

MAX_WEEKS = 104
MAX_SESSIONS = 300


@dataclass(frozen=True)
class SessionCopy:
    """What copying ``source`` would make: its new dates and booking window, and what to check about them."""

    source: Session
    parts: tuple[PartDates, ...]
    booking_opens_at: datetime.datetime | None
    booking_closes_at: datetime.datetime
    warnings: tuple[str, ...]
    # A session of the same course already starts at the new time: copying it again would make it twice.
    exists: bool = False

    @property
    def starts_at(self) -> datetime.datetime:
        return self.parts[0].starts_at

    @property
    def ends_at(self) -> datetime.datetime:
        return self.parts[-1].ends_at


@dataclass(frozen=True)
class TermCopy:
    """Copying a set of sessions forward: the copies in date order, and the cancelled sessions left out."""

    weeks: int
    copies: tuple[SessionCopy, ...]
    cancelled: tuple[Session, ...]

    @property
    def to_make(self) -> list[SessionCopy]:
        return [copy for copy in self.copies if not copy.exists]

    @property
    def already_made(self) -> list[SessionCopy]:
        return [copy for copy in self.copies if copy.exists]


def shifted(moment: datetime.datetime, days: int) -> datetime.datetime:
    """``moment`` ``days`` later at the same time of day in London (across a clock change too)."""
    local = timezone.localtime(moment)
    return timezone.make_aware(local.replace(tzinfo=None) + datetime.timedelta(days=days))


def _bank_holiday_warnings(parts: Sequence[PartDates]) -> list[str]:
    """Bank holidays on any date (a copy lands on dates nobody chose one by one)."""
    warnings = []
    for part in parts:
        day = timezone.localtime(part.starts_at).date()
        if holiday := bank_holiday(day):
            warnings.append(f"{day:%A %-d %B %Y} is a bank holiday ({holiday}).")
    return warnings


def session_copy_plan(*, session: Session, days: int, now: datetime.datetime | None = None) -> SessionCopy:
    """What a copy of ``session`` ``days`` later would be, or a refusal when its booking dates would be out of
    order. Reads ``session.parts`` (prefetch them for many sessions)."""
    parts = tuple(
        PartDates(starts_at=shifted(starts, days), ends_at=shifted(ends, days)) for starts, ends in session.days()
    )
    starts = parts[0].starts_at
    opens = shifted(session.booking_opens_at, days) if session.booking_opens_at else None
    if session.booking_closes_at == default_booking_closes(session.starts_at):
        closes = default_booking_closes(starts)
    else:
        closes = shifted(session.booking_closes_at, days)
    check_booking_dates(opens=opens, closes=closes, starts=starts)
    warnings = session_date_warnings(starts=starts, closes=closes, parts=parts[1:], now=now)
    warnings += _bank_holiday_warnings(parts)
    return SessionCopy(
        source=session, parts=parts, booking_opens_at=opens, booking_closes_at=closes, warnings=tuple(warnings)
    )


def _existing_starts(copies: Sequence[SessionCopy]) -> set[tuple[int, datetime.datetime]]:
    """(course, start) of the scheduled sessions already at the copies' times: one query for them all."""
    if not copies:
        return set()
    found = Session.objects.filter(
        course_id__in={copy.source.course_id for copy in copies},
        starts_at__in={copy.starts_at for copy in copies},
        status=SessionStatus.SCHEDULED,
    )
    return set(found.values_list("course_id", "starts_at"))


def _mark_existing(copies: Sequence[SessionCopy]) -> list[SessionCopy]:
    existing = _existing_starts(copies)
    return [replace(copy, exists=(copy.source.course_id, copy.starts_at) in existing) for copy in copies]


def _days_to(session: Session, first_date: datetime.date) -> int:
    return (first_date - timezone.localtime(session.starts_at).date()).days


def _lock_courses(course_ids) -> None:
    # Two copies of the same session sent at once wait for each other here, so the later one sees the first
    # and makes nothing twice.
    list(Course.objects.filter(pk__in=sorted(set(course_ids))).select_for_update().order_by("pk").values("pk"))


def _make(copy: SessionCopy, *, reason: str) -> Session:
    source = copy.source
    session = Session(
        course=source.course,
        starts_at=copy.starts_at,
        ends_at=copy.ends_at,
        capacity=source.capacity,
        places_per_organisation=source.places_per_organisation,
        booking_opens_at=copy.booking_opens_at,
        booking_closes_at=copy.booking_closes_at,
        status=SessionStatus.SCHEDULED,
    )
    if source.venue_id:
        # The venue's details as they are now; a joining link made for one meeting is not copied.
        venue_copy_to(session, source.venue)
    else:
        session.venue_name, session.venue_address = source.venue_name, source.venue_address
        session.venue_postcode, session.access_notes = source.venue_postcode, source.access_notes
    trainers = list(source.trainer_records.all())
    session.trainers = trainer_names(trainers) if trainers else source.trainers
    session._change_reason = reason
    session.save()
    session.trainer_records.set(trainers)
    return session_parts_set(session=session, parts=copy.parts)


def session_copy_preview(
    *, session: Session, first_date: datetime.date, now: datetime.datetime | None = None
) -> SessionCopy:
    """The copy ``session_copy`` would make on ``first_date``, marked when it is already in the programme."""
    return _mark_existing([session_copy_plan(session=session, days=_days_to(session, first_date), now=now)])[0]


@transaction.atomic
def session_copy(
    *, session: Session, first_date: datetime.date, confirmed: bool = False, now: datetime.datetime | None = None
) -> Session:
    """A new scheduled session like ``session`` whose first date is ``first_date`` (no bookings).

    Dates on a weekend, a bank holiday or in the past are made only once ``confirmed``.
    """
    _lock_courses([session.course_id])
    copy = session_copy_preview(session=session, first_date=first_date, now=now)
    if copy.exists:
        local = timezone.localtime(copy.starts_at)
        raise Refused(
            f"There is already a session of {session.course.title} on {local:%-d %B %Y at %H:%M}.",
            field="first_date",
        )
    if copy.warnings and not confirmed:
        raise Refused([*copy.warnings, "Check the dates, or tick “Copy anyway”."], field="confirm")
    return _make(copy, reason=f"Copied from the session of {timezone.localtime(session.starts_at):%-d %B %Y}")


def check_weeks(weeks: int) -> int:
    if not 1 <= weeks <= MAX_WEEKS:
        raise Refused(f"Enter a number of weeks from 1 to {MAX_WEEKS}.", field="weeks")
    return weeks


def sessions_copy_preview(
    *, sessions: Sequence[Session], weeks: int, now: datetime.datetime | None = None
) -> TermCopy:
    """What copying ``sessions`` forward by ``weeks`` would make (cancelled sessions are left out), in date order.

    Prefetch the sessions' ``parts``; one more query finds copies already made."""
    check_weeks(weeks)
    if not sessions:
        raise Refused("Choose the sessions to copy.", field="ids")
    if len(sessions) > MAX_SESSIONS:
        raise Refused(f"Choose at most {MAX_SESSIONS} sessions at a time.", field="ids")
    ordered = sorted(sessions, key=lambda session: (session.starts_at, session.pk))
    cancelled = tuple(session for session in ordered if session.status == SessionStatus.CANCELLED)
    plans = [
        session_copy_plan(session=session, days=7 * weeks, now=now)
        for session in ordered
        if session.status != SessionStatus.CANCELLED
    ]
    return TermCopy(weeks=weeks, copies=tuple(_mark_existing(plans)), cancelled=cancelled)


@transaction.atomic
def sessions_copy_forward(
    *, sessions: Sequence[Session], weeks: int, now: datetime.datetime | None = None
) -> tuple[TermCopy, list[Session]]:
    """Copy a term's sessions forward by ``weeks``, all or none: each becomes a scheduled session with the same
    booking window moved on. Cancelled sessions, and copies already in the programme, are left out (the
    preview said so). The warnings were shown on the preview, which is the confirmation."""
    check_weeks(weeks)
    _lock_courses(session.course_id for session in sessions)
    term = sessions_copy_preview(sessions=sessions, weeks=weeks, now=now)
    reason = f"Copied forward {weeks} week{'s' if weeks != 1 else ''}"
    made = [_make(copy, reason=reason) for copy in term.to_make]
    return term, made
