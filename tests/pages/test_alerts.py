"""The alerts pages: subscribe, check your email, confirm, manage, unsubscribe, ask for a new link."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client

from lscb_portal.core import subscriptions
from lscb_portal.core.models import Frequency, OutboxMessage, Subscriber
from lscb_portal.core.subscriptions import MailingList
from tests.core.factories import SubscriberFactory, SubscriptionFactory

NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert_lists(only_lists):
    only_lists(
        MailingList(
            key="newsletters.series.bulletin", title="Frontline News", description="Every issue, as published"
        ),
        MailingList(key="newsletters.series.summer", title="Summer newsletter"),
        MailingList(key="procedures.updates", title="Procedure updates", supports_major_only=True),
        MailingList(key="training.alerts", title="Training places"),
    )


def subscribe_data(**overrides):
    data = {
        "lists_newsletters": ["newsletters.series.bulletin"],
        "lists_procedures": ["procedures.updates"],
        "frequency": "immediate",
        "email": "practitioner@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def link_from(message: OutboxMessage, kind: str) -> str:
    match = re.search(rf"https?://\S+/alerts/{kind}/[^/\s]+/", message.body_text)
    assert match, message.body_text
    return urlsplit(match.group(0)).path


def subscriber_with(*keys, **kwargs):
    subscriber = SubscriberFactory(**kwargs)
    for key in keys:
        SubscriptionFactory(subscriber=subscriber, list_key=key)
    return subscriber


def manage_path(subscriber):
    return f"/alerts/manage/{subscriptions.manage_token(subscriber)}/"


# --- the hub ---


def test_the_hub_offers_every_list_grouped_by_app_with_frequency_major_only_and_consent(
    client, alert_lists, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/alerts/")

    html = response.content.decode()
    assert response.status_code == 200
    legends = re.findall(r'<legend class="govuk-fieldset__legend[^"]*">\s*(.*?)\s*</legend>', html, re.S)
    assert [re.sub(r"<[^>]+>", "", legend).strip() for legend in legends[:4]] == [
        "Newsletters",
        "Procedures",
        "Training",
        "How often do you want emails?",
    ]
    for key in ["newsletters.series.bulletin", "newsletters.series.summer", "procedures.updates", "training.alerts"]:
        assert f'value="{key}"' in html
    assert "Every issue, as published" in html
    assert 'value="immediate"' in html
    assert 'value="weekly"' in html
    assert "Only tell me about major changes" in html
    assert "For Procedure updates: leave out small corrections" in html
    assert "I agree that Safeguarding Children Partnership may keep my email address" in html
    assert 'autocomplete="email"' in html


def test_the_hub_leaves_out_major_only_when_no_list_offers_it(client, only_lists):
    only_lists(MailingList(key="training.alerts", title="Training places"))

    html = client.get("/alerts/").content.decode()

    assert "major changes" not in html
    assert 'value="training.alerts"' in html


@pytest.mark.usefixtures("only_lists")
def test_the_hub_says_so_when_there_are_no_lists(client):
    response = client.get("/alerts/")

    assert "There are no email alerts to sign up for" in response.content.decode()
    assert "<form" not in response.content.decode().split('id="main-content"')[1].split("</main>")[0]


# --- subscribing ---


def test_a_link_naming_a_list_opens_the_form_with_that_list_ticked(client, alert_lists):
    page = client.get("/alerts/?list=training.alerts&list=no.such.list").content.decode()

    ticked = re.findall(r'<input[^>]*value="([^"]+)"[^>]*checked|<input[^>]*checked[^>]*value="([^"]+)"', page)
    assert {value for pair in ticked for value in pair if value} == {"training.alerts", "immediate"}


@time_machine.travel(NOW, tick=False)
def test_subscribing_stores_the_choice_and_consent_wording_and_sends_a_confirmation(client, alert_lists):
    response = client.post("/alerts/", subscribe_data(frequency="weekly", major_only="on"))

    assert response.status_code == 302
    assert response["Location"] == "/alerts/check-your-email/"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "practitioner@example.org"
    assert subscriber.confirmed_at is None
    page = client.get("/alerts/").content.decode()
    assert subscriber.consent_text in page  # the exact wording shown beside the checkbox
    assert subscriber.consent_at == NOW
    assert list(subscriber.subscriptions.values_list("list_key", "frequency", "major_only")) == [
        ("newsletters.series.bulletin", "weekly", False),
        ("procedures.updates", "weekly", True),
    ]
    message = OutboxMessage.objects.get()
    assert message.to == "practitioner@example.org"
    assert link_from(message, "confirm").startswith("/alerts/confirm/")


def test_the_page_says_the_same_whether_or_not_the_address_already_gets_alerts(client, alert_lists):
    subscriber_with("procedures.updates", email="known@example.org")

    known = client.post("/alerts/", subscribe_data(email="known@example.org"), follow=True)
    new = client.post("/alerts/", subscribe_data(email="new@example.org"), follow=True)

    assert known.redirect_chain == new.redirect_chain == [("/alerts/check-your-email/", 302)]
    main = [r.content.decode().split("<main")[1] for r in (known, new)]
    assert main[0] == main[1]
    assert "Check your email" in main[0]
    assert {message.to: message.subject for message in OutboxMessage.objects.all()} == {
        "known@example.org": "Your email alerts from Safeguarding Children Partnership",
        "new@example.org": "Confirm your email alerts from Safeguarding Children Partnership",
    }


def test_missing_answers_are_listed_in_the_error_summary_and_what_was_typed_is_kept(client, alert_lists):
    response = client.post(
        "/alerts/", {"frequency": "", "email": "practitioner@example.org", "lists_training": ["training.alerts"]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Get email alerts" in html
    assert "There is a problem" in html
    assert '<a href="#id_frequency_1">Select how often you want emails</a>' in html
    assert '<a href="#id_consent">Confirm you agree to us keeping your email address to send you alerts</a>' in html
    assert 'value="practitioner@example.org"' in html
    assert re.search(r'value="training.alerts"\s+checked', html)
    assert not Subscriber.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_choosing_no_alert_is_an_error_linked_to_the_first_checkbox(client, alert_lists):
    response = client.post("/alerts/", subscribe_data(lists_newsletters=None, lists_procedures=None))

    html = response.content.decode()
    assert '<a href="#id_lists_newsletters_1">Select at least one email alert</a>' in html
    assert 'id="id_lists_newsletters_1"' in html
    assert not Subscriber.objects.exists()


# --- confirming ---


def test_following_the_confirmation_link_shows_a_button_and_only_the_post_confirms(client, alert_lists):
    client.post("/alerts/", subscribe_data())
    path = link_from(OutboxMessage.objects.get(), "confirm")

    page = client.get(path)

    assert page.status_code == 200
    assert "Confirm my alerts" in page.content.decode()
    assert '<meta name="robots" content="noindex' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert page["X-Robots-Tag"].startswith("noindex")
    assert Subscriber.objects.get().confirmed_at is None

    done = client.post(path, follow=True)

    assert Subscriber.objects.get().confirmed_at is not None
    assert done.redirect_chain[0][0].startswith("/alerts/manage/")
    assert "You have subscribed to email alerts" in done.content.decode()
    assert "Frontline News" in done.content.decode()


def test_an_expired_confirmation_link_is_refused_with_an_offer_of_a_new_one(client, alert_lists):
    with time_machine.travel(NOW, tick=False):
        client.post("/alerts/", subscribe_data())
    path = link_from(OutboxMessage.objects.get(), "confirm")

    with time_machine.travel(NOW + dt.timedelta(days=4), tick=False):
        page = client.get(path)
        post = client.post(path)

    assert page.status_code == post.status_code == 400
    html = post.content.decode()
    assert "This link has expired" in html
    assert "Send me a new link" in html
    assert 'action="/alerts/manage/"' in html
    assert Subscriber.objects.get().confirmed_at is None


@pytest.mark.parametrize("token", ["not-a-token", "eyJ2IjpbMSwxXX0:1vzUau:forged-signature-here"])
def test_a_tampered_link_gets_a_clear_page_not_an_error(client, alert_lists, token):
    for path in [f"/alerts/confirm/{token}/", f"/alerts/manage/{token}/", f"/alerts/manage/{token}/unsubscribe/"]:
        response = client.get(path)
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()


# --- managing ---


def test_the_manage_page_shows_the_current_alerts_and_saves_changes(client, alert_lists):
    subscriber = subscriber_with("procedures.updates", "training.alerts")
    path = manage_path(subscriber)

    page = client.get(path).content.decode()
    assert "Procedure updates" in page
    assert re.search(r'value="procedures.updates"\s+checked', page)
    assert not re.search(r'value="newsletters.series.summer"\s+checked', page)
    assert f"{path}unsubscribe/?list=training.alerts" in page

    response = client.post(
        path,
        {
            "lists_newsletters": ["newsletters.series.summer"],
            "lists_procedures": ["procedures.updates"],
            "frequency": "weekly",
            "major_only": "on",
        },
        follow=True,
    )

    assert "Your email alerts have been updated" in response.content.decode()
    assert list(subscriber.subscriptions.values_list("list_key", "frequency", "major_only")) == [
        ("newsletters.series.summer", "weekly", False),
        ("procedures.updates", "weekly", True),
    ]


def test_the_manage_page_refuses_an_empty_choice_and_keeps_the_alerts(client, alert_lists):
    subscriber = subscriber_with("procedures.updates")

    response = client.post(manage_path(subscriber), {"frequency": "weekly"})

    assert response.status_code == 200
    assert "Select at least one email alert" in response.content.decode()
    assert list(subscriber.subscriptions.values_list("list_key", "frequency")) == [("procedures.updates", "immediate")]


# --- unsubscribing ---


def test_get_on_the_unsubscribe_page_changes_nothing(client, alert_lists):
    subscriber = subscriber_with("procedures.updates", "training.alerts")

    response = client.get(f"{manage_path(subscriber)}unsubscribe/?list=procedures.updates")

    assert response.status_code == 200
    assert "Unsubscribe from Procedure updates" in response.content.decode()
    assert subscriber.subscriptions.count() == 2


def test_posting_the_unsubscribe_form_needs_the_csrf_token(alert_lists):
    subscriber = subscriber_with("procedures.updates", "training.alerts")
    path = f"{manage_path(subscriber)}unsubscribe/?list=procedures.updates"
    browser = Client(enforce_csrf_checks=True)

    refused = browser.post(path)
    assert refused.status_code == 403
    assert subscriber.subscriptions.count() == 2

    page = browser.get(path).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    done = browser.post(path, {"csrfmiddlewaretoken": csrf}, follow=True)

    assert "You have unsubscribed from Procedure updates" in done.content.decode()
    assert list(subscriber.subscriptions.values_list("list_key", flat=True)) == ["training.alerts"]


def test_unsubscribing_from_everything_ends_the_alerts_and_the_old_links(client, alert_lists):
    subscriber = subscriber_with("procedures.updates", "training.alerts")
    path = manage_path(subscriber)

    confirm_page = client.get(f"{path}unsubscribe/")
    assert "Unsubscribe from all email alerts" in confirm_page.content.decode()
    response = client.post(f"{path}unsubscribe/", follow=True)

    assert response.redirect_chain == [("/alerts/unsubscribed/", 302)]
    assert "You will not get any more email alerts" in response.content.decode()
    assert not subscriber.subscriptions.exists()
    stale = client.get(path)
    assert stale.status_code == 404
    assert "This link no longer works" in stale.content.decode()


def test_one_click_unsubscribe_needs_no_csrf_token_and_is_idempotent(alert_lists):
    subscriber = subscriber_with("procedures.updates", "training.alerts")
    path = f"{manage_path(subscriber)}unsubscribe/?list=procedures.updates"
    mail_client = Client(enforce_csrf_checks=True)

    first = mail_client.post(path, {"List-Unsubscribe": "One-Click"})
    second = mail_client.post(path, {"List-Unsubscribe": "One-Click"})

    assert first.status_code == second.status_code == 200
    assert list(subscriber.subscriptions.values_list("list_key", flat=True)) == ["training.alerts"]


# --- asking for a new link ---


def test_asking_for_a_link_mails_a_manage_link_and_says_the_same_for_unknown_addresses(client, alert_lists):
    subscriber = subscriber_with("procedures.updates", email="dsl@school.example.org")

    known = client.post("/alerts/manage/", {"email": "DSL@school.example.org"})
    unknown = client.post("/alerts/manage/", {"email": "nobody@example.org"})

    assert known["Location"] == unknown["Location"] == "/alerts/check-your-email/"
    message = OutboxMessage.objects.get()
    assert message.to == "dsl@school.example.org"
    assert client.get(link_from(message, "manage")).context["subscriber"] == subscriber


def test_the_link_form_asks_for_a_valid_address(client, alert_lists):
    response = client.post("/alerts/manage/", {"email": "not an email"})

    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.com" in response.content.decode()
    assert 'value="not an email"' in response.content.decode()


def test_the_frequency_shown_on_the_manage_page_is_the_one_most_lists_use(client, alert_lists):
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber, list_key="procedures.updates", frequency=Frequency.WEEKLY)
    SubscriptionFactory(subscriber=subscriber, list_key="training.alerts", frequency=Frequency.WEEKLY)
    SubscriptionFactory(subscriber=subscriber, list_key="newsletters.series.summer")

    html = client.get(manage_path(subscriber)).content.decode()

    assert re.search(r'value="weekly"\s+checked', html)
