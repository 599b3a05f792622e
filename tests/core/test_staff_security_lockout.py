"""Admin login lockout: per username *and* address, so nobody can lock a colleague out from elsewhere."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from tests.core.factories import STAFF_PASSWORD, StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = STAFF_PASSWORD
OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.20"
START = dt.datetime(2026, 5, 11, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    settings.NUM_PROXIES = 0
    settings.STAFF_2FA_REQUIRED = False


def sign_in(client, username, password, *, ip=OFFICE, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **extra,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, *, ip=OFFICE, **extra):
    return [sign_in(client, username, "wrong-password", ip=ip, **extra) for _ in range(times)]


@time_machine.travel(START, tick=False)
def test_wrong_passwords_below_the_limit_just_show_the_form_again(client):
    StaffUserFactory(username="dsl-lead")

    first, second = fail(client, "dsl-lead", 2)

    assert first.status_code == second.status_code == 200
    assert "Please enter the correct username and password" in second.content.decode()
    assert AccessAttempt.objects.get(username="dsl-lead", ip_address=OFFICE).failures_since_start == 2


@time_machine.travel(START, tick=False)
def test_the_limit_locks_that_username_from_that_address_even_with_the_right_password(client):
    StaffUserFactory(username="dsl-lead")

    *_, last = fail(client, "dsl-lead", 3)
    assert last.status_code == 429
    response = sign_in(client, "dsl-lead", PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    html = response.content.decode()
    assert "Too many failed attempts" in html
    assert "Wait 30 minutes, then try again." in html
    assert "Board back office" in html  # the admin's look
    assert response["Retry-After"] == "1800"
    assert "no-store" in response["Cache-Control"]
    # attempts while locked out do not count (the wait stays as the page says)
    assert AccessAttempt.objects.get(username="dsl-lead", ip_address=OFFICE).failures_since_start == 3


@time_machine.travel(START, tick=False)
def test_the_same_username_from_another_address_still_signs_in(client):
    StaffUserFactory(username="dsl-lead")
    fail(client, "dsl-lead", 3, ip=OFFICE)

    response = sign_in(client, "dsl-lead", PASSWORD, ip=ELSEWHERE)

    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert signed_in(client)


@time_machine.travel(START, tick=False)
def test_another_username_from_the_same_address_still_signs_in(client):
    StaffUserFactory(username="dsl-lead")
    StaffUserFactory(username="training-admin")
    fail(client, "dsl-lead", 3, ip=OFFICE)

    response = sign_in(client, "training-admin", PASSWORD, ip=OFFICE)

    assert response.status_code == 302
    assert signed_in(client)


def test_the_lock_lifts_after_the_cool_off(client):
    StaffUserFactory(username="dsl-lead")
    with time_machine.travel(START, tick=False):
        fail(client, "dsl-lead", 3)
    with time_machine.travel(START + dt.timedelta(minutes=29), tick=False):
        assert sign_in(client, "dsl-lead", PASSWORD).status_code == 429
    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        response = sign_in(client, "dsl-lead", PASSWORD)

        assert response.status_code == 302
        assert signed_in(client)


@time_machine.travel(START, tick=False)
def test_a_successful_login_clears_the_count(client):
    StaffUserFactory(username="dsl-lead")
    fail(client, "dsl-lead", 2)
    assert sign_in(client, "dsl-lead", PASSWORD).status_code == 302
    client.post(reverse("admin:logout"))

    *_, last = fail(client, "dsl-lead", 2)

    assert last.status_code == 200  # two fresh failures, not four


@time_machine.travel(START, tick=False)
def test_behind_a_proxy_the_address_the_proxy_saw_is_what_counts(client, settings):
    settings.NUM_PROXIES = 1
    StaffUserFactory(username="dsl-lead")
    proxy = "10.0.0.5"
    # The attacker forges the left of X-Forwarded-For; the proxy appends the real address.
    fail(client, "dsl-lead", 3, ip=proxy, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {OFFICE}")

    locked = sign_in(client, "dsl-lead", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    colleague = sign_in(client, "dsl-lead", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert locked.status_code == 429
    assert colleague.status_code == 302
    assert AccessAttempt.objects.get().ip_address == OFFICE


@time_machine.travel(START, tick=False)
def test_an_unknown_username_is_counted_without_an_error(client):
    *_, last = fail(client, "nobody-here", 3)

    assert last.status_code == 429
    assert AccessAttempt.objects.get(username="nobody-here").failures_since_start == 3


@time_machine.travel(START, tick=False)
def test_a_login_without_an_address_is_counted_without_an_error(client):
    StaffUserFactory(username="dsl-lead")

    response = sign_in(client, "dsl-lead", "wrong-password", ip="")

    assert response.status_code == 200
    assert AccessAttempt.objects.get(username="dsl-lead").ip_address is None
