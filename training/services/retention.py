"""Deleting what the board keeps only for a while."""

import datetime

from django.db import transaction
from django.utils import timezone

from .. import conf
from ..models import BookingNeeds


@transaction.atomic
def needs_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete access and dietary needs a week after the session (special-category data)."""
    now = now or timezone.now()
    deleted, _ = BookingNeeds.objects.filter(booking__session__ends_at__lte=now - conf.needs_kept_for()).delete()
    return deleted
