"""iCalendar (RFC 5545) files for sessions: one event for each date of a session, written by hand."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from lscb_portal.core.links import absolute_url

from .models import Session


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def session_calendar(session: Session, *, joining_url: str = "", now: datetime.datetime | None = None) -> str:
    """A calendar file for one session. ``joining_url`` only for a confirmed delegate's own copy."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    description = [session.course.summary, "", f"Details: {absolute_url(session)}"]
    if joining_url:
        description += ["", f"Join online: {joining_url}"]
    if session.trainers:
        description += ["", f"Trainers: {session.trainers}"]
    location = joining_url or session.venue_one_line or session.course.get_delivery_display()
    parts = list(session.parts.all())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Safeguarding Children Partnership//Training//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    stamp = _utc(now or timezone.now())
    for number, part in enumerate(parts, start=1):
        # A one-date session keeps the identifier it always had, so calendars update the same event.
        uid = f"training-session-{session.pk}" if len(parts) == 1 else f"training-session-{session.pk}-{number}"
        summary = session.course.title if len(parts) == 1 else f"{session.course.title} ({number} of {len(parts)})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(part.starts_at)}",
            f"DTEND:{_utc(part.ends_at)}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(chr(10).join(description))}",
            f"LOCATION:{_escape(location)}",
            f"URL:{absolute_url(session)}",
            f"STATUS:{'CANCELLED' if session.is_cancelled else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def filename_for(session: Session) -> str:
    local = timezone.localtime(session.starts_at)
    return f"{session.course.slug}-{local:%Y-%m-%d-%H%M}.ics"
