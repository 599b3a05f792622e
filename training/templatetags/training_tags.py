from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from lscb_portal.core.templatetags.portal import date_text, time_text, timerange

from ..models import SessionPart

register = template.Library()


@register.filter
def breakable_email(email: str):
    """An email address that may wrap before the @ on a narrow screen."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return email
    return format_html("{}<wbr>@{}", local, domain)


@register.simple_tag
def places_rows(sessions, show_course: bool):
    """The rows of the places table (``partials/_training_places_table.html``), written here in Python.

    Each row has some twenty values and conditions; as a template loop they cost a programme page
    more than all its queries. Every value is escaped. ``sessions`` need ``with_places()`` (or
    ``has_places()``) and their course.
    """
    zone = timezone.get_current_timezone()
    return mark_safe("".join(_places_row(session, show_course, zone) for session in sessions))  # noqa: S308


def _places_row(session, show_course: bool, zone) -> str:
    url = escape(session.get_absolute_url())
    course = session.course
    spans = [(part.starts_at.astimezone(zone), part.ends_at.astimezone(zone)) for part in dates(session)]
    hidden = "" if show_course else '<span class="govuk-visually-hidden">: book or read more</span>'
    first = f'<a class="govuk-link" href="{url}">{date_text(spans[0][0], "table")}{hidden}</a>'
    later = [("and " if n == len(spans) - 1 else "") + date_text(starts, "table") for n, (starts, _) in enumerate(spans)]
    several = f'<br><span class="govuk-body-s">{len(spans)} dates, one booking</span>' if len(spans) > 1 else ""
    cells = ["<br>".join([first, *later[1:]]) + several]
    if show_course:
        cells.append(f'<a class="govuk-link" href="{url}">{escape(course.title)}</a>')
    times = list(dict.fromkeys(f"{time_text(starts)} to {time_text(ends)}" for starts, ends in spans))
    each = " each" if len(spans) > 1 else ""
    shown = times if len(times) == 1 else [f"{time_text(starts)} to {time_text(ends)}" for starts, ends in spans]
    cells.append(f'{"<br>".join(shown)}<br><span class="govuk-body-s">{escape(course.length_label)}{each}</span>')
    numeric = [str(session.capacity), str(session.places_taken)]
    if session.is_cancelled:
        numeric.append('<strong class="govuk-tag govuk-tag--grey">Cancelled</strong>')
    elif session.is_full():
        waiting = getattr(session, "waiting_count", 0)
        note = '<br><span class="govuk-body-s">waiting list open</span>' if waiting else ""
        numeric.append(f'<strong class="govuk-tag govuk-tag--red">Full</strong>{note}')
    else:
        numeric.append(str(session.places_remaining()))
    if session.is_online:
        where = "Online" + (f" ({escape(session.venue_name)})" if session.venue_name else "")
    else:
        where = escape(session.venue_name) + (f", {escape(session.venue_postcode)}" if session.venue_postcode else "")
    return (
        '<tr class="govuk-table__row">'
        + "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in cells)
        + "".join(f'<td class="govuk-table__cell govuk-table__cell--numeric">{cell}</td>' for cell in numeric)
        + f'<td class="govuk-table__cell">{escape(session.trainers or "To be confirmed")}</td>'
        + f'<td class="govuk-table__cell">{where}</td>'
        + "</tr>\n"
    )


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
