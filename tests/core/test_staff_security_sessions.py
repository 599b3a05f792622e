"""Staff sessions end when idle, and admin pages are never stored (Cache-Control: no-store)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.urls import reverse

from lscb_portal.core.roles import PROCEDURE_EDITORS
from tests.core.factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 9, 14, 9, 0, tzinfo=dt.UTC)
INDEX = "/admin/"


def test_sessions_last_an_hour_from_the_last_request(settings):
    assert settings.SESSION_COOKIE_AGE == 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_a_staff_session_stays_open_while_used_and_ends_after_an_idle_hour(client, admin_user):
    with time_machine.travel(START, tick=False):
        client.force_login(admin_user)
        assert client.get(INDEX).status_code == 200
    # Each request moves the end of the session on: 3 hours of work, a request every 50 minutes.
    for minutes in (50, 100, 150):
        with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(INDEX).status_code == 200, f"signed out after {minutes} minutes"
    with time_machine.travel(START + dt.timedelta(minutes=150 + 61), tick=False):
        response = client.get(INDEX)

        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        assert "_auth_user_id" not in client.session


@pytest.fixture
def editor(db):
    user = User.objects.create_user("procedures-editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=PROCEDURE_EDITORS))
    return user


ANONYMOUS_PAGES = [
    "/admin/login/",
    "/admin/password-reset/",
    "/admin/password-reset/sent/",
    "/admin/password-reset/done/",
    "/admin/password-reset/MQ/set-password/",
    "/admin/two-factor/",
]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_sign_in_pages_are_never_stored(client, path):
    response = client.get(path)

    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (INDEX, 200),
        ("/admin/auth/user/", 200),
        ("/admin/auth/user/add/", 200),
        ("/admin/core/outboxmessage/", 200),
        ("/admin/password_change/", 200),
        ("/admin/no-such-page/", 404),
    ],
)
def test_every_admin_page_for_a_superuser_is_never_stored(admin_client, path, status):
    response = admin_client.get(path)

    assert response.status_code == status
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_refused_admin_page_is_never_stored(client, editor):
    client.force_login(editor)

    response = client.get("/admin/auth/user/")

    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


def test_the_two_factor_pages_are_never_stored(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    device = TOTPDeviceFactory()
    client.force_login(device.user)

    assert "no-store" in client.get("/admin/two-factor/")["Cache-Control"]
    device.delete()
    assert "no-store" in client.get("/admin/two-factor/set-up/")["Cache-Control"]


def test_the_admin_changelist_stays_within_its_query_budget(admin_client, django_assert_max_num_queries):
    admin_client.get(INDEX)  # creates the board settings row once
    # session, user, groups filter, two counts, rows, board settings, session save: nothing for staff security
    with django_assert_max_num_queries(10):
        assert admin_client.get("/admin/auth/user/").status_code == 200


def test_the_csrf_token_changes_when_the_second_factor_is_given(client, settings):
    from tests.core.test_staff_security_two_factor import code_for

    settings.STAFF_2FA_REQUIRED = True
    device = TOTPDeviceFactory()
    client.force_login(device.user)
    client.get("/admin/two-factor/")
    before = client.cookies[settings.CSRF_COOKIE_NAME].value

    client.post("/admin/two-factor/", {"token": code_for(device)})

    assert client.cookies[settings.CSRF_COOKIE_NAME].value != before


def test_a_staff_session_ends_after_its_absolute_lifetime_however_busy(client, admin_user, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 8 * 3600
    with time_machine.travel(START, tick=False):
        client.force_login(admin_user)
    for minutes in range(30, 8 * 60, 30):
        with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(INDEX).status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=8, minutes=1), tick=False):
        response = client.get(INDEX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session
