"""The subscribers back office: who gets what, at a glance, without one query per row."""

import pytest
from django.urls import reverse

from lscb_portal.core.models import Frequency, Subscriber
from lscb_portal.core.roles import BOARD_MANAGERS
from lscb_portal.core.subscriptions import MailingList
from tests.core.factories import StaffUserFactory, SubscriberFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:core_subscriber_changelist")


@pytest.fixture(autouse=True)
def alert_lists(only_lists):
    only_lists(
        MailingList(key="procedures.updates", title="Procedure updates"),
        MailingList(key="training.alerts", title="Training places"),
    )


def subscriber_with(*keys, **kwargs):
    subscriber = SubscriberFactory(**kwargs)
    for key in keys:
        SubscriptionFactory(subscriber=subscriber, list_key=key, frequency=Frequency.WEEKLY)
    return subscriber


def rows(response) -> list[str]:
    return [subscriber.email for subscriber in response.context["cl"].result_list]


def test_the_list_shows_counts_without_a_query_per_subscriber(admin_client, django_assert_max_num_queries):
    for n in range(30):
        subscriber_with("procedures.updates", "training.alerts", email=f"person{n:02d}@example.org")
    admin_client.get(CHANGELIST)  # warm the session and content types

    with django_assert_max_num_queries(12):
        response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "person00@example.org" in html
    assert '<td class="field-subscription_count">2</td>' in html


def test_filters_answer_who_is_confirmed_and_who_gets_a_list(admin_client):
    subscriber_with("procedures.updates", email="confirmed@example.org")
    subscriber_with("training.alerts", email="pending@example.org", confirmed_at=None)

    assert rows(admin_client.get(CHANGELIST, {"confirmed": "no"})) == ["pending@example.org"]
    assert rows(admin_client.get(CHANGELIST, {"confirmed": "yes"})) == ["confirmed@example.org"]
    assert rows(admin_client.get(CHANGELIST, {"list": "training.alerts"})) == ["pending@example.org"]
    assert rows(admin_client.get(CHANGELIST, {"frequency": "weekly"})) == [
        "confirmed@example.org",
        "pending@example.org",
    ]
    assert rows(admin_client.get(CHANGELIST, {"frequency": "immediate"})) == []
    assert rows(admin_client.get(CHANGELIST, {"q": "pending"})) == ["pending@example.org"]


def test_the_change_page_shows_consent_read_only_and_the_subscriptions_inline(admin_client):
    subscriber = subscriber_with("procedures.updates", consent_text="I agree to the wording shown on 4 March.")

    html = admin_client.get(reverse("admin:core_subscriber_change", args=[subscriber.pk])).content.decode()

    assert "I agree to the wording shown on 4 March." in html
    assert 'name="consent_text"' not in html
    assert 'name="email"' not in html
    assert "Procedure updates (procedures.updates)" in html


def test_subscribers_cannot_be_added_in_the_back_office(admin_client):
    assert admin_client.get(reverse("admin:core_subscriber_add")).status_code == 403


def test_a_board_manager_can_unsubscribe_someone_from_everything(client):
    manager = StaffUserFactory(role=BOARD_MANAGERS)
    client.force_login(manager)
    leaving = subscriber_with("procedures.updates", "training.alerts")
    staying = subscriber_with("procedures.updates")

    response = client.post(
        CHANGELIST, {"action": "unsubscribe_from_everything", "_selected_action": [leaving.pk]}, follow=True
    )

    assert "1 subscriber will get no more alerts" in response.content.decode()
    leaving.refresh_from_db()
    assert not leaving.subscriptions.exists()
    assert leaving.token_version == 2
    assert Subscriber.objects.get(pk=staying.pk).subscriptions.count() == 1
