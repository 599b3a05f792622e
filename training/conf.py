"""Training settings with their defaults (override in settings.py)."""

import datetime

from django.conf import settings


def close_working_days() -> int:
    """How many working days before a session its booking closes, unless set on the session."""
    return getattr(settings, "TRAINING_CLOSE_WORKING_DAYS", 2)


def close_time() -> datetime.time:
    """The time of day booking closes on the closing date."""
    return getattr(settings, "TRAINING_CLOSE_TIME", datetime.time(17, 0))


def offer_time() -> datetime.timedelta:
    """How long someone on a waiting list has to accept a place (never past the closing time)."""
    return datetime.timedelta(hours=getattr(settings, "TRAINING_OFFER_HOURS", 48))


def reminder_days() -> int:
    """How many days before a session the reminder is sent."""
    return getattr(settings, "TRAINING_REMINDER_DAYS", 3)


def needs_kept_for() -> datetime.timedelta:
    """How long access and dietary needs are kept after a session ends."""
    return datetime.timedelta(days=getattr(settings, "TRAINING_NEEDS_KEPT_DAYS", 7))


def my_training_link_age() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "TRAINING_MY_LINK_DAYS", 3))


def evaluation_after() -> datetime.timedelta:
    """How long after a session attendees are asked for the impact evaluation (four weeks by default)."""
    return datetime.timedelta(days=getattr(settings, "TRAINING_EVALUATION_AFTER_DAYS", 28))


def evaluation_window() -> datetime.timedelta:
    """How long the job keeps trying for sessions that ended that long ago (after a pause, say)."""
    return datetime.timedelta(days=getattr(settings, "TRAINING_EVALUATION_WINDOW_DAYS", 30))


def evaluation_link_age() -> datetime.timedelta:
    """How long the evaluation link works after it is sent."""
    return datetime.timedelta(days=getattr(settings, "TRAINING_EVALUATION_LINK_DAYS", 180))
