"""Sending an app's news to a list's immediate subscribers, each email with its personal links."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from .. import outbox
from ..links import absolute_url
from ..models import BoardSettings, Frequency, OutboxMessage, Subscriber, Subscription
from .links import manage_token
from .registry import get_list


@dataclass(frozen=True)
class EmailContent:
    """What an app wants to say to one subscriber; the base adds the footer and unsubscribe headers."""

    subject: str
    text: str
    html: str = ""
    attachments: tuple = ()


@dataclass(frozen=True)
class Audience:
    """Who hears about news on a list: confirmed subscribers emailed at once, and those in the weekly digest."""

    immediate: int
    weekly: int


def audience(list_key: str) -> Audience:
    """How many confirmed subscribers a list has, by frequency (for "who will be emailed" pages)."""
    counts = dict(
        Subscription.objects.filter(list_key=list_key, subscriber__confirmed_at__isnull=False)
        .values_list("frequency")
        .annotate(count=Count("pk"))
        .values_list("frequency", "count")
    )
    return Audience(immediate=counts.get(Frequency.IMMEDIATE, 0), weekly=counts.get(Frequency.WEEKLY, 0))


def unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def existing_dedupe_keys(prefix: str) -> set[str]:
    return set(OutboxMessage.objects.filter(dedupe_key__startswith=prefix).values_list("dedupe_key", flat=True))


class PersonalLinks:
    """Each subscriber's manage and one-click unsubscribe links.

    The address patterns are reversed once per run (reverse() per subscriber is slow at 10,000);
    each subscriber's signed token is dropped into them.
    """

    MARK = "__token__"

    def __init__(self):
        self.manage = absolute_url(reverse("pages:alerts_manage", args=[self.MARK]))
        self.unsubscribe = absolute_url(reverse("pages:alerts_unsubscribe", args=[self.MARK]))

    def for_subscriber(self, subscriber: Subscriber, list_keys: Iterable[str]) -> tuple[str, str]:
        token = manage_token(subscriber)
        query = urlencode([("list", key) for key in list_keys])
        unsubscribe = self.unsubscribe.replace(self.MARK, token) + (f"?{query}" if query else "")
        return self.manage.replace(self.MARK, token), unsubscribe


class Frame:
    """An email's surroundings (footer, HTML layout), rendered once and filled in for each subscriber.

    Rendering the templates once instead of once per subscriber keeps a 10,000-subscriber alert
    to seconds. The placeholders cannot occur in a signed link or in escaped text.
    """

    MANAGE = "\x00manage\x00"
    UNSUBSCRIBE = "\x00unsubscribe\x00"
    BODY = "\x00body\x00"

    def __init__(self, *, text_template: str, html_template: str, context: dict):
        context = {**context, "manage_url": self.MANAGE, "unsubscribe_url": self.UNSUBSCRIBE, "body_html": self.BODY}
        self.text = render_to_string(text_template, context)
        self.html = render_to_string(html_template, context)

    def fill(self, template: str, *, manage: str, unsubscribe: str, escape_urls: bool) -> str:
        if escape_urls:
            manage, unsubscribe = escape(manage), escape(unsubscribe)
        return template.replace(self.MANAGE, manage).replace(self.UNSUBSCRIBE, unsubscribe)

    def render(self, *, manage: str, unsubscribe: str, body_text: str = "", body_html: str = "") -> tuple[str, str]:
        text = self.fill(self.text, manage=manage, unsubscribe=unsubscribe, escape_urls=False)
        if body_text:
            text = body_text.rstrip() + "\n\n" + text
        html = ""
        if body_html or self.BODY not in self.html:
            html = self.fill(self.html, manage=manage, unsubscribe=unsubscribe, escape_urls=True)
            html = html.replace(self.BODY, body_html)
        return text, html


def write_messages(messages: Iterable[outbox.OutgoingEmail]) -> int:
    """Write messages to the outbox in batches, each at most once (by its dedupe key); return how many were new.

    ``messages`` may be a generator: the outbox takes it a batch at a time, so 10,000 alerts are
    never all in memory at once.
    """
    return len(outbox.queue_emails(messages))


def notify(*, list_key: str, event_key: str, build: Callable[[Subscription], EmailContent | None]) -> int:
    """Queue one email per confirmed subscriber with an immediate subscription to ``list_key``.

    Runs in the caller's transaction, so the mail goes only if the news is committed. Each
    message has the dedupe key ``f"{event_key}:{subscriber_id}"``: calling again (or at the same
    time) for the same event mails nobody twice. ``build(subscription)`` returns the content, or
    None to skip that subscriber (say, a minor change for a ``major_only`` subscription). Each
    email gets a footer with the manage and unsubscribe links and the List-Unsubscribe headers.
    Returns how many emails were queued.
    """
    return write_messages(_alert_messages(list_key=list_key, event_key=event_key, build=build))


def _alert_messages(*, list_key: str, event_key: str, build) -> Iterable[outbox.OutgoingEmail]:
    mailing_list = get_list(list_key)
    already_sent = existing_dedupe_keys(f"{event_key}:")
    subscriptions = (
        Subscription.objects.filter(
            list_key=list_key, frequency=Frequency.IMMEDIATE, subscriber__confirmed_at__isnull=False
        )
        .select_related("subscriber")
        .order_by("subscriber_id")
    )
    links = PersonalLinks()
    frame = Frame(
        text_template="core/email/_footer.txt",
        html_template="core/email/_wrapper.html",
        context={
            "board": BoardSettings.get_solo(),
            "list_titles": [mailing_list.title if mailing_list else list_key],
        },
    )
    for subscription in subscriptions.iterator(chunk_size=2000):
        dedupe_key = f"{event_key}:{subscription.subscriber_id}"
        if dedupe_key in already_sent:
            continue
        content = build(subscription)
        if content is None:
            continue
        subscriber = subscription.subscriber
        manage, unsubscribe = links.for_subscriber(subscriber, [list_key])
        text, html = frame.render(
            manage=manage, unsubscribe=unsubscribe, body_text=content.text, body_html=content.html
        )
        yield outbox.OutgoingEmail(
            to=subscriber.email,
            subject=content.subject,
            text=text,
            html=html,
            headers=unsubscribe_headers(unsubscribe),
            attachments=tuple(content.attachments),
            category=list_key,
            dedupe_key=dedupe_key,
        )
