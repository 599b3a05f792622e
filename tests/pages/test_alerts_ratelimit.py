"""The alerts forms answer 429, in the portal's layout, when someone tries too often."""

import pytest

from lscb_portal.core.models import BoardSettings, OutboxMessage, Subscriber
from lscb_portal.core.subscriptions import MailingList

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock_held")]


@pytest.fixture(autouse=True)
def alert_lists(only_lists):
    only_lists(MailingList(key="procedures.updates", title="Procedure updates"))


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMIT_SCALE = 1
    settings.RATE_LIMITS = {
        "alerts.subscribe": {"email": (5, 3600), "ip": (300, 3600)},
        "alerts.manage_link": {"email": (5, 3600), "ip": (300, 3600)},
    }


def subscribe(client, email, ip="192.0.2.1"):
    data = {"lists_procedures": ["procedures.updates"], "frequency": "immediate", "email": email, "consent": "on"}
    return client.post("/alerts/", data, REMOTE_ADDR=ip)


def test_the_sixth_sign_up_for_one_address_in_an_hour_is_refused_with_a_429_page(client):
    board = BoardSettings.get_solo()
    board.name = "Northbrook Safeguarding Children Partnership"
    board.save()
    for n in range(5):
        assert subscribe(client, "dsl@school.example.org", ip=f"192.0.2.{n + 1}").status_code == 302

    response = subscribe(client, "DSL@school.example.org", ip="198.51.100.1")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert "Sorry, you have tried too many times" in html
    assert "Northbrook Safeguarding Children Partnership" in html  # the portal's layout
    assert OutboxMessage.objects.count() == 5


def test_one_ip_address_is_refused_after_its_generous_limit_scaled(client, settings):
    settings.RATE_LIMIT_SCALE = 0.01  # 300 an hour becomes 3
    for n in range(3):
        assert subscribe(client, f"person{n}@council.example.org").status_code == 302

    response = subscribe(client, "person9@council.example.org")

    assert response.status_code == 429
    assert not Subscriber.objects.filter(email="person9@council.example.org").exists()
    # another address carries on
    assert subscribe(client, "person9@council.example.org", ip="192.0.2.99").status_code == 302


def test_bad_attempts_count_too(client):
    for _ in range(5):
        assert client.post("/alerts/", {"email": "dsl@school.example.org"}).status_code == 200

    assert subscribe(client, "dsl@school.example.org").status_code == 429


def test_the_manage_link_form_is_limited_per_address(client):
    for _ in range(5):
        assert client.post("/alerts/manage/", {"email": "dsl@school.example.org"}).status_code == 302

    response = client.post("/alerts/manage/", {"email": "dsl@school.example.org"})

    assert response.status_code == 429
    assert "Retry-After" in response


def test_a_scale_of_zero_turns_the_limits_off(client, settings):
    settings.RATE_LIMIT_SCALE = 0
    for _ in range(8):
        assert subscribe(client, "dsl@school.example.org").status_code == 302
