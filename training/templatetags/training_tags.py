from dataclasses import dataclass

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from lscb_portal.core.templatetags.portal import date_text, time_text, timerange

from ..models import SessionPart
from ..services import rules

register = template.Library()

# Booking no longer taken: the places left are shown as "Booking closed".
_CLOSED = (rules.BookingState.CLOSED, rules.BookingState.PAST)


@register.filter
def breakable_email(email: str):
    """An email address that may wrap before the @ on a narrow screen."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return email
    return format_html("{}<wbr>@{}", local, domain)


@register.simple_tag
def places_facts(sessions) -> list:
    """Each session's line of the places table (``partials/_training_places_table.html``), worked out once for
    its cards and its rows. ``sessions`` need ``with_places()`` (or ``has_places()``), their course and their
    ``parts``."""
    zone, now = timezone.get_current_timezone(), timezone.now()
    return [_facts(session, zone, now) for session in sessions]


@register.simple_tag
def places_rows(facts, show_course: bool):
    """The rows of the places table, written here in Python: each row has some twenty values and conditions,
    which as a template loop cost a programme page more than all its queries. Every value is escaped."""
    return mark_safe("".join(_places_row(each, show_course) for each in facts))  # noqa: S308


@register.simple_tag
def places_cards(facts, show_course: bool):
    """The same sessions as cards, one list item each, for screens narrower than a tablet."""
    return mark_safe("".join(_places_card(each, show_course) for each in facts))  # noqa: S308


@dataclass(frozen=True)
class _Facts:
    """A session's line in the programme, each part already escaped HTML."""

    url: str
    course: str
    first_date: str
    later_dates: list[str]
    times: str
    capacity: str
    taken: str
    left: str
    trainers: str
    where: str


def keep_lines(sessions) -> None:
    """Work out each session's line of the places table but its places, once, for sessions kept while bookings
    change (the programme's page): ``places_facts`` then adds only the places, read afresh."""
    zone = timezone.get_current_timezone()
    for session in sessions:
        session.kept_line = _line(session, zone)


def _facts(session, zone, now) -> _Facts:
    line = getattr(session, "kept_line", None) or _line(session, zone)
    return _Facts(**line, taken=str(session.places_taken), left=_places_left(session, zone, now))


def _line(session, zone) -> dict:
    """What the session's line shows but its places: escaped HTML, keyed by ``_Facts`` field."""
    course = session.course
    spans = [(part.starts_at.astimezone(zone), part.ends_at.astimezone(zone)) for part in dates(session)]
    later = [date_text(starts, "table") for starts, _ in spans[1:]]
    if later:
        later[-1] = f"and {later[-1]}"
        later.append(f'<span class="govuk-body-s">{len(spans)} dates, one booking</span>')
    times = list(dict.fromkeys(f"{time_text(starts)} to {time_text(ends)}" for starts, ends in spans))
    if len(times) > 1:
        times = [f"{time_text(starts)} to {time_text(ends)}" for starts, ends in spans]
    each = " each" if len(spans) > 1 else ""
    if session.is_online:
        where = "Online" + (f" ({escape(session.venue_name)})" if session.venue_name else "")
    else:
        where = escape(session.venue_name) + (f", {escape(session.venue_postcode)}" if session.venue_postcode else "")
    return {
        "url": escape(session.get_absolute_url()),
        "course": escape(course.title),
        "first_date": date_text(spans[0][0], "table"),
        "later_dates": later,
        "times": f'{"<br>".join(times)}<br><span class="govuk-body-s">{escape(course.length_label)}{each}</span>',
        "capacity": str(session.capacity),
        "trainers": escape(session.trainers or "To be confirmed"),
        "where": where,
    }


def _places_left(session, zone, now) -> str:
    """The places left, or why none can be booked: cancelled, booking closed, full."""
    state = rules.booking_state(session, now)
    if state == rules.BookingState.CANCELLED:
        return '<strong class="govuk-tag govuk-tag--grey">Cancelled</strong>'
    if state in _CLOSED:
        return '<strong class="govuk-tag govuk-tag--grey">Booking closed</strong>'
    if session.is_full():
        waiting = getattr(session, "waiting_count", 0)
        note = '<br><span class="govuk-body-s">waiting list open</span>' if waiting else ""
        return f'<strong class="govuk-tag govuk-tag--red">Full</strong>{note}'
    left = str(session.places_remaining())
    if state == rules.BookingState.NOT_OPEN_YET:
        opens = date_text(session.booking_opens_at.astimezone(zone), "short")
        left += f'<br><span class="govuk-body-s">booking opens {opens}</span>'
    return left


def _places_row(facts: _Facts, show_course: bool) -> str:
    hidden = "" if show_course else '<span class="govuk-visually-hidden">: book or read more</span>'
    first = f'<a class="govuk-link" href="{facts.url}">{facts.first_date}{hidden}</a>'
    cells = ["<br>".join([first, *facts.later_dates])]
    if show_course:
        cells.append(f'<a class="govuk-link" href="{facts.url}">{facts.course}</a>')
    cells.append(facts.times)
    numeric = [facts.capacity, facts.taken, facts.left]
    return (
        '<tr class="govuk-table__row">'
        + "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in cells)
        + "".join(f'<td class="govuk-table__cell govuk-table__cell--numeric">{cell}</td>' for cell in numeric)
        + f'<td class="govuk-table__cell">{facts.trainers}</td>'
        + f'<td class="govuk-table__cell">{facts.where}</td>'
        + "</tr>\n"
    )


def _places_card(facts: _Facts, show_course: bool) -> str:
    title = facts.course if show_course else facts.first_date
    rows = [("Date" if not facts.later_dates else "Dates", "<br>".join([facts.first_date, *facts.later_dates]))]
    rows += [
        ("Time", facts.times),
        ("Places left", f'{facts.left}<br><span class="govuk-body-s">{facts.taken} of {facts.capacity} taken</span>'),
        ("Where", facts.where or "To be confirmed"),
    ]
    facts_html = "".join(
        f'<div class="lscb-session-card__row"><dt>{key}</dt><dd>{value}</dd></div>' for key, value in rows
    )
    link = f'<a class="govuk-link" href="{facts.url}">{title}</a>'
    return (
        f'<li class="lscb-session-card"><h3 class="govuk-heading-s lscb-session-card__title">{link}</h3>'
        f'<dl class="lscb-session-card__facts">{facts_html}</dl></li>\n'
    )


@register.filter
def booking_closed(session) -> bool:
    """Whether booking for the session has closed (or it has begun), by the one rule (``rules.booking_state``)."""
    return rules.booking_state(session, timezone.now()) in _CLOSED


@register.filter
def dates(session) -> list[SessionPart]:
    """The session's dated parts, first first (prefetch ``parts`` for a list of sessions).

    A session always has one; should one have none, its own span stands in.
    """
    parts = list(session.parts.all())
    return parts or [SessionPart(session=session, starts_at=session.starts_at, ends_at=session.ends_at)]


@register.filter
def part_times(session) -> list[str]:
    """Each date of the session in words: "Tuesday 10 October 2017, 9am to 12:15pm"."""
    return [timerange(part.starts_at, part.ends_at) for part in dates(session)]
