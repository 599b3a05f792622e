"""The weekly digest: Mondays at 7am London time, one email per weekly subscriber, sent once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lscb_portal.core import subscriptions, tasks
from lscb_portal.core.models import Frequency, OutboxMessage
from lscb_portal.core.subscriptions import DigestPart, MailingList
from tests.core.factories import SubscriberFactory, SubscriptionFactory

LONDON = ZoneInfo("Europe/London")
# Monday 9 March 2026, 7am GMT; Monday 6 July 2026, 7am BST (6am UTC).
WINTER_RUN = dt.datetime(2026, 3, 9, 7, 0, tzinfo=LONDON)
SUMMER_RUN = dt.datetime(2026, 7, 6, 7, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


class DigestSource:
    """A list's digest function that records its calls."""

    def __init__(self, title: str, text: str | None):
        self.title, self.text, self.calls = title, text, []

    def __call__(self, subscription, since, until):
        self.calls.append((subscription.list_key, subscription.major_only, since, until))
        if self.text is None:
            return None
        return DigestPart(title=self.title, text=self.text, html=f"<p>{self.text}</p>")


@pytest.fixture
def sources(only_lists):
    made = {
        "bulletin.weekly_news": DigestSource("Newsletter", "Issue 24 of the bulletin was published on Thursday."),
        "manual.updates": DigestSource("Procedures", "Chapter 4.2 was updated and should be read throughout."),
        "quiet.list": DigestSource("Quiet", None),
    }
    only_lists(*(MailingList(key=key, title=source.title + " alerts", digest=source) for key, source in made.items()))
    return made


def weekly(subscriber, *keys, **kwargs):
    for key in keys:
        SubscriptionFactory(subscriber=subscriber, list_key=key, frequency=Frequency.WEEKLY, **kwargs)


def run_job(at: dt.datetime) -> None:
    tasks.send_weekly_digests(timestamp=int(at.timestamp()))


def test_the_digest_holds_each_lists_part_and_is_sent_once_when_the_job_runs_twice(sources):
    both = SubscriberFactory(email="both@example.org")
    weekly(both, "bulletin.weekly_news", "manual.updates")
    one = SubscriberFactory(email="one@example.org")
    weekly(one, "manual.updates", "quiet.list")

    with time_machine.travel(WINTER_RUN, tick=False):
        run_job(WINTER_RUN)
        run_job(WINTER_RUN)

    messages = {message.to: message for message in OutboxMessage.objects.all()}
    assert sorted(messages) == ["both@example.org", "one@example.org"]
    text = messages["both@example.org"].body_text
    assert "NEWSLETTER" in text
    assert "Issue 24 of the bulletin was published on Thursday." in text
    assert "PROCEDURES" in text
    assert "Chapter 4.2 was updated" in text
    assert "<h2" in messages["both@example.org"].body_html
    assert "<p>Issue 24 of the bulletin was published on Thursday.</p>" in messages["both@example.org"].body_html
    assert "Issue 24" not in messages["one@example.org"].body_text
    assert messages["both@example.org"].dedupe_key == f"digest:2026-W11:{both.pk}"
    assert messages["both@example.org"].subject == (
        "Your weekly alerts from Safeguarding Children Partnership: week to 9 March 2026"
    )
    unsubscribe = messages["one@example.org"].headers["List-Unsubscribe"]
    assert "/unsubscribe/?list=manual.updates&list=quiet.list>" in unsubscribe
    assert "list=manual.updates&amp;list=quiet.list" in messages["one@example.org"].body_html


def test_the_digest_covers_the_week_up_to_monday_7am(sources):
    weekly(SubscriberFactory(), "manual.updates")

    run_job(WINTER_RUN)

    (key, major_only, since, until) = sources["manual.updates"].calls[0]
    assert (since, until) == (WINTER_RUN - dt.timedelta(days=7), WINTER_RUN)
    assert "2 March 2026 to 9 March 2026" in OutboxMessage.objects.get().body_text


def test_nobody_gets_an_empty_digest(sources):
    weekly(SubscriberFactory(), "quiet.list")

    run_job(WINTER_RUN)

    assert not OutboxMessage.objects.exists()


def test_only_confirmed_weekly_subscribers_get_the_digest(sources):
    weekly(SubscriberFactory(confirmed_at=None), "manual.updates")
    SubscriptionFactory(list_key="manual.updates", frequency=Frequency.IMMEDIATE)

    run_job(WINTER_RUN)

    assert not OutboxMessage.objects.exists()


def test_each_lists_part_is_built_once_per_run_and_major_only_choice(sources):
    for _ in range(5):
        weekly(SubscriberFactory(), "manual.updates")
    weekly(SubscriberFactory(), "manual.updates", major_only=True)

    run_job(WINTER_RUN)

    assert sorted((key, major) for key, major, *_ in sources["manual.updates"].calls) == [
        ("manual.updates", False),
        ("manual.updates", True),
    ]
    assert OutboxMessage.objects.count() == 6


@pytest.mark.parametrize(
    ("run_at", "sends"),
    [
        (dt.datetime(2026, 3, 9, 7, 0, tzinfo=dt.UTC), True),  # 7am GMT
        (dt.datetime(2026, 3, 9, 6, 0, tzinfo=dt.UTC), False),  # 6am GMT
        (dt.datetime(2026, 7, 6, 6, 0, tzinfo=dt.UTC), True),  # 7am BST
        (dt.datetime(2026, 7, 6, 7, 0, tzinfo=dt.UTC), False),  # 8am BST
        (dt.datetime(2026, 3, 10, 7, 0, tzinfo=dt.UTC), False),  # a Tuesday
    ],
)
def test_only_the_run_at_7am_london_time_sends(sources, run_at, sends):
    weekly(SubscriberFactory(), "manual.updates")

    run_job(run_at)

    assert OutboxMessage.objects.exists() is sends


def test_the_digest_window_keeps_7am_across_the_clock_change():
    # The clocks went forward on Sunday 29 March 2026.
    since, until = subscriptions.digest_window(dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC))
    assert until == dt.datetime(2026, 3, 30, 7, 0, tzinfo=LONDON)
    assert since.astimezone(LONDON).hour == 7
    assert since.astimezone(dt.UTC) == dt.datetime(2026, 3, 23, 7, 0, tzinfo=dt.UTC)


def test_the_digest_makes_a_handful_of_queries(sources, django_assert_max_num_queries):
    for _ in range(40):
        weekly(SubscriberFactory(), "manual.updates", "bulletin.weekly_news")

    with django_assert_max_num_queries(12):
        run_job(SUMMER_RUN)

    assert OutboxMessage.objects.count() == 40
