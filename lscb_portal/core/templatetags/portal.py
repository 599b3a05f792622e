"""Template filters the whole portal uses: dates and times in UK style.

GOV.UK style: "Tuesday 10 October 2017", "9am", "12:15pm", "midday",
"Tuesday 10 October 2017, 9am to 12:15pm". The portal speaks English only, so the names are
written here rather than looked up through the translation machinery for every date of a list.
"""

from datetime import date, datetime

from django import template
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def ukdate(value, style: str = "long"):
    """Tuesday 10 October 2017; with style "short" 10 October 2017, with "table" Tue 10 October 2017."""
    if not isinstance(value, (date, datetime)):
        return ""
    return date_text(_local(value), style)


@register.filter
def uktime(value):
    """9am, 12:15pm, midday, midnight."""
    if not isinstance(value, datetime):
        return ""
    return time_text(_local(value))


def date_text(value: date, style: str = "long") -> str:
    """``ukdate`` of a date or a datetime already in the board's time zone."""
    day = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if style == "long":
        return f"{WEEKDAYS[value.weekday()]} {day}"
    if style == "table":
        return f"{WEEKDAYS[value.weekday()][:3]} {day}"
    return day


def time_text(value: datetime) -> str:
    """``uktime`` of a datetime already in the board's time zone."""
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def ukdatetime(value):
    """Tuesday 10 October 2017 at 9am."""
    if not isinstance(value, datetime):
        return ""
    return f"{ukdate(value)} at {uktime(value)}"


@register.simple_tag
def timerange(start, end):
    """Tuesday 10 October 2017, 9am to 12:15pm (the end's date is added if it differs)."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return ""
    start, end = _local(start), _local(end)
    if start.date() == end.date():
        return f"{ukdate(start)}, {uktime(start)} to {uktime(end)}"
    return f"{ukdate(start)}, {uktime(start)} to {ukdate(end)}, {uktime(end)}"


@register.simple_tag
def search_results(results):
    """The list items of a page of search results, written here in Python: as a template included for each
    result they cost a results page more than its ranking. Every value is escaped; a snippet is safe HTML
    already. A training course's next sessions (``course_id``, ``sessions``) come from
    ``partials/_search_result_sessions.html``."""
    sessions = get_template("partials/_search_result_sessions.html")
    return mark_safe("".join(_search_result(result, sessions) for result in results))  # noqa: S308


def _search_result(result, sessions_template) -> str:
    where = [escape(result.kind)]
    if result.context:
        where.append(escape(result.context))
    if result.date:
        day = _local(result.date)
        shown = escape(result.date_label) if result.date_label else date_text(day, "short")
        where.append(f'<time datetime="{day:%Y-%m-%d}">{shown}</time>')
    html = (
        '<li class="lscb-results__item">\n'
        f'  <p class="govuk-body-s govuk-!-margin-bottom-1">{" · ".join(where)}</p>\n'
        f'  <h2 class="govuk-heading-s govuk-!-margin-bottom-1"><a class="govuk-link" href="{escape(result.url)}">'
        f"{escape(result.title)}</a></h2>\n"
    )
    if result.snippet:
        html += f'  <p class="govuk-body govuk-!-margin-bottom-1">{conditional_escape(result.snippet)}</p>\n'
    if getattr(result, "course_id", None):
        html += sessions_template.render({"result": result})
    return html + "</li>\n"
