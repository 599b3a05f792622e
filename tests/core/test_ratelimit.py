"""Rate limits counted in Postgres: tight per email address, generous per IP address, scalable."""

import datetime as dt
import logging

import pytest
import time_machine
from django.test import RequestFactory

from lscb_portal.core import ratelimit
from lscb_portal.core.models import RateLimitCounter
from lscb_portal.core.ratelimit import RateLimited

SCOPE = "test.form"
START = dt.datetime(2026, 3, 4, 10, 15, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.RATE_LIMITS = {SCOPE: {"email": (2, 3600), "ip": (4, 3600)}}
    settings.RATE_LIMIT_SCALE = 1
    settings.NUM_PROXIES = 0


def request_from(ip="192.0.2.10", forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/alerts/", **extra)


def attempts(count, *, email=None, ip="192.0.2.10"):
    for _ in range(count):
        ratelimit.check(request_from(ip), SCOPE, email=email)


@time_machine.travel(START, tick=False)
def test_the_same_email_address_is_limited_tightly():
    attempts(2, email="dsl@school.example.org")

    with pytest.raises(RateLimited) as error:
        ratelimit.check(request_from("198.51.100.7"), SCOPE, email=" DSL@School.example.org")

    assert error.value.kind == "email"
    # the window is the clock hour: 45 minutes left at 10:15
    assert error.value.retry_after == 45 * 60
    # another address is still fine
    ratelimit.check(request_from("198.51.100.7"), SCOPE, email="other@school.example.org")


@time_machine.travel(START, tick=False)
def test_one_ip_address_is_limited_generously_whatever_the_email():
    for n in range(4):
        ratelimit.check(request_from(), SCOPE, email=f"person{n}@council.example.org")

    with pytest.raises(RateLimited) as error:
        ratelimit.check(request_from(), SCOPE, email="person9@council.example.org")

    assert error.value.kind == "ip"
    ratelimit.check(request_from("192.0.2.11"), SCOPE, email="person9@council.example.org")


def test_the_default_limits_are_five_an_hour_per_email_and_300_per_ip(settings):
    settings.RATE_LIMITS = {}
    limits = ratelimit.limits_for("anything.else")
    assert limits["email"] == ratelimit.Limit(5, 3600)
    assert limits["ip"] == ratelimit.Limit(300, 3600)


@time_machine.travel(START, tick=False)
def test_the_scale_multiplies_every_limit(settings):
    settings.RATE_LIMIT_SCALE = 2
    attempts(4, email="dsl@school.example.org")
    with pytest.raises(RateLimited):
        attempts(1, email="dsl@school.example.org")


def test_a_scale_of_zero_turns_limits_off(settings):
    settings.RATE_LIMIT_SCALE = 0
    attempts(20, email="dsl@school.example.org")
    assert not RateLimitCounter.objects.exists()


def test_a_new_window_starts_afresh():
    with time_machine.travel(START, tick=False):
        attempts(2, email="dsl@school.example.org")
        with pytest.raises(RateLimited):
            attempts(1, email="dsl@school.example.org")
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        attempts(2, email="dsl@school.example.org")


def test_counters_hold_hashes_not_addresses():
    attempts(1, email="dsl@school.example.org", ip="203.0.113.5")
    buckets = " ".join(RateLimitCounter.objects.values_list("bucket", flat=True))
    assert "dsl@" not in buckets
    assert "203.0.113.5" not in buckets
    assert RateLimitCounter.objects.count() == 2


def test_a_hit_is_logged_without_the_full_email_address(caplog):
    attempts(2, email="dsl@school.example.org")
    with caplog.at_level(logging.WARNING, logger="lscb_portal.security"), pytest.raises(RateLimited):
        attempts(1, email="dsl@school.example.org")

    (record,) = [r for r in caplog.records if r.name == "lscb_portal.security"]
    assert "scope=test.form" in record.getMessage()
    assert "d***@school.example.org" in record.getMessage()
    assert "dsl@school.example.org" not in record.getMessage()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxies trusted: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client cannot choose its address by adding entries
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip_honours_the_number_of_proxies(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    assert ratelimit.client_ip(request_from("10.0.0.1", forwarded)) == expected


def test_old_counters_are_deleted_by_the_daily_clean_up():
    with time_machine.travel(START - dt.timedelta(days=3), tick=False):
        attempts(1, email="old@example.org")
    with time_machine.travel(START, tick=False):
        attempts(1, email="new@example.org")
        assert ratelimit.delete_old_counters() == 2  # the old email and IP counters

    assert RateLimitCounter.objects.count() == 2


def test_the_daily_task_cleans_up(jobs):
    from lscb_portal.core import tasks

    with time_machine.travel(START - dt.timedelta(days=3), tick=False):
        attempts(1, email="old@example.org")

    tasks.clean_up_alerts_data(timestamp=int(START.timestamp()))

    assert not RateLimitCounter.objects.exists()
