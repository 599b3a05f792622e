"""Telling the training alerts list and the agencies' training contacts about sessions with places left."""

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Frequency, Organisation, Subscription

from .. import emails
from ..models import Session


class PlacesAlertSent(NamedTuple):
    subscribers: int
    contacts: int


def training_contacts(*, list_key: str) -> dict[str, list[str]]:
    """Each agency training contact's address, with the agencies it is the contact for: the organisations
    still on the list (not merged away), leaving out addresses that already get the alert as subscribers."""
    subscribed = (
        Subscription.objects.filter(
            list_key=list_key, frequency=Frequency.IMMEDIATE, subscriber__confirmed_at__isnull=False
        )
        .annotate(address=Lower("subscriber__email"))
        .values("address")
    )
    organisations = (
        Organisation.objects.filter(merged_into__isnull=True)
        .exclude(training_contact_email="")
        .annotate(contact=Lower("training_contact_email"))
        .exclude(contact__in=subscribed)
        .order_by("name")
        .values_list("contact", "name")
    )
    contacts: dict[str, list[str]] = defaultdict(list)
    for email, name in organisations:
        contacts[email.strip().lower()].append(name)
    return dict(contacts)


@transaction.atomic
def places_alert_send(*, sessions, now: datetime.datetime | None = None) -> PlacesAlertSent:
    """Tell the training alerts list (immediate subscribers; weekly ones read it in their digest) and every
    agency's training contact about sessions that still have places.

    Only sessions open for booking with places left count; each person hears about a given set of sessions
    once. Returns how many emails were queued for each.
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
    subscribers = notify(list_key=LIST_KEY, event_key=event_key, build=lambda subscription: content)
    contacts = 0
    for email, organisations in training_contacts(list_key=LIST_KEY).items():
        contacts += emails.places_alert_to_contact(
            email=email, organisations=organisations, body=text, subject=content.subject, event_key=event_key
        )
    return PlacesAlertSent(subscribers=subscribers, contacts=contacts)
