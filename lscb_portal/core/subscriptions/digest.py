"""The weekly digest: one email a week holding each weekly list's part."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import groupby
from operator import attrgetter
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

from .. import outbox
from ..models import BoardSettings, Frequency, Subscription
from .registry import DigestPart, all_lists
from .sending import Frame, PersonalLinks, existing_dedupe_keys, unsubscribe_headers, write_messages

logger = logging.getLogger(__name__)

DIGEST_TIMEZONE = ZoneInfo("Europe/London")
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 7


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
    queued = write_messages(_digest_messages(since=since, until=until))
    logger.info("Weekly digest for %s to %s: %d emails queued", since, until, queued)
    return queued


def _digest_messages(*, since: datetime, until: datetime) -> Iterable[outbox.OutgoingEmail]:
    prefix = digest_dedupe_prefix(until)
    already_sent = existing_dedupe_keys(prefix)
    lists = {mailing_list.key: mailing_list for mailing_list in all_lists()}
    board = BoardSettings.get_solo()
    links = PersonalLinks()
    parts: dict[tuple[str, bool], DigestPart | None] = {}
    # Many people choose the same lists: one rendered email per combination of parts.
    frames: dict[tuple, tuple[str, Frame]] = {}
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


def _digest_frame(sections, *, board, since, until) -> tuple[str, Frame]:
    context = {
        "board": board,
        "sections": [part for _, _, part in sections],
        "since": since,
        "until": until,
        "list_titles": [mailing_list.title for _, mailing_list, _ in sections],
    }
    subject = render_to_string("core/email/digest_subject.txt", context)
    frame = Frame(text_template="core/email/digest.txt", html_template="core/email/digest.html", context=context)
    return subject, frame


def run_weekly_digest(*, at: datetime) -> int:
    """The periodic job's body: send the digest if ``at`` is the digest hour, otherwise do nothing."""
    window = digest_window(at)
    if window is None:
        return 0
    since, until = window
    return send_weekly_digests(since=since, until=until)
