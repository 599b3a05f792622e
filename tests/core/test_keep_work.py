"""What the back office's pages give the browser so that nobody loses what they typed (static/js/backoffice.mjs):
its settings as data, a script the CSP allows without 'unsafe-inline', and the "stay signed in" address.

The browser side itself (drafts, a form sent after the session ended, the idle-timeout warning) is tested in
tests/e2e/test_backoffice_desk.py.
"""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

KEEP_ALIVE = "/admin/keep-alive/"


def settings_on(html: str) -> dict:
    match = re.search(r'<script id="lscb-backoffice" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries no back office settings"
    return json.loads(match.group(1))


def scripts(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html)


def test_every_admin_page_gives_the_script_its_settings_and_loads_it_from_a_file(admin_client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    user = User.objects.get(username="admin")
    for path in ["/admin/", "/admin/newsletters/issue/add/", "/admin/procedures/updateround/"]:
        html = admin_client.get(path).content.decode()
        assert settings_on(html) == {
            "user": user.pk,
            "idleSeconds": 1800,
            "keepAliveUrl": KEEP_ALIVE,
            "loginUrl": "/admin/login/",
        }
        assert '<script type="module" src="/static/js/backoffice.mjs"></script>' in html
        # Nothing the CSP would have to allow inline: every script is a file, data, or the editor's hashed import map.
        for tag in scripts(html):
            assert "src=" in tag or 'type="application/json"' in tag or 'type="importmap"' in tag, tag


def test_the_sign_in_page_carries_the_script_for_a_signed_out_editor(client):
    html = client.get("/admin/login/?next=/admin/newsletters/issue/1/change/").content.decode()
    assert settings_on(html)["user"] is None
    assert 'src="/static/js/backoffice.mjs"' in html


START = dt.datetime(2026, 9, 14, 9, 0, tzinfo=dt.UTC)


def test_staying_signed_in_renews_the_session(client, admin_user):
    with time_machine.travel(START, tick=False):
        client.force_login(admin_user)
    with time_machine.travel(START + dt.timedelta(minutes=50), tick=False):
        response = client.post(KEEP_ALIVE)
        assert response.status_code == 200
        assert response.json() == {"expiresIn": 3600}
    with time_machine.travel(START + dt.timedelta(minutes=100), tick=False):
        # Without the renewal the session would have ended 40 minutes ago.
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(START + dt.timedelta(minutes=161), tick=False):
        assert client.get("/admin/").status_code == 302


def test_staying_signed_in_is_refused_once_signed_out(client):
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_staying_signed_in_needs_a_post_with_the_csrf_token(admin_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    assert browser.post(KEEP_ALIVE).status_code == 403
    assert browser.get(KEEP_ALIVE).status_code == 405
