"""Setting up the second factor needs more than the password: a one-time link emailed to the account.

Backup codes are given when the app is set up, and a superuser can reset someone's second factor.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.roles import BOARD_MANAGERS
from tests.core.factories import StaffUserFactory, TOTPDeviceFactory
from tests.core.test_staff_security_two_factor import CODE, INDEX, SETUP, code_for, sign_in, with_next

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)
ENROL = "/admin/two-factor/enrol/"
BACKUP_CODES = "/admin/two-factor/backup-codes/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_2FA_REQUIRED = True
    settings.SITE_URL = "https://portal.example.org"
    settings.RATE_LIMIT_SCALE = 1


def enrolment_link(user) -> str:
    message = OutboxMessage.objects.filter(to=user.email, category="staff.two_factor_enrolment").latest("pk")
    return re.search(r"https://portal\.example\.org(/admin/two-factor/enrol/\S+/)", message.body_text).group(1)


def prove_by_email(client, user) -> None:
    assert client.post(ENROL, {"next": INDEX}).status_code == 302
    link = enrolment_link(user)
    assert client.post(link, {"next": INDEX}).url == with_next(SETUP)


@time_machine.travel(START, tick=False)
def test_the_password_alone_never_shows_the_key_of_a_new_authenticator(client):
    StaffUserFactory(username="new-starter")

    response = sign_in(client, "new-starter")
    page = client.get(response.url, follow=True)

    assert response.url == with_next(ENROL)
    assert client.get(SETUP).url == with_next(ENROL)
    html = page.content.decode()
    assert "data:image/svg+xml" not in html
    assert "email you a link" in html
    assert not TOTPDevice.objects.exists()


@time_machine.travel(START, tick=False)
def test_the_emailed_link_lets_the_account_holder_set_up_their_app(client):
    user = StaffUserFactory(username="new-starter", email="new.starter@partnership.example.org")
    sign_in(client, "new-starter")

    sent = client.post(ENROL, {"next": INDEX})
    sent_page = client.get(sent.url)
    link = enrolment_link(user)
    landing = client.get(link)
    proven = client.post(link, {"next": INDEX})
    setup = client.get(proven.url)

    assert "We have emailed a link to n***@partnership.example.org" in sent_page.content.decode()
    assert landing.status_code == 200
    assert "data:image/svg+xml" not in landing.content.decode()
    assert proven.url == with_next(SETUP)
    assert "data:image/svg+xml" in setup.content.decode()


@time_machine.travel(START, tick=False)
def test_the_link_works_once_and_only_for_its_own_account(client):
    holder = StaffUserFactory(username="holder")
    StaffUserFactory(username="intruder")
    sign_in(client, "holder")
    client.post(ENROL, {"next": INDEX})
    link = enrolment_link(holder)
    client.logout()

    sign_in(client, "intruder")
    someone_else = client.post(link, {"next": INDEX})
    assert someone_else.status_code == 200
    assert "This link cannot be used" in someone_else.content.decode()
    assert client.get(SETUP).url == with_next(ENROL)
    client.logout()

    sign_in(client, "holder")
    assert client.post(link, {"next": INDEX}).url == with_next(SETUP)
    client.logout()
    sign_in(client, "holder")
    assert "This link cannot be used" in client.post(link, {"next": INDEX}).content.decode()


def test_the_link_expires_after_a_day(client):
    user = StaffUserFactory(username="holder")
    with time_machine.travel(START, tick=False):
        sign_in(client, "holder")
        client.post(ENROL, {"next": INDEX})
    with time_machine.travel(START + dt.timedelta(hours=25), tick=False):
        sign_in(client, "holder")
        response = client.post(enrolment_link(user), {"next": INDEX})

    assert "This link cannot be used" in response.content.decode()


@time_machine.travel(START, tick=False)
def test_setting_up_the_app_gives_ten_backup_codes_once(client):
    user = StaffUserFactory(username="new-starter")
    sign_in(client, "new-starter")
    prove_by_email(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)

    confirmed = client.post(SETUP, {"token": code_for(device), "next": INDEX})
    shown = client.get(confirmed.url)
    again = client.get(BACKUP_CODES)

    assert confirmed.url == with_next(BACKUP_CODES)
    codes = re.findall(
        r'<li class="lscb-backup-code"><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>', shown.content.decode()
    )
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert codes[0] not in again.content.decode()
    notice = OutboxMessage.objects.get(to=user.email, category="staff.two_factor_changed")
    assert "authenticator app was set up" in notice.body_text


@time_machine.travel(START, tick=False)
def test_a_backup_code_signs_in_once(client):
    device = TOTPDeviceFactory(user=StaffUserFactory(username="lost-phone"))
    backup = StaticDevice.objects.create(user=device.user, name="Backup codes", confirmed=True)
    backup.token_set.create(token="abcd2345")

    sign_in(client, "lost-phone")
    accepted = client.post(CODE, {"token": "ABCD 2345", "next": INDEX})
    client.logout()
    sign_in(client, "lost-phone")
    refused = client.post(CODE, {"token": "abcd2345", "next": INDEX})

    assert accepted.url == INDEX
    assert refused.status_code == 200
    assert "That code is not right." in refused.content.decode()


@time_machine.travel(START, tick=False)
def test_a_superuser_resets_someone_s_second_factor_and_sends_them_a_link(client):
    colleague = StaffUserFactory(username="colleague")
    TOTPDeviceFactory(user=colleague)
    StaticDevice.objects.create(user=colleague, name="Backup codes", confirmed=True)
    root = StaffUserFactory(username="root", is_superuser=True)
    TOTPDeviceFactory(user=root)
    client.force_login(root)
    client.post(CODE, {"token": code_for(TOTPDevice.objects.get(user=root))})

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [colleague.pk]},
        follow=True,
    )

    assert "Second factor reset for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    assert TOTPDevice.objects.filter(user=root).exists()
    assert enrolment_link(colleague).startswith(ENROL)


@time_machine.travel(START, tick=False)
def test_staff_who_are_not_superusers_cannot_reset_a_second_factor(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    colleague = StaffUserFactory(username="colleague")
    TOTPDeviceFactory(user=colleague)
    manager = StaffUserFactory(username="manager")
    manager.groups.add(Group.objects.get(name=BOARD_MANAGERS))
    manager.user_permissions.add(*Group.objects.get(name=BOARD_MANAGERS).permissions.all())
    client.force_login(manager)

    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [colleague.pk]},
    )

    assert TOTPDevice.objects.filter(user=colleague).exists()
