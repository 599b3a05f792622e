"""The subscription services: sign up, confirm, change, unsubscribe, and the registry of lists."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from lscb_portal.core import subscriptions
from lscb_portal.core.models import Frequency, OutboxMessage, Subscriber, Subscription
from lscb_portal.core.signing import BadLink
from lscb_portal.core.subscriptions import MailingList
from tests.core.factories import SubscriberFactory, SubscriptionFactory

CONSENT = "I agree that the partnership may keep my email address to send me the alerts I choose."
NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert_lists(only_lists):
    """Two throwaway lists in an otherwise empty registry (the apps' lists are put back afterwards)."""
    return only_lists(
        MailingList(key="bulletin.weekly_news", title="Weekly news bulletin"),
        MailingList(key="manual.updates", title="Manual updates", supports_major_only=True),
    )


def link_path(message: OutboxMessage, kind: str) -> str:
    match = re.search(rf"https?://\S+/alerts/{kind}/[^/\s]+/", message.body_text)
    assert match, f"no {kind} link in: {message.body_text}"
    return urlsplit(match.group(0)).path


def token_from(path: str) -> str:
    return path.rstrip("/").split("/")[-1]


def subscribe(email="Practitioner@Example.org ", keys=("bulletin.weekly_news",), **kwargs):
    options = {"frequency": Frequency.IMMEDIATE, "major_only": False, "consent_text": CONSENT, **kwargs}
    return subscriptions.subscribe(email=email, list_keys=list(keys), **options)


# --- the registry ---


def test_registry_lists_registered_and_provided_lists_and_finds_them_by_key(alert_lists):
    provided = MailingList(key="bulletin.series.summer", title="Summer newsletter")
    subscriptions.register_list_provider(lambda: [provided])

    assert [item.key for item in subscriptions.all_lists()] == [
        "bulletin.weekly_news",
        "manual.updates",
        "bulletin.series.summer",
    ]
    assert subscriptions.get_list("bulletin.series.summer") == provided
    assert subscriptions.get_list("nothing.here") is None
    groups = subscriptions.list_groups()
    assert [(group.key, [item.key for item in group.lists]) for group in groups] == [
        ("bulletin", ["bulletin.weekly_news", "bulletin.series.summer"]),
        ("manual", ["manual.updates"]),
    ]


def test_group_titles_come_from_the_app_when_the_prefix_is_an_app_label():
    assert subscriptions.group_title("procedures") == "Procedures"
    assert subscriptions.group_title("not_an_app") == "Not an app"


@pytest.mark.parametrize("key", ["nodot", "Upper.case", "spaces in.key", "bad..dots", "x." + "a" * 130])
def test_register_list_refuses_keys_that_are_not_app_prefixed(alert_lists, key):
    with pytest.raises(ValueError, match="must be '<app>.<name>'"):
        subscriptions.register_list(MailingList(key=key, title="Anything"))
    assert subscriptions.get_list(key) is None


# --- subscribe ---


@time_machine.travel(NOW, tick=False)
def test_subscribe_records_the_choice_and_consent_and_sends_a_confirmation_link(alert_lists):
    subscriber = subscribe(
        keys=["bulletin.weekly_news", "manual.updates"], frequency=Frequency.WEEKLY, major_only=True
    )

    subscriber.refresh_from_db()
    assert subscriber.email == "practitioner@example.org"
    assert subscriber.confirmed_at is None
    assert subscriber.consent_text == CONSENT
    assert subscriber.consent_at == NOW
    rows = list(subscriber.subscriptions.values_list("list_key", "frequency", "major_only"))
    # major_only only sticks to the list that offers it
    assert rows == [("bulletin.weekly_news", "weekly", False), ("manual.updates", "weekly", True)]

    message = OutboxMessage.objects.get()
    assert message.to == "practitioner@example.org"
    assert message.subject.startswith("Confirm your email alerts")
    assert "Weekly news bulletin" in message.body_text
    assert "Manual updates" in message.body_text
    assert "within 3 days" in message.body_text
    assert "Confirm my alerts" in message.body_html
    token = token_from(link_path(message, "confirm"))
    assert subscriptions.subscriber_from_token(subscriptions.CONFIRM_PURPOSE, token) == subscriber


def test_subscribing_again_before_confirming_replaces_the_choice_and_sends_a_new_link(alert_lists):
    first = subscribe(keys=["bulletin.weekly_news"])
    second = subscribe(email="practitioner@example.org", keys=["manual.updates"], frequency=Frequency.WEEKLY)

    assert first.pk == second.pk
    assert Subscriber.objects.count() == 1
    assert list(second.subscriptions.values_list("list_key", "frequency")) == [("manual.updates", "weekly")]
    assert OutboxMessage.objects.filter(subject__startswith="Confirm").count() == 2


def test_someone_already_confirmed_gets_a_manage_link_and_nothing_changes(alert_lists):
    subscriber = SubscriberFactory(email="lead@school.example.org", consent_text="Earlier wording")
    SubscriptionFactory(subscriber=subscriber, list_key="manual.updates", frequency=Frequency.WEEKLY)

    subscribe(email="LEAD@school.example.org", keys=["bulletin.weekly_news"])

    subscriber.refresh_from_db()
    assert subscriber.consent_text == "Earlier wording"
    assert list(subscriber.subscriptions.values_list("list_key", "frequency")) == [("manual.updates", "weekly")]
    message = OutboxMessage.objects.get()
    assert message.to == "lead@school.example.org"
    assert "You already get email alerts" in message.body_text
    path = link_path(message, "manage")
    assert subscriptions.subscriber_from_token(subscriptions.MANAGE_PURPOSE, token_from(path)) == subscriber


@pytest.mark.parametrize(
    ("keys", "frequency", "code"),
    [
        ([], Frequency.IMMEDIATE, "no_lists"),
        (["bulletin.weekly_news", "made.up"], Frequency.IMMEDIATE, "unknown_list"),
        (["bulletin.weekly_news"], "hourly", "unknown_frequency"),
    ],
)
def test_subscribe_refuses_bad_choices_and_writes_nothing(alert_lists, keys, frequency, code):
    with pytest.raises(ValidationError) as error:
        subscribe(keys=keys, frequency=frequency)

    assert error.value.code == code
    assert not Subscriber.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_subscribe_refuses_an_address_that_is_too_long(alert_lists):
    with pytest.raises(ValidationError):
        subscribe(email="a" * 250 + "@example.org")
    assert not Subscriber.objects.exists()


# --- confirm ---


def test_confirm_starts_the_alerts_and_is_harmless_twice(alert_lists):
    subscriber = subscribe()
    token = subscriptions.confirm_token(subscriber)

    with time_machine.travel(NOW, tick=False):
        confirmed = subscriptions.confirm(token=token)
    subscriptions.confirm(token=token)

    confirmed.refresh_from_db()
    assert confirmed.confirmed_at == NOW


def test_a_confirmation_link_expires_after_three_days(alert_lists):
    with time_machine.travel(NOW, tick=False):
        subscriber = subscribe()
        token = subscriptions.confirm_token(subscriber)

    with time_machine.travel(NOW + dt.timedelta(days=3, seconds=1), tick=False), pytest.raises(BadLink) as error:
        subscriptions.confirm(token=token)

    assert error.value.expired
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_a_tampered_or_other_purpose_token_is_refused(alert_lists):
    subscriber = subscribe()
    token = subscriptions.confirm_token(subscriber)

    with pytest.raises(BadLink) as tampered:
        subscriptions.confirm(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(BadLink):
        subscriptions.confirm(token=subscriptions.manage_token(subscriber))

    assert not tampered.value.expired
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


# --- preferences and unsubscribing ---


def test_update_preferences_replaces_lists_frequency_and_major_only(alert_lists):
    subscriber = SubscriberFactory()
    kept = SubscriptionFactory(subscriber=subscriber, list_key="manual.updates")
    SubscriptionFactory(subscriber=subscriber, list_key="bulletin.weekly_news")

    subscriptions.update_preferences(
        subscriber=subscriber, list_keys=["manual.updates"], frequency=Frequency.WEEKLY, major_only=True
    )

    assert list(subscriber.subscriptions.values_list("pk", "list_key", "frequency", "major_only")) == [
        (kept.pk, "manual.updates", "weekly", True)
    ]


def test_update_preferences_refuses_an_empty_choice_and_keeps_what_was_there(alert_lists):
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber, list_key="manual.updates")

    with pytest.raises(ValidationError):
        subscriptions.update_preferences(
            subscriber=subscriber, list_keys=[], frequency=Frequency.WEEKLY, major_only=False
        )

    assert list(subscriber.subscriptions.values_list("list_key", flat=True)) == ["manual.updates"]


def test_unsubscribe_from_one_list_keeps_the_others_and_the_links(alert_lists):
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber, list_key="manual.updates")
    SubscriptionFactory(subscriber=subscriber, list_key="bulletin.weekly_news")
    token = subscriptions.manage_token(subscriber)

    assert subscriptions.unsubscribe(subscriber=subscriber, list_key="manual.updates") == 1

    assert list(subscriber.subscriptions.values_list("list_key", flat=True)) == ["bulletin.weekly_news"]
    assert subscriptions.subscriber_from_token(subscriptions.MANAGE_PURPOSE, token) == subscriber


def test_unsubscribe_from_everything_kills_every_earlier_link(alert_lists):
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber, list_key="manual.updates")
    SubscriptionFactory(subscriber=subscriber, list_key="bulletin.weekly_news")
    token = subscriptions.manage_token(subscriber)

    assert subscriptions.unsubscribe(subscriber=subscriber) == 2

    subscriber.refresh_from_db()
    assert subscriber.token_version == 2
    assert subscriber.confirmed_at is None
    assert not Subscription.objects.exists()
    with pytest.raises(subscriptions.StaleLink):
        subscriptions.subscriber_from_token(subscriptions.MANAGE_PURPOSE, token)


# --- "send me a link" ---


def test_send_manage_link_mails_a_manage_link_to_a_confirmed_subscriber(alert_lists):
    subscriber = SubscriberFactory(email="dsl@school.example.org")
    SubscriptionFactory(subscriber=subscriber, list_key="manual.updates")

    subscriptions.send_manage_link(email=" DSL@school.example.org")

    message = OutboxMessage.objects.get()
    assert message.to == "dsl@school.example.org"
    token = token_from(link_path(message, "manage"))
    assert subscriptions.subscriber_from_token(subscriptions.MANAGE_PURPOSE, token) == subscriber


def test_send_manage_link_resends_the_confirmation_to_someone_who_never_confirmed(alert_lists):
    subscriber = subscribe(email="new@example.org")
    OutboxMessage.objects.all().delete()

    subscriptions.send_manage_link(email="new@example.org")

    message = OutboxMessage.objects.get()
    token = token_from(link_path(message, "confirm"))
    assert subscriptions.confirm(token=token) == subscriber


def test_send_manage_link_sends_nothing_to_an_unknown_address(alert_lists):
    subscriptions.send_manage_link(email="stranger@example.org")
    assert not OutboxMessage.objects.exists()


# --- retention ---


def test_purge_deletes_old_unconfirmed_sign_ups_and_addresses_with_no_alerts(alert_lists):
    now = timezone.now()
    fresh = SubscriberFactory(confirmed_at=None, consent_at=now - dt.timedelta(days=6))
    SubscriptionFactory(subscriber=fresh)
    stale = SubscriberFactory(confirmed_at=None, consent_at=now - dt.timedelta(days=8))
    SubscriptionFactory(subscriber=stale)
    confirmed = SubscriberFactory(consent_at=now - dt.timedelta(days=400))
    SubscriptionFactory(subscriber=confirmed)
    SubscriberFactory()  # unsubscribed from everything

    assert subscriptions.purge_stale_subscribers(now=now) == 2

    assert set(Subscriber.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
