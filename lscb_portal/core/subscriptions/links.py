"""The signed links in alert emails: confirm, manage, one-click unsubscribe."""

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse

from ..links import absolute_url
from ..models import Subscriber
from ..signing import BadLink, sign, unsign

CONFIRM_PURPOSE = "alerts.confirm"
MANAGE_PURPOSE = "alerts.manage"
CONFIRM_LINK_LIFETIME = timedelta(days=3)
# A link asked for on the "manage my alerts" form; the links in alert emails do not expire.
MANAGE_LINK_LIFETIME = timedelta(days=7)


class StaleLink(BadLink):
    """A genuine link that no longer works: the subscriber unsubscribed from everything, or was deleted."""


def confirm_token(subscriber: Subscriber) -> str:
    return sign(CONFIRM_PURPOSE, [subscriber.pk, subscriber.token_version], max_age=CONFIRM_LINK_LIFETIME)


def manage_token(subscriber: Subscriber, *, max_age: timedelta | None = None) -> str:
    return sign(MANAGE_PURPOSE, [subscriber.pk, subscriber.token_version], max_age=max_age)


def confirm_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("pages:alerts_confirm", args=[confirm_token(subscriber)]))


def manage_url(subscriber: Subscriber, *, token: str | None = None) -> str:
    return absolute_url(reverse("pages:alerts_manage", args=[token or manage_token(subscriber)]))


def unsubscribe_url(subscriber: Subscriber, list_keys: Iterable[str] = (), *, token: str | None = None) -> str:
    """The one-click unsubscribe address (RFC 8058) for some lists, or for everything when none are given."""
    path = reverse("pages:alerts_unsubscribe", args=[token or manage_token(subscriber)])
    keys = list(list_keys)
    if keys:
        path += "?" + urlencode([("list", key) for key in keys])
    return absolute_url(path)


def subscriber_from_token(purpose: str, token: str, *, for_update: bool = False) -> Subscriber:
    """The subscriber a link was made for; BadLink if it is not genuine or expired, StaleLink if it died since."""
    value = unsign(purpose, token)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(part, int) for part in value)):
        raise BadLink("This link is not valid.")
    subscriber_id, version = value
    queryset = Subscriber.objects.select_for_update() if for_update else Subscriber.objects.all()
    subscriber = queryset.filter(pk=subscriber_id, token_version=version).first()
    if subscriber is None:
        raise StaleLink("This link no longer works. You may have unsubscribed since it was sent.")
    return subscriber
