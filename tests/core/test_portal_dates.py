"""The portal's date filters: GOV.UK style, in the board's time zone, as Django's own formatting writes them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils.dateformat import format as django_format

from lscb_portal.core.templatetags.portal import timerange, ukdate, ukdatetime, uktime

UTC = ZoneInfo("UTC")


def test_every_day_of_a_leap_year_is_written_as_django_writes_it_in_english():
    day = date(2028, 1, 1)
    while day.year == 2028:
        assert ukdate(day) == django_format(day, "l j F Y")
        assert ukdate(day, "short") == django_format(day, "j F Y")
        assert ukdate(day, "table") == django_format(day, "D j F Y")
        day += timedelta(days=1)


def test_an_aware_time_is_shown_in_the_boards_time_zone():
    # 23:30 UTC on 31 March 2018 is 00:30 on Sunday 1 April in London (summer time).
    late = datetime(2018, 3, 31, 23, 30, tzinfo=UTC)
    assert ukdate(late) == "Sunday 1 April 2018"
    assert uktime(late) == "12:30am"
    assert ukdatetime(late) == "Sunday 1 April 2018 at 12:30am"
    assert ukdate(datetime(2018, 1, 31, 23, 30, tzinfo=UTC), "table") == "Wed 31 January 2018"


@pytest.mark.parametrize(
    ("hour", "minute", "text"), [(0, 0, "midnight"), (12, 0, "midday"), (9, 0, "9am"), (12, 15, "12:15pm")]
)
def test_times_are_written_the_gov_uk_way(hour, minute, text):
    assert uktime(datetime(2018, 1, 10, hour, minute, tzinfo=UTC)) == text


def test_a_range_names_the_end_day_only_when_it_differs():
    start = datetime(2017, 10, 10, 8, 0, tzinfo=UTC)
    assert timerange(start, start + timedelta(hours=3, minutes=15)) == "Tuesday 10 October 2017, 9am to 12:15pm"
    assert timerange(start, start + timedelta(days=1)) == (
        "Tuesday 10 October 2017, 9am to Wednesday 11 October 2017, 9am"
    )
    assert ukdate("not a date") == ""
