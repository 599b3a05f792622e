"""The back office in a real browser: each person's desk, and never losing what was typed.

- The desk (admin home) for a board manager and a superuser, checked with axe at 1280 and 320 px and used by
  keyboard.
- An editor types into a long issue, the session ends (deleted on the server, as the idle timeout does), they
  press Save, sign in again and find the page as they left it; saving then keeps the text.
- Text typed in an editor and never saved is offered back when the page is opened again.
- The warning before the idle timeout, and "Stay signed in" renewing the session.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session

from lscb_portal.core.models import OutboxMessage, OutboxStatus
from lscb_portal.core.roles import BOARD_MANAGERS
from newsletters.models import Article, Contribution, Issue, Series
from tests.e2e.conftest import DESKTOP, MOBILE, assert_no_horizontal_scroll, axe_check, tab_to

PASSWORD = "harbour-meadow-kestrel-41"
FOREWORD = "Welcome to the winter issue. This term the partnership has focused on neglect in cold homes."
ARTICLE_TEXT = "Health visitors asked us to repeat the safer sleep advice before the clocks change."


def check_both_widths(page, *, exclude=()) -> None:
    page.set_viewport_size(DESKTOP)
    axe_check(page, exclude=exclude)
    page.set_viewport_size(MOBILE)
    axe_check(page, exclude=exclude)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def manager(demo_board, settings):
    settings.STAFF_2FA_REQUIRED = False
    user = User.objects.create_user("helen", password=PASSWORD, is_staff=True, first_name="Helen")
    user.groups.add(Group.objects.get_or_create(name=BOARD_MANAGERS)[0])
    from lscb_portal.core.roles import sync_roles

    sync_roles()
    return user


@pytest.fixture
def long_issue(manager):
    series = Series.objects.create(title="Frontline News", slug="frontline-news")
    issue = Issue.objects.create(series=series, number=90, title="Winter 2026")
    for position in range(9):
        Article.objects.create(
            issue=issue,
            position=position,
            title=f"Article {position + 1}",
            slug=f"article-{position + 1}",
            summary="A summary.",
            body="<p>" + " ".join(["Practitioners"] * 120) + "</p>",
        )
    return issue


@pytest.fixture
def script_errors(page) -> list[str]:
    """Errors thrown by the pages' scripts during the test."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def sign_in(page, live_server, next_path="/admin/"):
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", "helen")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def test_the_desk_shows_a_board_manager_what_needs_them(live_server, manager, page):
    Contribution.objects.create(
        name="Priya Shah",
        role="Health visitor",
        agency="Northbrook Community Health",
        email="priya@nhs.example.org",
        title="Safer sleep week",
        text="Words " * 200,
        consent_text="I agree.",
    )
    OutboxMessage.objects.create(
        to="someone@example.org", subject="Issue 24 is out", body_text="x", status=OutboxStatus.FAILED
    )
    sign_in(page, live_server)
    assert page.locator("h1").inner_text() == "Your desk"
    panel = page.locator("section.lscb-desk__panel", has_text="Contributions to review")
    assert panel.get_by_role("link", name="Safer sleep week").is_visible()
    assert (
        page.locator("section.lscb-desk__panel", has_text="Failed emails")
        .get_by_role("link", name="Issue 24 is out")
        .is_visible()
    )
    check_both_widths(page)

    tab_to(page, "section.lscb-desk__panel a >> text=Safer sleep week")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/newsletters/contribution/*/change/")


def test_the_desk_of_a_superuser_with_the_system_group_passes_axe(live_server, demo_board, page, settings):
    settings.STAFF_2FA_REQUIRED = False
    User.objects.create_superuser("chief", password=PASSWORD)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.get_by_role("link", name="The board's training report").is_visible()
    assert page.get_by_role("link", name="System").first.is_visible()
    check_both_widths(page)
    page.get_by_role("link", name="System").first.click()
    page.wait_for_url("**/admin/system/")
    check_both_widths(page)


def type_into_editor(page, field: str, text: str) -> None:
    editor = page.locator(f".field-{field} [contenteditable=true]")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" " + text)


def test_an_editor_signed_out_while_saving_finds_the_page_as_they_left_it(
    live_server, long_issue, page, script_errors
):
    change = f"/admin/newsletters/issue/{long_issue.pk}/change/"
    sign_in(page, live_server, change)
    page.fill("#id_title", "Winter 2026: neglect and cold homes")
    type_into_editor(page, "foreword", FOREWORD)
    page.locator("#articles-3 summary").click()  # the composer's article rows open and close
    body = page.locator("#articles-3 .field-body [contenteditable=true]")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" " + ARTICLE_TEXT)

    # The idle timeout ends the session on the server while the editor is still typing.
    Session.objects.all().delete()
    page.locator("input[name='_continue']").click()

    page.wait_for_url("**/admin/login/?next=**")
    notice = page.locator(".lscb-keep")
    assert "You were signed out before your changes were saved" in notice.inner_text()
    check_both_widths(page)
    long_issue.refresh_from_db()
    assert FOREWORD not in long_issue.foreword

    page.fill("#id_username", "helen")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(f"**{change}")
    notice = page.locator(".lscb-keep")
    notice.wait_for()
    assert "What you had typed has been put back" in notice.inner_text()
    assert page.input_value("#id_title") == "Winter 2026: neglect and cold homes"
    assert FOREWORD in page.locator(".field-foreword [contenteditable=true]").inner_text()
    assert ARTICLE_TEXT in page.locator("#articles-3 .field-body [contenteditable=true]").inner_text()
    page.set_viewport_size(DESKTOP)
    axe_check(page, exclude=["#issue_form"])  # the notice and the page around the form; the form is Django's own

    page.locator("input[name='_continue']").click()
    page.wait_for_url(f"**{change}")
    long_issue.refresh_from_db()
    assert long_issue.title == "Winter 2026: neglect and cold homes"
    assert FOREWORD in long_issue.foreword
    assert ARTICLE_TEXT in long_issue.articles.get(slug="article-4").body
    # Saved: nothing is offered back any more.
    page.reload()
    assert page.locator(".lscb-keep").count() == 0
    assert script_errors == []


def test_text_typed_and_never_saved_is_offered_back(live_server, long_issue, page, script_errors):
    change = f"/admin/newsletters/issue/{long_issue.pk}/change/"
    sign_in(page, live_server, change)
    type_into_editor(page, "foreword", FOREWORD)
    page.wait_for_timeout(1200)  # drafts are written a moment after typing stops
    page.goto(f"{live_server.url}/admin/")  # away without saving (a crash, a closed tab…)

    page.goto(f"{live_server.url}{change}")
    notice = page.locator(".lscb-keep")
    notice.wait_for()
    assert "was not saved: Foreword" in notice.inner_text()
    assert FOREWORD not in page.locator(".field-foreword [contenteditable=true]").inner_text()
    axe_check(page, exclude=["#issue_form"])
    notice.get_by_role("button", name="Put the text back").click()
    assert "The text is back" in notice.inner_text()
    assert FOREWORD in page.locator(".field-foreword [contenteditable=true]").inner_text()
    page.locator("input[name='_continue']").click()
    page.wait_for_url(f"**{change}")
    long_issue.refresh_from_db()
    assert FOREWORD in long_issue.foreword
    assert script_errors == []


def test_a_warning_comes_before_the_idle_timeout_and_staying_signed_in_renews_the_session(
    live_server, long_issue, page, settings, script_errors
):
    # A 32-second timeout: the warning comes a quarter of it (8 seconds) before, as it comes 5 minutes before an hour.
    settings.SESSION_COOKIE_AGE = 32
    change = f"/admin/newsletters/issue/{long_issue.pk}/change/"
    sign_in(page, live_server, change)
    expiry_before = Session.objects.get().expire_date

    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(timeout=40_000)
    assert "signed out in about 1 minute" in dialog.inner_text()
    axe_check(page, exclude=["#issue_form"])
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert Session.objects.get().expire_date > expiry_before

    expired = page.get_by_role("dialog", name="You have been signed out")
    expired.wait_for(timeout=45_000)
    axe_check(page, exclude=["#issue_form"])
    link = expired.get_by_role("link", name="Sign in again")
    assert link.get_attribute("href") == f"/admin/login/?next={change.replace('/', '%2F')}"
    assert script_errors == []
