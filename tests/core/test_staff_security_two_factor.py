"""The second factor: required for staff when STAFF_2FA_REQUIRED is on, relaxed when it is off."""

import datetime as dt
import os
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lscb_portal.core.security import ENROLMENT_SESSION_KEY
from tests.core.factories import STAFF_PASSWORD, StaffUserFactory, TOTPDeviceFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)
INDEX = "/admin/"
SETUP = "/admin/two-factor/set-up/"
ENROL = "/admin/two-factor/enrol/"
CODE = "/admin/two-factor/"


@pytest.fixture
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, username):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": STAFF_PASSWORD, "next": INDEX},
        REMOTE_ADDR="192.0.2.1",
    )


def with_next(url, next_url=INDEX):
    return f"{url}?{urlencode({'next': next_url})}"


def open_emailed_link(client, user):
    """As if the staff member had opened the set-up link emailed to them (see test_staff_security_enrolment)."""
    session = client.session
    session[ENROLMENT_SESSION_KEY] = user.pk
    session.save()


# --- Required -------------------------------------------------------------------------------------


@time_machine.travel(START, tick=False)
def test_staff_without_a_device_are_led_from_the_password_to_setting_one_up(client, required):
    StaffUserFactory(username="board-manager")

    response = sign_in(client, "board-manager")

    assert response.status_code == 302
    assert response.url == with_next(ENROL)


@time_machine.travel(START, tick=False)
def test_every_admin_page_leads_an_unverified_staff_member_to_set_up(client, required):
    user = StaffUserFactory(username="board-manager", is_superuser=True)
    client.force_login(user)

    response = client.get(reverse("admin:auth_user_changelist"), follow=True)

    assert response.redirect_chain[-1][0] == with_next(ENROL, reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    assert "Set up two-factor authentication" in response.content.decode()


@time_machine.travel(START, tick=False)
def test_the_setup_page_shows_the_key_and_a_qr_code_and_keeps_the_same_key(client, required):
    user = StaffUserFactory(username="board-manager")
    client.force_login(user)
    open_emailed_link(client, user)

    first = client.get(SETUP)
    second = client.get(SETUP)

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    html = first.content.decode()
    assert first.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'alt="QR code for setting up your authenticator app.' in html
    secret = first.context["secret"]
    assert len(secret.replace(" ", "")) == 32
    assert secret in html
    assert second.context["secret"] == secret
    assert TOTPDevice.objects.filter(user=user).count() == 1


@time_machine.travel(START, tick=False)
def test_a_wrong_code_at_setup_is_refused_and_nothing_is_confirmed(client, required):
    user = StaffUserFactory(username="board-manager")
    client.force_login(user)
    open_emailed_link(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    wrong = code_for(device, steps_ahead=10)

    response = client.post(SETUP, {"token": wrong, "next": INDEX})

    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get(INDEX).status_code == 302


@time_machine.travel(START, tick=False)
def test_the_right_code_at_setup_confirms_the_device_and_opens_the_admin(client, required):
    user = StaffUserFactory(username="board-manager")
    client.force_login(user)
    open_emailed_link(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SETUP, {"token": code_for(device), "next": INDEX})

    assert response.status_code == 302
    assert response.url == with_next("/admin/two-factor/backup-codes/")
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(INDEX).status_code == 200


@time_machine.travel(START, tick=False)
def test_staff_with_a_device_are_asked_for_a_code_after_the_password(client, required):
    TOTPDeviceFactory(user=StaffUserFactory(username="procedures-editor"))

    response = sign_in(client, "procedures-editor")

    assert response.url == with_next(CODE)
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Enter your code" in page.content.decode()
    # Setting up another app is not offered to someone who has one
    assert client.get(SETUP).url == with_next(CODE)


@time_machine.travel(START, tick=False)
def test_an_unverified_session_with_a_device_gets_the_code_form_not_the_admin(client, required):
    device = TOTPDeviceFactory()
    client.force_login(device.user)

    response = client.get(INDEX, follow=True)

    assert response.redirect_chain[-1][0] == with_next(CODE)
    assert "Code from your authenticator app" in response.content.decode()


@time_machine.travel(START, tick=False)
def test_the_right_code_opens_the_admin_index(client, required):
    device = TOTPDeviceFactory(user=StaffUserFactory(is_superuser=True))
    client.force_login(device.user)

    response = client.post(CODE, {"token": code_for(device), "next": INDEX}, follow=True)

    assert response.redirect_chain == [(INDEX, 302)]
    assert response.status_code == 200
    assert "<h1>Your desk</h1>" in response.content.decode()


@time_machine.travel(START, tick=False)
def test_a_code_once_used_is_refused_in_another_session(client, required, django_user_model):
    device = TOTPDeviceFactory()
    code = code_for(device)
    client.force_login(device.user)
    assert client.post(CODE, {"token": code}).status_code == 302
    client.logout()
    client.force_login(device.user)

    response = client.post(CODE, {"token": code})

    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()


@pytest.mark.parametrize("typed", ["", "abcdef", "12345", "1234567", "<script>", "9" * 20])
@time_machine.travel(START, tick=False)
def test_malformed_codes_get_a_clear_message(client, required, typed):
    device = TOTPDeviceFactory()
    client.force_login(device.user)

    response = client.post(CODE, {"token": typed})

    assert response.status_code == 200
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_repeated_wrong_codes_make_the_next_try_wait(client, required):
    device = TOTPDeviceFactory()
    client.force_login(device.user)
    with time_machine.travel(START, tick=False):
        wrong = code_for(device, steps_ahead=20)
        client.post(CODE, {"token": wrong})
        # one second after the first wrong code, two after the second, four after the third...
        refused = client.post(CODE, {"token": code_for(device)})
        assert "Too many wrong codes. Wait 1 second, then" in refused.content.decode()
        assert client.get(INDEX).status_code == 302
    with time_machine.travel(START + dt.timedelta(seconds=2), tick=False):
        accepted = client.post(CODE, {"token": code_for(device)})
        assert accepted.status_code == 302


@time_machine.travel(START, tick=False)
def test_next_never_leads_off_the_site(client, required):
    device = TOTPDeviceFactory()
    client.force_login(device.user)

    response = client.post(CODE, {"token": code_for(device), "next": "https://evil.example.com/"})

    assert response.url == INDEX


@time_machine.travel(START, tick=False)
def test_the_steps_are_for_signed_in_staff_only(client, required):
    anonymous = client.get(CODE)
    client.force_login(User.objects.create_user("parent", password="x"))
    not_staff = client.get(SETUP)

    assert anonymous.status_code == not_staff.status_code == 302
    assert anonymous.url.startswith(reverse("admin:login"))
    assert not_staff.url.startswith(reverse("admin:login"))
    assert not TOTPDevice.objects.exists()


@time_machine.travel(START, tick=False)
def test_a_verified_session_skips_the_steps(client, required):
    device = TOTPDeviceFactory()
    client.force_login(device.user)
    client.post(CODE, {"token": code_for(device)})

    assert client.get(with_next(CODE, "/admin/auth/")).url == "/admin/auth/"
    assert client.get(reverse("admin:login")).url == INDEX


# --- Relaxed ----------------------------------------------------------------------------------------


def test_with_debug_on_the_setting_is_off_by_default(settings):
    # pytest-env starts the tests with DEBUG=1, as `make run` does
    assert os.environ["DEBUG"] == "1"
    assert settings.STAFF_2FA_REQUIRED is False


@time_machine.travel(START, tick=False)
def test_relaxed_a_password_is_enough(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    StaffUserFactory(username="board-manager", is_superuser=True)

    response = sign_in(client, "board-manager")

    assert response.url == INDEX
    assert client.get(INDEX).status_code == 200
    assert not TOTPDevice.objects.exists()


@time_machine.travel(START, tick=False)
def test_relaxed_the_steps_send_staff_straight_on(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    client.force_login(StaffUserFactory())

    assert client.get(SETUP).url == INDEX
    assert not TOTPDevice.objects.exists()


@time_machine.travel(START, tick=False)
def test_a_superuser_can_remove_a_lost_app_but_never_sees_its_key(admin_client):
    device = TOTPDeviceFactory()

    change = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    qr_code = admin_client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert change.status_code == 200
    assert device.key not in change.content.decode()
    assert qr_code.status_code == 403
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
