"""Staff password reset by email: through the outbox, for staff accounts only, never telling who has one."""

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from lscb_portal.core.models import OutboxMessage
from tests.core.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 7, 6, 14, 0, tzinfo=dt.UTC)
RESET = "/admin/password-reset/"
SENT = "/admin/password-reset/sent/"
NEW_PASSWORD = "kestrel-orchard-violet-1987"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_URL = "https://portal.example.org"
    settings.STAFF_2FA_REQUIRED = False
    settings.RATE_LIMIT_SCALE = 1


def ask(client, email):
    return client.post(RESET, {"email": email}, REMOTE_ADDR="192.0.2.44")


def reset_link(message: OutboxMessage) -> str:
    return re.search(r"https://portal\.example\.org(/admin/password-reset/\S+/)", message.body_text).group(1)


def test_the_form_is_in_the_admin_s_look_and_linked_from_the_login_page(client):
    login = client.get(reverse("admin:login"))
    page = client.get(RESET)

    assert f'href="{RESET}"' in login.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert "Board back office" in html
    assert 'name="email"' in html


@time_machine.travel(START, tick=False)
def test_a_staff_account_gets_a_reset_email_through_the_outbox(client, jobs):
    user = StaffUserFactory(username="training-admin", email="training.admin@partnership.example.org")

    response = ask(client, "Training.Admin@partnership.example.org")

    assert response.status_code == 302
    assert response.url == SENT
    message = OutboxMessage.objects.get()
    assert message.to == user.email
    assert message.category == "staff.password_reset"
    assert "back office password" in message.subject
    assert "training-admin" in message.body_text
    assert "within 1 hour" in message.body_text
    assert reset_link(message).startswith("/admin/password-reset/")
    jobs.run()
    assert [sent.to for sent in mail.outbox] == [[user.email]]


@time_machine.travel(START, tick=False)
def test_an_unknown_address_sees_the_same_page_and_nothing_is_sent(client):
    StaffUserFactory(email="real@partnership.example.org")

    known = ask(client, "real@partnership.example.org")
    unknown = ask(client, "nobody@partnership.example.org")

    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url == SENT
    assert OutboxMessage.objects.filter(to="nobody@partnership.example.org").count() == 0
    assert client.get(SENT).content.decode().count("If that address belongs to a back office account") == 1


@time_machine.travel(START, tick=False)
def test_accounts_that_are_not_staff_get_nothing(client):
    User.objects.create_user("volunteer", email="volunteer@example.org", password="x")
    StaffUserFactory(email="inactive@partnership.example.org", is_active=False)

    ask(client, "volunteer@example.org")
    ask(client, "inactive@partnership.example.org")

    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("typed", ["", "not-an-address", "a" * 300 + "@example.org"])
def test_a_bad_address_gets_a_clear_message(client, typed):
    response = ask(client, typed)

    assert response.status_code == 200
    assert 'class="errornote"' in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_the_link_sets_a_new_password_once_and_clears_lockouts(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = StaffUserFactory(username="board-manager")
    login = reverse("admin:login")
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            client.post(login, {"username": "board-manager", "password": "guess"}, REMOTE_ADDR="192.0.2.44")
        assert AccessAttempt.objects.filter(username="board-manager").exists()
        ask(client, user.email)
        link = reset_link(OutboxMessage.objects.get())

        form = client.get(link, follow=True)
        assert "Choose a new password" in form.content.decode()
        done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

        assert done.status_code == 302
        assert done.url == reverse("admin:password_reset_complete")
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert not AccessAttempt.objects.filter(username="board-manager").exists()
        again = client.get(link, follow=True)
        assert "This link has expired or has already been used." in again.content.decode()
        signed_in = client.post(
            login, {"username": "board-manager", "password": NEW_PASSWORD}, REMOTE_ADDR="192.0.2.44"
        )
        assert signed_in.status_code == 302


def test_the_link_stops_working_after_an_hour(client):
    user = StaffUserFactory()
    with time_machine.travel(START, tick=False):
        ask(client, user.email)
    link = reset_link(OutboxMessage.objects.get())
    with time_machine.travel(START + dt.timedelta(minutes=61), tick=False):
        response = client.get(link, follow=True)

    assert response.status_code == 200
    assert "This link has expired or has already been used." in response.content.decode()


def test_a_made_up_link_is_answered_without_an_error(client):
    response = client.get("/admin/password-reset/MQ/not-a-token/", follow=True)

    assert response.status_code == 200
    assert "This link has expired or has already been used." in response.content.decode()


@time_machine.travel(START, tick=False)
def test_asking_again_and_again_for_one_address_is_rate_limited(client):
    user = StaffUserFactory()
    for _ in range(5):
        assert ask(client, user.email).status_code == 302

    response = ask(client, user.email)

    assert response.status_code == 429
    assert OutboxMessage.objects.count() == 5
