"""notify(): one email per confirmed immediate subscriber, exactly once per event."""

from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client

from lscb_portal.core import subscriptions
from lscb_portal.core.models import Frequency, OutboxMessage, Subscription
from lscb_portal.core.subscriptions import EmailContent, MailingList
from tests.concurrency import at_the_same_moment
from tests.core.factories import SubscriberFactory, SubscriptionFactory

LIST_KEY = "manual.updates"


@pytest.fixture
def alert_lists(only_lists):
    only_lists(
        MailingList(key=LIST_KEY, title="Manual updates", supports_major_only=True),
        MailingList(key="bulletin.weekly_news", title="Weekly news bulletin"),
    )


def update_email(subscription: Subscription) -> EmailContent:
    return EmailContent(
        subject="Procedures updated: March round",
        text="Chapter 4.2, Children missing from home, has been updated.",
        html="<p>Chapter 4.2, <strong>Children missing from home</strong>, has been updated.</p>",
    )


@pytest.mark.django_db
def test_notify_mails_confirmed_immediate_subscribers_of_the_list_only(alert_lists):
    wanted = SubscriptionFactory(list_key=LIST_KEY, subscriber__email="wanted@example.org")
    SubscriptionFactory(list_key=LIST_KEY, subscriber__confirmed_at=None)
    SubscriptionFactory(list_key=LIST_KEY, frequency=Frequency.WEEKLY)
    SubscriptionFactory(list_key="bulletin.weekly_news")

    assert subscriptions.notify(list_key=LIST_KEY, event_key="round:7", build=update_email) == 1

    message = OutboxMessage.objects.get()
    assert message.to == "wanted@example.org"
    assert message.dedupe_key == f"round:7:{wanted.subscriber_id}"
    assert message.category == LIST_KEY
    assert message.subject == "Procedures updated: March round"
    assert message.body_text.startswith("Chapter 4.2, Children missing from home, has been updated.")
    assert "signed up for email alerts from Safeguarding Children Partnership: Manual updates." in message.body_text
    assert "/alerts/manage/" in message.body_text
    assert "<strong>Children missing from home</strong>" in message.body_html
    assert "Change your email alerts" in message.body_html
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/alerts/manage/")
    assert url.endswith(f"/unsubscribe/?list={LIST_KEY}")
    assert url in message.body_text


@pytest.mark.django_db
def test_notify_twice_for_the_same_event_mails_nobody_twice(alert_lists):
    SubscriptionFactory.create_batch(3, list_key=LIST_KEY)

    first = subscriptions.notify(list_key=LIST_KEY, event_key="round:7", build=update_email)
    late_joiner = SubscriptionFactory(list_key=LIST_KEY)
    second = subscriptions.notify(list_key=LIST_KEY, event_key="round:7", build=update_email)

    assert (first, second) == (3, 1)
    assert OutboxMessage.objects.count() == 4
    assert OutboxMessage.objects.filter(dedupe_key=f"round:7:{late_joiner.subscriber_id}").exists()
    # another event is another email
    assert subscriptions.notify(list_key=LIST_KEY, event_key="round:8", build=update_email) == 4


@pytest.mark.django_db
def test_notify_defers_one_delivery_job_per_email(alert_lists, jobs):
    SubscriptionFactory.create_batch(3, list_key=LIST_KEY)

    subscriptions.notify(list_key=LIST_KEY, event_key="round:7", build=update_email)

    assert len(jobs.pending("core.deliver_email")) == 3


@pytest.mark.django_db
def test_build_returning_none_skips_that_subscriber(alert_lists):
    SubscriptionFactory(list_key=LIST_KEY, major_only=True)
    everything = SubscriptionFactory(list_key=LIST_KEY, major_only=False)

    def minor_change(subscription):
        return None if subscription.major_only else update_email(subscription)

    assert subscriptions.notify(list_key=LIST_KEY, event_key="round:7", build=minor_change) == 1
    assert OutboxMessage.objects.get().to == everything.subscriber.email


@pytest.mark.django_db
def test_notify_rolls_back_with_the_callers_transaction(alert_lists):
    SubscriptionFactory(list_key=LIST_KEY)

    def publish_then_fail():
        with transaction.atomic():
            subscriptions.notify(list_key=LIST_KEY, event_key="round:7", build=update_email)
            raise RuntimeError("publishing failed")

    with pytest.raises(RuntimeError):
        publish_then_fail()

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_notify_makes_a_handful_of_queries_however_many_subscribers(alert_lists, django_assert_max_num_queries):
    subscribers = SubscriberFactory.create_batch(300)
    Subscription.objects.bulk_create([Subscription(subscriber=s, list_key=LIST_KEY) for s in subscribers])

    with django_assert_max_num_queries(12):
        queued = subscriptions.notify(list_key=LIST_KEY, event_key="round:7", build=update_email)

    assert queued == 300
    assert OutboxMessage.objects.values("to").distinct().count() == 300


@pytest.mark.django_db
def test_the_one_click_url_in_the_header_unsubscribes_without_a_csrf_token(alert_lists):
    subscription = SubscriptionFactory(list_key=LIST_KEY)
    SubscriptionFactory(subscriber=subscription.subscriber, list_key="bulletin.weekly_news")
    subscriptions.notify(list_key=LIST_KEY, event_key="round:7", build=update_email)
    url = urlsplit(OutboxMessage.objects.get().headers["List-Unsubscribe"].strip("<>"))

    response = Client(enforce_csrf_checks=True).post(
        f"{url.path}?{url.query}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    assert list(subscription.subscriber.subscriptions.values_list("list_key", flat=True)) == ["bulletin.weekly_news"]


@pytest.mark.django_db(transaction=True)
def test_notify_called_concurrently_still_mails_each_subscriber_once(alert_lists):
    """Two publishers notifying for the same event at once: the dedupe key lets one row through."""
    subscriptions_made = SubscriptionFactory.create_batch(20, list_key=LIST_KEY)

    def build(subscription):
        return update_email(subscription)

    def publish(n, together):
        with transaction.atomic():
            together()
            return subscriptions.notify(list_key=LIST_KEY, event_key="round:9", build=build)

    results, errors = at_the_same_moment(publish)

    assert errors == []
    assert sum(results) == 20  # each call reports only the emails it queued
    assert OutboxMessage.objects.filter(dedupe_key__startswith="round:9:").count() == len(subscriptions_made)
