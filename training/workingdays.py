"""Working days: weekdays that are not bank holidays in England and Wales."""

import datetime
from functools import cache

import holidays


@cache
def _bank_holiday_names(year: int) -> dict[datetime.date, str]:
    # England and Wales share one set of bank holidays.
    return dict(holidays.UK(subdiv="ENG", years=[year]))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holiday_names(day.year)


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    """The date ``count`` working days before ``day`` (``day`` itself is not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def bank_holiday(day: datetime.date) -> str | None:
    """The name of the bank holiday in England and Wales on ``day``, or None."""
    return _bank_holiday_names(day.year).get(day)
