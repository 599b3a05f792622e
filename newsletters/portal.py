"""The base services the newsletters use, behind one import.

``lscb_portal.core.subscriptions`` and ``lscb_portal.core.ratelimit`` are
being built alongside this app. Until they land, this module stands in for
them with the same contract, so the newsletters work now and switch over by
themselves when the base's versions exist.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

try:
    from lscb_portal.core.subscriptions import (
        DigestPart,
        EmailContent,
        MailingList,
        notify,
        register_list_provider,
    )
except ImportError:  # pragma: no cover - replaced by the base's module once it lands
    from lscb_portal.core.links import absolute_url
    from lscb_portal.core.models import Frequency, Subscription
    from lscb_portal.core.outbox import queue_email

    @dataclass(frozen=True)
    class DigestPart:
        title: str
        text: str
        html: str

    @dataclass(frozen=True)
    class MailingList:
        key: str
        title: str
        description: str = ""
        supports_major_only: bool = False
        digest: Callable[[Subscription, datetime, datetime], DigestPart | None] | None = None

    @dataclass(frozen=True)
    class EmailContent:
        subject: str
        text: str
        html: str = ""
        attachments: tuple = ()

    _providers: list[Callable[[], Iterable[MailingList]]] = []

    def register_list_provider(provider: Callable[[], Iterable[MailingList]]) -> None:
        _providers.append(provider)

    def notify(*, list_key: str, event_key: str, build: Callable[[Subscription], EmailContent | None]) -> int:
        subscriptions = Subscription.objects.filter(
            list_key=list_key, frequency=Frequency.IMMEDIATE, subscriber__confirmed_at__isnull=False
        ).select_related("subscriber")
        queued = 0
        for subscription in subscriptions:
            content = build(subscription)
            if content is None:
                continue
            manage = absolute_url("/alerts/")
            message = queue_email(
                to=subscription.subscriber.email,
                subject=content.subject,
                text=f"{content.text}\n\nTo change or stop your email alerts: {manage}\n",
                html=content.html,
                headers={"List-Unsubscribe": f"<{manage}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                attachments=content.attachments,
                category=list_key,
                dedupe_key=f"{event_key}:{subscription.subscriber_id}",
            )
            queued += message is not None
        return queued


try:
    from lscb_portal.core.ratelimit import RateLimited, check
except ImportError:  # pragma: no cover - replaced by the base's module once it lands

    class RateLimited(Exception):
        """Too many attempts from one address."""

    def check(request, scope: str, *, email: str | None = None) -> None:
        return None


def rate_limit(request, scope: str, *, email: str | None = None) -> None:
    """Raise RateLimited when ``request`` has used up ``scope``'s allowance."""
    check(request, scope, email=email)


__all__ = [
    "DigestPart",
    "EmailContent",
    "MailingList",
    "RateLimited",
    "notify",
    "rate_limit",
    "register_list_provider",
]
