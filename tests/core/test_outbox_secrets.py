"""The outbox never shows a secret link, and shows each email only to the role whose work it is."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from lscb_portal.core import outbox
from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.roles import BOARD_MANAGERS, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_URL = SITE
    settings.STAFF_2FA_REQUIRED = False
    settings.RATE_LIMIT_SCALE = 1


def staff_in(group_name, username):
    user = StaffUserFactory(username=username)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def change_page(client, message):
    response = client.get(reverse("admin:core_outboxmessage_change", args=[message.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_board_manager_cannot_read_a_superuser_s_password_reset_link(client):
    StaffUserFactory(username="root", email="root@partnership.example.org", is_superuser=True)
    client.post("/admin/password-reset/", {"email": "root@partnership.example.org"}, REMOTE_ADDR="192.0.2.9")
    message = OutboxMessage.objects.get(category="staff.password_reset")
    reset_path = re.search(r"/admin/password-reset/(\S+)/(\S+)/", message.body_text)
    assert reset_path, "the email itself still carries the link"

    client.force_login(staff_in(BOARD_MANAGERS, "board-manager"))
    page = change_page(client, message)

    assert reset_path.group(2) not in page
    assert reset_path.group(1) + "/" not in page
    assert "shown only to staff who manage accounts" in page


def test_even_a_superuser_sees_the_reset_email_with_its_link_hidden(admin_client):
    StaffUserFactory(username="colleague", email="colleague@partnership.example.org")
    admin_client.logout()
    admin_client.post("/admin/password-reset/", {"email": "colleague@partnership.example.org"})
    message = OutboxMessage.objects.get(category="staff.password_reset")
    token = re.search(r"/admin/password-reset/\S+/(\S+)/", message.body_text).group(1)
    admin_client.force_login(StaffUserFactory(username="root", is_superuser=True))

    assert token not in change_page(admin_client, message)


def booking_email():
    token = "Wzc3LCJib29raW5nIl0:1vQ2xS:abcdefghijklmnopqrstuvwxyz012345678"
    return outbox.queue_email(
        to="delegate@riverside.example.org",
        subject="Your place is confirmed",
        text=f"Manage your booking: {SITE}/training/bookings/{token}/\nSee the programme: {SITE}/training/",
        html=f'<a href="{SITE}/training/bookings/{token}/">Manage</a>',
        headers={"List-Unsubscribe": f"<{SITE}/alerts/manage/{token}/unsubscribe/>"},
        category="training.booking_confirmed",
    ), token


def test_a_training_administrator_reads_a_booking_email_without_its_management_link(client):
    message, token = booking_email()
    staff = staff_in(TRAINING_ADMINISTRATORS, "training-admin")
    staff.user_permissions.add(*Group.objects.get(name=BOARD_MANAGERS).permissions.filter(codename__contains="outbox"))
    client.force_login(staff)

    page = change_page(client, message)

    assert token not in page
    assert f"{SITE}/training/bookings/[link hidden]/" in page
    assert f"{SITE}/training/" in page  # public links stay readable
    assert "Manage your booking" in page


def test_a_board_manager_does_not_see_the_text_of_training_emails(client):
    message, token = booking_email()
    client.force_login(staff_in(BOARD_MANAGERS, "board-manager"))

    page = change_page(client, message)

    assert token not in page
    assert "Manage your booking" not in page
    assert "shown only to staff who look after training" in page
    assert "delegate@riverside.example.org" in page  # who and when stay visible: that is the outbox's purpose


def test_redaction_keeps_public_links_and_hides_every_signed_one():
    text = (
        f"{SITE}/training/offers/abc:def:ghi/ and {SITE}/alerts/confirm/xyz:1:2/ "
        f"and {SITE}/training/my/bXlAZXhhbXBsZS5vcmc:1:2/ and {SITE}/procedures/verify/ABCD-EFGH/ "
        f"and {SITE}/newsletters/"
    )

    shown = outbox.redact_secret_links(text)

    assert "abc:def:ghi" not in shown
    assert "xyz:1:2" not in shown
    assert "bXlAZXhhbXBsZS5vcmc" not in shown
    assert f"{SITE}/procedures/verify/ABCD-EFGH/" in shown
    assert f"{SITE}/newsletters/" in shown
