"""Telling the training alerts list about sessions with places left."""

import datetime

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from .. import emails
from ..models import Session


@transaction.atomic
def places_alert_send(*, sessions, now: datetime.datetime | None = None) -> int:
    """Tell the training alerts list (immediate subscribers) about sessions that still have places.

    Only sessions open for booking with places left count; each subscriber hears about a given
    set of sessions once. Returns how many emails were queued.
    """
    from lscb_portal.core.links import absolute_url
    from lscb_portal.core.subscriptions import EmailContent, notify

    from ..alerts import LIST_KEY

    now = now or timezone.now()
    open_sessions = list(
        Session.objects.open_for_booking(now)
        .filter(pk__in=[session.pk for session in sessions])
        .select_related("course")
        .prefetch_related("parts")
        .has_places()
        .order_by("starts_at")
    )
    if not open_sessions:
        raise Refused("None of the chosen sessions is open for booking with places left.")
    text = emails.render_places_alert([(session, absolute_url(session)) for session in open_sessions])
    content = EmailContent(
        subject=f"Training places available: {len(open_sessions)} "
        f"{'session' if len(open_sessions) == 1 else 'sessions'} coming up",
        text=text,
    )
    event_key = "training.places:" + ",".join(str(session.pk) for session in open_sessions) + f":{now:%Y%m%d}"
    return notify(list_key=LIST_KEY, event_key=event_key, build=lambda subscription: content)
