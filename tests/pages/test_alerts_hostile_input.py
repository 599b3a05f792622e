"""Hostile or broken input on the alerts forms gets a message on the page, never a 500."""

import pytest

from lscb_portal.core import subscriptions
from lscb_portal.core.models import OutboxMessage, Subscriber
from lscb_portal.core.subscriptions import MailingList

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def alert_lists(only_lists):
    only_lists(MailingList(key="procedures.updates", title="Procedure updates"))


def post(client, **overrides):
    data = {
        "lists_procedures": ["procedures.updates"],
        "frequency": "immediate",
        "email": "practitioner@example.org",
        "consent": "on",
    }
    data.update(overrides)
    return client.post("/alerts/", data)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("a" * 10_000 + "@example.org", "Email address must be 254 characters or fewer"),
        ("victim@example.org\r\nBcc: everyone@example.org", "Enter an email address in the correct format"),
        ("victim@example.org\nSubject: spam", "Enter an email address in the correct format"),
        ("victim@example.org, other@example.org", "Enter an email address in the correct format"),
        ("<script>alert(1)</script>@example.org", "Enter an email address in the correct format"),
        ("", "Enter your email address"),
    ],
)
def test_bad_email_addresses_get_a_message(client, email, message):
    response = post(client, email=email)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html
    assert not Subscriber.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"lists_procedures": ["procedures.updates", "made.up.list"]},
        {"lists_procedures": ["x" * 5000]},
        {"lists_nonexistent": ["procedures.updates"], "lists_procedures": []},
    ],
)
def test_unknown_list_keys_get_a_message(client, overrides):
    response = post(client, **overrides)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Select email alerts from the list" in html or "Select at least one email alert" in html
    assert not Subscriber.objects.exists()


def test_an_unknown_frequency_gets_a_message(client):
    response = post(client, frequency="every-second")

    assert response.status_code == 200
    assert "Select how often you want emails" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_manage_link_form_refuses_header_injection(client):
    response = client.post("/alerts/manage/", {"email": "dsl@example.org\r\nBcc: all@example.org"})

    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_a_list_withdrawn_while_the_form_was_open_gets_a_message(client, monkeypatch):
    real_subscribe = subscriptions.subscribe

    def withdrawn_meanwhile(**kwargs):
        subscriptions.unregister_list("procedures.updates")
        return real_subscribe(**kwargs)

    monkeypatch.setattr(subscriptions, "subscribe", withdrawn_meanwhile)

    response = post(client)

    assert response.status_code == 200
    assert "Select email alerts from the list" in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/alerts/manage/" + "A" * 3000 + "/",
        "/alerts/confirm/%00%0d%0a/",
        "/alerts/manage/..%2F..%2Fadmin/unsubscribe/?list=" + "z" * 2000,
    ],
)
def test_odd_tokens_get_a_clear_page(client, path):
    response = client.get(path)

    assert response.status_code in {400, 404}
    assert "link" in response.content.decode().lower()
