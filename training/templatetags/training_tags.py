from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from lscb_portal.core.templatetags.portal import date_text, time_text

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
    starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    hidden = "" if show_course else '<span class="govuk-visually-hidden">: book or read more</span>'
    cells = [f'<a class="govuk-link" href="{url}">{date_text(starts, "table")}{hidden}</a>']
    if show_course:
        cells.append(f'<a class="govuk-link" href="{url}">{escape(course.title)}</a>')
    cells.append(
        f'{time_text(starts)} to {time_text(ends)}<br><span class="govuk-body-s">{escape(course.length_label)}</span>'
    )
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
