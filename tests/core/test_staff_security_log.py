"""Security events on the lscb_portal.security logger, with no passwords, codes, tokens or full addresses."""

import datetime as dt
import logging

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django_otp.oath import TOTP

from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.core.factories import STAFF_PASSWORD, StaffUserFactory, TOTPDeviceFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 10, 5, 11, 0, tzinfo=dt.UTC)
IP = "203.0.113.77"
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.NUM_PROXIES = 0
    settings.STAFF_2FA_REQUIRED = False


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="lscb_portal.security")

    def lines():
        return [record.getMessage() for record in caplog.records if record.name == "lscb_portal.security"]

    return lines


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=IP)


def everything_logged(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


@time_machine.travel(START, tick=False)
def test_a_failed_login_names_the_account_by_id_and_never_the_password(client, security_log, caplog):
    user = StaffUserFactory(username="board-manager")

    sign_in(client, "board-manager", "Tr0ub4dor&3-secret")

    assert security_log() == [f"Login failed: account=user={user.pk} ip={IP} locked_out=no"]
    assert "Tr0ub4dor&3-secret" not in everything_logged(caplog)
    assert "board-manager" not in everything_logged(caplog)


@time_machine.travel(START, tick=False)
def test_an_unknown_username_is_masked(client, security_log, caplog):
    sign_in(client, "jo.bloggs@council.example.org", "whatever-i-typed")
    sign_in(client, "my-password-by-mistake", "whatever-i-typed")

    assert security_log() == [
        f"Login failed: account=username=j***@council.example.org ip={IP} locked_out=no",
        f"Login failed: account=username=m*** ip={IP} locked_out=no",
    ]
    logged = everything_logged(caplog)
    assert "jo.bloggs" not in logged
    assert "my-password-by-mistake" not in logged
    assert "whatever-i-typed" not in logged


@time_machine.travel(START, tick=False)
def test_a_lockout_is_logged_once_with_its_length(client, security_log, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=45)
    user = StaffUserFactory(username="board-manager")

    sign_in(client, "board-manager", "wrong-1")
    sign_in(client, "board-manager", "wrong-2")

    assert security_log() == [
        f"Login failed: account=user={user.pk} ip={IP} locked_out=no",
        f"Login locked out: account=user={user.pk} ip={IP} minutes=45",
        f"Login failed: account=user={user.pk} ip={IP} locked_out=yes",
    ]


@time_machine.travel(START, tick=False)
def test_a_successful_staff_login_is_logged(client, security_log):
    user = StaffUserFactory(username="board-manager")

    sign_in(client, "board-manager", STAFF_PASSWORD)

    assert security_log() == [f"Staff login: user={user.pk} ip={IP}"]


@time_machine.travel(START, tick=False)
def test_second_factor_failures_and_successes_are_logged_without_the_code(client, security_log, caplog, settings):
    settings.STAFF_2FA_REQUIRED = True
    device = TOTPDeviceFactory()
    client.force_login(device.user)
    caplog.clear()
    right = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    wrong = "000000" if right != "000000" else "111111"

    client.post("/admin/two-factor/", {"token": wrong}, REMOTE_ADDR=IP)
    with time_machine.travel(START + dt.timedelta(seconds=5), tick=False):
        client.post("/admin/two-factor/", {"token": right}, REMOTE_ADDR=IP)

    assert security_log() == [
        f"Second factor refused: user={device.user.pk} ip={IP}",
        f"Second factor accepted: user={device.user.pk} ip={IP}",
    ]
    assert right not in everything_logged(caplog)
    assert device.key not in everything_logged(caplog)


@time_machine.travel(START, tick=False)
def test_a_permission_refusal_in_the_admin_is_logged(client, security_log, caplog):
    user = User.objects.create_user("training-admin", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=TRAINING_ADMINISTRATORS))
    client.force_login(user)
    caplog.clear()

    response = client.get("/admin/auth/user/?q=secret-search", REMOTE_ADDR=IP)

    assert response.status_code == 403
    assert security_log() == [f"Permission refused: user={user.pk} ip={IP} method=GET path=/admin/auth/user/"]


@time_machine.travel(START, tick=False)
def test_password_reset_requests_are_logged_with_the_address_masked(client, security_log, caplog):
    user = StaffUserFactory(email="lead.officer@partnership.example.org")

    client.post(reverse("admin:password_reset"), {"email": user.email}, REMOTE_ADDR=IP)
    client.post(reverse("admin:password_reset"), {"email": "stranger@elsewhere.example.com"}, REMOTE_ADDR=IP)

    assert security_log() == [
        f"Password reset requested: email=l***@partnership.example.org staff_accounts=1 ip={IP}",
        f"Password reset requested: email=s***@elsewhere.example.com staff_accounts=0 ip={IP}",
    ]
    logged = everything_logged(caplog)
    assert "lead.officer" not in logged
    token_link = OutboxMessage.objects.get().body_text
    assert not any(part in logged for part in token_link.split("/") if len(part) > 20)


@time_machine.travel(START, tick=False)
def test_rate_limit_hits_on_staff_forms_are_logged(client, security_log, settings):
    settings.RATE_LIMITS = {"admin.password_reset": {"email": (1, 3600), "ip": (100, 3600)}}
    user = StaffUserFactory(email="lead.officer@partnership.example.org")
    client.post(reverse("admin:password_reset"), {"email": user.email}, REMOTE_ADDR=IP)

    response = client.post(reverse("admin:password_reset"), {"email": user.email}, REMOTE_ADDR=IP)

    assert response.status_code == 429
    assert security_log()[-1] == (
        f"Rate limit hit: scope=admin.password_reset limit=email ip={IP} email=l***@partnership.example.org "
        "retry_after=3600s"
    )
