"""Reminding confirmed delegates before their session."""

import datetime

from django.db import transaction
from django.utils import timezone

from .. import conf, emails
from ..models import Booking, BookingStatus, SessionStatus
from .transitions import save_with_reason


@transaction.atomic
def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind confirmed delegates a set number of days before their session. Each is reminded once."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + datetime.timedelta(days=conf.reminder_days()),
        )
        .select_related("session__course", "organisation")
        .select_for_update(skip_locked=True, of=("self",))
    )
    count = 0
    for booking in due:
        emails.reminder(booking)
        booking.reminder_sent_at = now
        save_with_reason(booking, "Reminder sent", ["reminder_sent_at"])
        count += 1
    return count
