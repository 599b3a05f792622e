"""Staff sign-in in a real browser: password, the emailed set-up link, an authenticator app, backup codes, the admin.

The sign-in pages are checked with axe and must be usable at 320 px and by keyboard.
"""

import re

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lscb_portal.core.models import OutboxMessage
from tests.e2e.conftest import DESKTOP, MOBILE, assert_no_horizontal_scroll, axe_check, tab_to

PASSWORD = "meadow-harbour-lantern-58"


@pytest.fixture
def staff(transactional_db, settings):
    settings.STAFF_2FA_REQUIRED = True
    return User.objects.create_user(
        "board-manager", email="board.manager@partnership.example.org", password=PASSWORD, is_staff=True
    )


def check_page(page) -> None:
    page.set_viewport_size(DESKTOP)
    axe_check(page)
    page.set_viewport_size(MOBILE)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(DESKTOP)


def test_a_new_staff_member_signs_in_and_sets_up_an_authenticator_app(live_server, demo_board, staff, page):
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#login-form").is_visible()
    check_page(page)

    tab_to(page, "#id_username")
    page.keyboard.type("board-manager")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url("**/admin/two-factor/enrol/**")
    check_page(page)
    page.get_by_role("button", name="Email me the link").click()
    assert "We have emailed a link to b***@partnership.example.org" in page.content()
    check_page(page)
    message = OutboxMessage.objects.get(to=staff.email, category="staff.two_factor_enrolment")
    page.goto(live_server.url + re.search(r"/admin/two-factor/enrol/\d+/", message.body_text).group(0))
    check_page(page)
    page.get_by_role("button", name="Continue to set up").click()

    page.wait_for_url("**/admin/two-factor/set-up/**")
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()
    check_page(page)
    device = TOTPDevice.objects.get(user=staff)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    page.fill("#id_token", "12")
    page.click("text=Confirm and continue")
    assert "8-character backup codes" in page.locator(".errornote").inner_text()
    check_page(page)
    page.fill("#id_token", code)
    page.click("text=Confirm and continue")

    page.wait_for_url("**/admin/two-factor/backup-codes/**")
    assert page.locator(".lscb-backup-code").count() == 10
    check_page(page)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "<h1>Your desk</h1>" in page.content()


def test_the_password_reset_page_works_by_keyboard(live_server, demo_board, staff, page):
    page.goto(f"{live_server.url}/admin/login/")
    tab_to(page, "text=Forgotten your password?")
    page.keyboard.press("Enter")

    page.wait_for_url("**/admin/password-reset/")
    check_page(page)
    tab_to(page, "#id_email")
    page.keyboard.type("board.manager@partnership.example.org")
    page.keyboard.press("Enter")

    page.wait_for_url("**/admin/password-reset/sent/")
    assert "If that address belongs to a back office account" in page.content()
    check_page(page)


def test_the_code_page_and_the_locked_out_page_pass_axe(live_server, demo_board, staff, page, settings):
    settings.AXES_FAILURE_LIMIT = 1
    TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "board-manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.wait_for_url("**/admin/two-factor/?next=*")
    check_page(page)
    page.fill("#id_token", "abc")
    page.keyboard.press("Enter")
    assert "8-character backup codes" in page.locator(".errornote").inner_text()
    check_page(page)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "board-manager")
    page.fill("#id_password", "not-the-password")
    page.click("input[type=submit]")

    assert page.locator("h1").inner_text() == "Too many failed attempts"
    check_page(page)
