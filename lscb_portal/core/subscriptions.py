"""Email alerts: the lists the apps register, the people who subscribe to them, and the mail they get.

The base imports no app. Each app registers its lists in ``AppConfig.ready()``::

    from lscb_portal.core import subscriptions

    subscriptions.register_list(
        subscriptions.MailingList(
            key="procedures.updates",
            title="Procedures manual updates",
            supports_major_only=True,
            digest=procedures_digest_part,
        )
    )

or, for lists that come from the database (one per newsletter series), a provider
that is called whenever the lists are needed::

    subscriptions.register_list_provider(series_lists)

An app that has news for a list calls ``notify(list_key=..., event_key=..., build=...)``
inside the transaction that makes the news; the weekly digest job asks each list's
``digest`` for its part of the week's email.

Someone subscribes with ``subscribe()``; nothing is sent to them until they follow the
confirmation link (double opt-in). Every link is signed (``core.signing``) with the
subscriber's ``token_version``: unsubscribing from everything bumps it, so no link sent
before still works.
"""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from operator import attrgetter
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from . import outbox
from .links import absolute_url
from .models import BoardSettings, Frequency, OutboxMessage, Subscriber, Subscription
from .signing import BadLink, sign, unsign

logger = logging.getLogger(__name__)

CONFIRM_PURPOSE = "alerts.confirm"
MANAGE_PURPOSE = "alerts.manage"
CONFIRM_LINK_LIFETIME = timedelta(days=3)
# A link asked for on the "manage my alerts" form; the links in alert emails do not expire.
MANAGE_LINK_LIFETIME = timedelta(days=7)
# Sign-ups nobody confirmed are deleted after this long (the privacy notice says so).
DIGEST_TIMEZONE = ZoneInfo("Europe/London")
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 7

LIST_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_-]*)+$")
EMAIL_MAX_LENGTH = 254


# --- The registry ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestPart:
    """One list's section of a weekly digest: a heading, and the section as plain text and as HTML."""

    title: str
    text: str
    html: str


@dataclass(frozen=True)
class MailingList:
    """A list people can subscribe to, registered by the app that sends to it.

    ``key`` starts with the app's label ("newsletters.series.<slug>", "procedures.updates",
    "training.alerts"); the alerts page groups lists by that prefix. ``digest(subscription,
    since, until)`` returns the list's part of a weekly digest, or None when there is nothing
    to say. In one digest run it is called once for each (list, major_only) pair and the part
    is reused for every subscriber with that pair.
    """

    key: str
    title: str
    description: str = ""
    supports_major_only: bool = False
    digest: Callable[[Subscription, datetime, datetime], DigestPart | None] | None = None

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]


@dataclass(frozen=True)
class ListGroup:
    """The lists of one app, as the alerts page shows them."""

    key: str
    title: str
    lists: tuple[MailingList, ...]


_lists: dict[str, MailingList] = {}
_providers: list[Callable[[], Iterable[MailingList]]] = []


def register_list(mailing_list: MailingList) -> None:
    """Make a list available for subscription. Call it from your AppConfig.ready()."""
    if not LIST_KEY_PATTERN.match(mailing_list.key) or len(mailing_list.key) > 120:
        raise ValueError(
            f"List key {mailing_list.key!r} must be '<app>.<name>' in lower case (letters, digits, _ and -), "
            "at most 120 characters."
        )
    _lists[mailing_list.key] = mailing_list


def register_list_provider(provider: Callable[[], Iterable[MailingList]]) -> None:
    """Register a function returning lists (it may query the database); it is called whenever lists are needed."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_list(key: str) -> None:
    _lists.pop(key, None)


def unregister_list_provider(provider: Callable[[], Iterable[MailingList]]) -> None:
    if provider in _providers:
        _providers.remove(provider)


def all_lists() -> list[MailingList]:
    """Every list, registered ones first in registration order, then the providers' lists."""
    merged = dict(_lists)
    for provider in _providers:
        for mailing_list in provider():
            merged.setdefault(mailing_list.key, mailing_list)
    return list(merged.values())


def get_list(key: str) -> MailingList | None:
    if key in _lists:
        return _lists[key]
    for provider in _providers:
        for mailing_list in provider():
            if mailing_list.key == key:
                return mailing_list
    return None


def group_title(prefix: str) -> str:
    """The heading for an app's lists: the app's verbose name when the prefix is an app label."""
    try:
        return str(django_apps.get_app_config(prefix).verbose_name)
    except LookupError:
        return prefix.replace("_", " ").capitalize()


def list_groups(lists: Iterable[MailingList] | None = None) -> list[ListGroup]:
    """The lists grouped by app prefix, groups in the order their first list appears."""
    grouped: dict[str, list[MailingList]] = {}
    for mailing_list in all_lists() if lists is None else lists:
        grouped.setdefault(mailing_list.group, []).append(mailing_list)
    return [ListGroup(key=prefix, title=group_title(prefix), lists=tuple(items)) for prefix, items in grouped.items()]


def list_title(key: str, lists: dict[str, MailingList] | None = None) -> str:
    mailing_list = (lists or {}).get(key) or get_list(key)
    return mailing_list.title if mailing_list else key


# --- Links ----------------------------------------------------------------------------------------------------


class StaleLink(BadLink):
    """A genuine link that no longer works: the subscriber unsubscribed from everything, or was deleted."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


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


# --- Services -------------------------------------------------------------------------------------------------


def _validated_choices(list_keys: Iterable[str], frequency: str) -> tuple[list[MailingList], str]:
    keys = list(dict.fromkeys(key for key in list_keys if key))
    if not keys:
        raise ValidationError("Select at least one email alert.", code="no_lists")
    known = {mailing_list.key: mailing_list for mailing_list in all_lists()}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError("Select email alerts from the list.", code="unknown_list")
    if frequency not in Frequency.values:
        raise ValidationError("Select how often you want to get alerts.", code="unknown_frequency")
    return [known[key] for key in keys], frequency


def _replace_subscriptions(
    subscriber: Subscriber, lists: list[MailingList], *, frequency: str, major_only: bool
) -> None:
    keys = [mailing_list.key for mailing_list in lists]
    subscriber.subscriptions.exclude(list_key__in=keys).delete()
    existing = {subscription.list_key: subscription for subscription in subscriber.subscriptions.all()}
    to_create, to_update = [], []
    for mailing_list in lists:
        wanted_major_only = bool(major_only and mailing_list.supports_major_only)
        subscription = existing.get(mailing_list.key)
        if subscription is None:
            to_create.append(
                Subscription(
                    subscriber=subscriber,
                    list_key=mailing_list.key,
                    frequency=frequency,
                    major_only=wanted_major_only,
                )
            )
        elif subscription.frequency != frequency or subscription.major_only != wanted_major_only:
            subscription.frequency = frequency
            subscription.major_only = wanted_major_only
            to_update.append(subscription)
    Subscription.objects.bulk_create(to_create)
    Subscription.objects.bulk_update(to_update, ["frequency", "major_only"])


def _find_subscriber(email: str, *, for_update: bool = False) -> Subscriber | None:
    queryset = Subscriber.objects.select_for_update() if for_update else Subscriber.objects.all()
    return queryset.alias(email_lower=Lower("email")).filter(email_lower=email).first()


def _email_context(**extra) -> dict:
    return {"board": BoardSettings.get_solo(), "alerts_url": absolute_url(reverse("pages:alerts")), **extra}


def _queue_rendered(*, to: str, template: str, context: dict, category: str, headers: dict | None = None) -> None:
    subject = render_to_string(f"core/email/{template}_subject.txt", context)
    outbox.queue_email(
        to=to,
        subject=" ".join(subject.split()),
        text=render_to_string(f"core/email/{template}.txt", context),
        html=render_to_string(f"core/email/{template}.html", context),
        category=category,
        headers=headers,
    )


@transaction.atomic
def subscribe(
    *, email: str, list_keys: Iterable[str], frequency: str, major_only: bool, consent_text: str
) -> Subscriber:
    """Ask for alerts: record the choice and consent, and email a confirmation link (double opt-in).

    Someone already confirmed gets an email with a link to manage their alerts instead, and nothing
    changes until they use it, so nobody can change another person's alerts. The caller should say
    the same thing either way ("check your email") so that the page does not reveal who subscribes.
    """
    email = normalise_email(email)
    if not email or len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError("Enter an email address in the correct format, like name@example.com.", code="email")
    lists, frequency = _validated_choices(list_keys, frequency)

    subscriber = _find_subscriber(email, for_update=True)
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(email=email)
        except IntegrityError:  # the same address, sent twice at once
            subscriber = _find_subscriber(email, for_update=True)

    if subscriber.is_confirmed:
        token = manage_token(subscriber, max_age=MANAGE_LINK_LIFETIME)
        _queue_rendered(
            to=subscriber.email,
            template="already_subscribed",
            context=_email_context(manage_url=manage_url(subscriber, token=token), lists=lists),
            category="alerts.already_subscribed",
        )
        return subscriber

    subscriber.consent_text = consent_text
    subscriber.consent_at = timezone.now()
    subscriber.save(update_fields=["consent_text", "consent_at"])
    _replace_subscriptions(subscriber, lists, frequency=frequency, major_only=major_only)
    _queue_confirmation(subscriber, lists=lists, frequency=frequency)
    return subscriber


def _queue_confirmation(subscriber: Subscriber, *, lists: list[MailingList], frequency: str) -> None:
    _queue_rendered(
        to=subscriber.email,
        template="confirm",
        context=_email_context(
            confirm_url=confirm_url(subscriber),
            lists=lists,
            frequency_label=Frequency(frequency).label,
            lifetime_days=CONFIRM_LINK_LIFETIME.days,
        ),
        category="alerts.confirm",
    )


@transaction.atomic
def confirm(*, token: str) -> Subscriber:
    """Follow a confirmation link: from now on the subscriber gets alerts. Confirming twice is harmless."""
    subscriber = subscriber_from_token(CONFIRM_PURPOSE, token, for_update=True)
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def update_preferences(*, subscriber: Subscriber, list_keys: Iterable[str], frequency: str, major_only: bool) -> None:
    """Replace a subscriber's lists, frequency and major-changes-only choice."""
    lists, frequency = _validated_choices(list_keys, frequency)
    # One change at a time per subscriber: two tabs saving at once must not interleave.
    Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    _replace_subscriptions(subscriber, lists, frequency=frequency, major_only=major_only)


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber, list_key: str | None = None) -> int:
    """Stop one list's alerts, or (``list_key=None``) all of them; return how many subscriptions ended.

    Unsubscribing from everything also withdraws the confirmation and bumps ``token_version``,
    so every link sent before dies; the address is deleted by the daily purge.
    """
    if list_key is not None:
        deleted, _ = subscriber.subscriptions.filter(list_key=list_key).delete()
        return deleted
    deleted, _ = subscriber.subscriptions.all().delete()
    subscriber.token_version += 1
    subscriber.confirmed_at = None
    subscriber.save(update_fields=["token_version", "confirmed_at"])
    return deleted


@transaction.atomic
def send_manage_link(*, email: str) -> None:
    """Email a link to manage alerts, or a new confirmation link to someone who never confirmed.

    An address we do not know gets nothing; the page says the same thing either way.
    """
    subscriber = _find_subscriber(normalise_email(email))
    if subscriber is None:
        return
    if subscriber.is_confirmed:
        token = manage_token(subscriber, max_age=MANAGE_LINK_LIFETIME)
        _queue_rendered(
            to=subscriber.email,
            template="manage_link",
            context=_email_context(
                manage_url=manage_url(subscriber, token=token), lifetime_days=MANAGE_LINK_LIFETIME.days
            ),
            category="alerts.manage_link",
        )
        return
    subscriptions = list(subscriber.subscriptions.all())
    if not subscriptions:
        return
    known = {mailing_list.key: mailing_list for mailing_list in all_lists()}
    lists = [known[sub.list_key] for sub in subscriptions if sub.list_key in known]
    if lists:
        _queue_confirmation(subscriber, lists=lists, frequency=subscriptions[0].frequency)


def purge_stale_subscribers(*, now: datetime | None = None) -> int:
    """Delete sign-ups left unconfirmed past their retention period, and addresses with no alerts left.

    The period is PRIVACY_UNCONFIRMED_SUBSCRIBERS_KEPT_DAYS, the one the privacy notice states.
    """
    from .privacy import retention

    cutoff = (now or timezone.now()) - timedelta(days=retention().unconfirmed_subscribers_days)
    unconfirmed_expired = Q(confirmed_at__isnull=True) & (
        Q(consent_at__lt=cutoff) | Q(consent_at__isnull=True, created_at__lt=cutoff)
    )
    stale = Subscriber.objects.annotate(subscription_count=Count("subscriptions")).filter(
        unconfirmed_expired | Q(subscription_count=0)
    )
    _, deleted = Subscriber.objects.filter(pk__in=stale.values("pk")).delete()
    return deleted.get(Subscriber._meta.label, 0)


# --- Sending --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailContent:
    """What an app wants to say to one subscriber; the base adds the footer and unsubscribe headers."""

    subject: str
    text: str
    html: str = ""
    attachments: tuple = ()


def unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _existing_dedupe_keys(prefix: str) -> set[str]:
    return set(OutboxMessage.objects.filter(dedupe_key__startswith=prefix).values_list("dedupe_key", flat=True))


class _PersonalLinks:
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


class _Frame:
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


def _write_messages(messages: Iterable[outbox.OutgoingEmail]) -> int:
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
    return _write_messages(_alert_messages(list_key=list_key, event_key=event_key, build=build))


def _alert_messages(*, list_key: str, event_key: str, build) -> Iterable[outbox.OutgoingEmail]:
    mailing_list = get_list(list_key)
    already_sent = _existing_dedupe_keys(f"{event_key}:")
    subscriptions = (
        Subscription.objects.filter(
            list_key=list_key, frequency=Frequency.IMMEDIATE, subscriber__confirmed_at__isnull=False
        )
        .select_related("subscriber")
        .order_by("subscriber_id")
    )
    links = _PersonalLinks()
    frame = _Frame(
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


# --- The weekly digest ----------------------------------------------------------------------------------------


def digest_window(at: datetime) -> tuple[datetime, datetime] | None:
    """The week a digest run at ``at`` covers, or None if ``at`` is not Monday 7am in London.

    The worker's cron runs in UTC, so the job is scheduled at both 6:00 and 7:00 UTC on Mondays
    and only the run that falls at 7am London time (BST or GMT) sends anything.
    """
    local = at.astimezone(DIGEST_TIMEZONE)
    if local.weekday() != DIGEST_WEEKDAY or local.hour != DIGEST_HOUR:
        return None
    until = local.replace(minute=0, second=0, microsecond=0)
    # Aware arithmetic in one zone keeps the wall-clock time: 7am a week earlier, across a clock change too.
    since = until - timedelta(days=7)
    return since, until


def digest_dedupe_prefix(until: datetime) -> str:
    iso_year, iso_week, _ = until.astimezone(DIGEST_TIMEZONE).isocalendar()
    return f"digest:{iso_year}-W{iso_week}:"


def send_weekly_digests(*, since: datetime, until: datetime) -> int:
    """Send each confirmed subscriber with weekly subscriptions one email holding their lists' parts.

    Someone whose lists have nothing to say for the week gets no email. The dedupe key
    ``digest:<ISO year>-W<ISO week>:<subscriber id>`` (the week ``until`` falls in) makes a second
    run in the same week send nothing. Returns how many emails were queued.
    """
    queued = _write_messages(_digest_messages(since=since, until=until))
    logger.info("Weekly digest for %s to %s: %d emails queued", since, until, queued)
    return queued


def _digest_messages(*, since: datetime, until: datetime) -> Iterable[outbox.OutgoingEmail]:
    prefix = digest_dedupe_prefix(until)
    already_sent = _existing_dedupe_keys(prefix)
    lists = {mailing_list.key: mailing_list for mailing_list in all_lists()}
    board = BoardSettings.get_solo()
    links = _PersonalLinks()
    parts: dict[tuple[str, bool], DigestPart | None] = {}
    # Many people choose the same lists: one rendered email per combination of parts.
    frames: dict[tuple, tuple[str, _Frame]] = {}
    subscriptions = (
        Subscription.objects.filter(frequency=Frequency.WEEKLY, subscriber__confirmed_at__isnull=False)
        .select_related("subscriber")
        .order_by("subscriber_id", "list_key")
    )
    for subscriber_id, group in groupby(subscriptions.iterator(chunk_size=2000), key=attrgetter("subscriber_id")):
        dedupe_key = f"{prefix}{subscriber_id}"
        if dedupe_key in already_sent:
            continue
        sections, weekly_keys = [], []
        subscriber = None
        for subscription in group:
            subscriber = subscription.subscriber
            weekly_keys.append(subscription.list_key)
            mailing_list = lists.get(subscription.list_key)
            if mailing_list is None or mailing_list.digest is None:
                continue
            part_key = (subscription.list_key, subscription.major_only)
            if part_key not in parts:
                parts[part_key] = mailing_list.digest(subscription, since, until)
            if parts[part_key] is not None:
                sections.append((part_key, mailing_list, parts[part_key]))
        if not sections:
            continue
        combination = tuple(part_key for part_key, _, _ in sections)
        if combination not in frames:
            frames[combination] = _digest_frame(sections, board=board, since=since, until=until)
        subject, frame = frames[combination]
        # One click stops the digest: every weekly list, not only those with news this week.
        manage, unsubscribe = links.for_subscriber(subscriber, weekly_keys)
        text, html = frame.render(manage=manage, unsubscribe=unsubscribe)
        yield outbox.OutgoingEmail(
            to=subscriber.email,
            subject=subject,
            text=text,
            html=html,
            headers=unsubscribe_headers(unsubscribe),
            category="alerts.digest",
            dedupe_key=dedupe_key,
        )


def _digest_frame(sections, *, board, since, until) -> tuple[str, _Frame]:
    context = {
        "board": board,
        "sections": [part for _, _, part in sections],
        "since": since,
        "until": until,
        "list_titles": [mailing_list.title for _, mailing_list, _ in sections],
    }
    subject = render_to_string("core/email/digest_subject.txt", context)
    frame = _Frame(text_template="core/email/digest.txt", html_template="core/email/digest.html", context=context)
    return subject, frame


def run_weekly_digest(*, at: datetime) -> int:
    """The periodic job's body: send the digest if ``at`` is the digest hour, otherwise do nothing."""
    window = digest_window(at)
    if window is None:
        return 0
    since, until = window
    return send_weekly_digests(since=since, until=until)
