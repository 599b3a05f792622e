"""Calendar files (iCalendar, RFC 5545) for sessions, made with the icalendar library.

One event for each day of a session, in the board's time zone with its VTIMEZONE, so a calendar shows 9:30am
on both sides of a clock change. Each event keeps its UID for good: a cancelled session (or a delegate's own
cancelled place) is sent as ``METHOD:CANCEL`` with the same UIDs and a higher SEQUENCE, which makes calendar
programs remove the events they hold.
"""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from lscb_portal.core.links import absolute_url

from .models import Session


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(session: Session, day: int, days: int) -> str:
    """A one-day session keeps the UID its calendar files have always had; each day of a longer one has its own."""
    base = f"training-session-{session.pk}"
    return f"{base}@{_host()}" if days == 1 else f"{base}-{day}@{_host()}"


def _sequence(session: Session, *, cancel: bool) -> int:
    """Grows with every change to the session (its history), and once more for a cancellation."""
    return max(session.history.count() - 1, 0) + (1 if cancel else 0)


def session_calendar(
    session: Session, *, joining_url: str = "", cancel: bool = False, now: datetime.datetime | None = None
) -> bytes:
    """The calendar file of a session. ``joining_url`` only for a confirmed delegate's own copy; ``cancel``
    (or a cancelled session) asks calendars to remove its events."""
    cancel = cancel or session.is_cancelled
    zone = ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    days = session.days()
    description = [session.course.summary, "", f"Details: {absolute_url(session)}"]
    if joining_url and not cancel:
        description += ["", f"Join online: {joining_url}"]
    if session.trainers:
        description += ["", f"Trainers: {session.trainers}"]
    location = (joining_url if not cancel else "") or session.venue_one_line or session.course.get_delivery_display()
    sequence = _sequence(session, cancel=cancel)

    calendar = Calendar()
    calendar.add("prodid", "-//Safeguarding Children Partnership portal//Training//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    for number, (starts_at, ends_at) in enumerate(days, start=1):
        event = Event()
        event.add("uid", event_uid(session, number, len(days)))
        event.add("dtstamp", now.astimezone(datetime.UTC))
        event.add("dtstart", starts_at.astimezone(zone))
        event.add("dtend", ends_at.astimezone(zone))
        title = session.course.title if len(days) == 1 else f"{session.course.title} ({number} of {len(days)})"
        event.add("summary", f"Cancelled: {title}" if cancel else title)
        event.add("description", "\n".join(description))
        event.add("location", location)
        event.add("url", absolute_url(session))
        event.add("status", "CANCELLED" if cancel else "CONFIRMED")
        event.add("sequence", sequence)
        calendar.add_component(event)
    first, last = days[0][0].date(), days[-1][1].date()
    calendar.add_missing_timezones(
        first_date=first - datetime.timedelta(days=366), last_date=last + datetime.timedelta(days=366)
    )
    return calendar.to_ical()


def filename_for(session: Session, *, cancel: bool = False) -> str:
    local = timezone.localtime(session.starts_at)
    return f"{'cancelled-' if cancel else ''}{session.course.slug}-{local:%Y-%m-%d-%H%M}.ics"
