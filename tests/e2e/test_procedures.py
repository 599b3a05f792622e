"""Browser tests of the procedures manual: an editor publishes a round; a reader follows the change."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from lscb_portal.core.roles import PROCEDURE_EDITORS
from tests.e2e.conftest import MOBILE, assert_no_horizontal_scroll, axe_check

PASSWORD = "a long enough test password"


@pytest.fixture
def manual(demo_board):
    from procedures import demo

    demo.load()


@pytest.fixture
def draft_round(manual):
    """A round an editor has prepared in the back office: the neglect chapter changes."""
    from procedures.models import Amendment, Chapter, UpdateRound
    from procedures.services import draft_start

    update_round = UpdateRound.objects.create(title="September 2026 update")
    neglect = Chapter.objects.get(slug="neglect")
    draft = draft_start(chapter=neglect, update_round=update_round)
    draft.body = draft.body.replace("poor hygiene", "poor hygiene or a cold, unsafe home")
    draft.save()
    Amendment.objects.create(
        update_round=update_round,
        chapter=neglect,
        details="Section 1 now lists cold and unsafe homes as a sign of neglect.",
        sections_affected="1",
        major=True,
    )
    return update_round


def log_in_as_editor(page, live_server):
    user = User.objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=PROCEDURE_EDITORS))
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("body")).to_contain_text("Procedures")


def test_editor_publishes_a_round_and_a_reader_follows_the_change(live_server, draft_round, page):
    log_in_as_editor(page, live_server)
    page.goto(f"{live_server.url}/admin/procedures/updateround/")
    row = page.locator("tr", has_text="September 2026 update")
    expect(row).to_contain_text("Draft – not visible to the public")
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    expect(page.locator("h1")).to_contain_text("Publish “September 2026 update”")
    page.get_by_role("button", name="Publish the round now").click()
    expect(page.locator(".messagelist")).to_contain_text("“September 2026 update” is published.")

    # A reader, who has no account.
    reader = page.context.browser.new_context(bypass_csp=True, locale="en-GB")
    page = reader.new_page()
    page.goto(f"{live_server.url}/procedures/")
    neglect_item = page.locator(".lscb-chapter-list__item", has=page.get_by_role("link", name="Neglect", exact=True))
    expect(neglect_item.locator(".govuk-tag")).to_have_text("Amended")
    axe_check(page)

    neglect_item.get_by_role("link", name="Neglect", exact=True).click()
    banner = page.locator(".lscb-amended")
    expect(banner).to_contain_text("Amended in the September 2026 update")
    expect(banner).to_contain_text("Section 1 now lists cold and unsafe homes")
    axe_check(page)

    banner.get_by_role("link", name="See what changed from the previous version").click()
    expect(page.locator("h1")).to_contain_text("What changed in version 4")
    expect(page.locator(".lscb-diff ins.lscb-diff-ins").first).to_contain_text("or a cold, unsafe home")
    axe_check(page)

    page.goto(f"{live_server.url}/procedures/neglect/")
    page.get_by_role("link", name="Print this chapter").click()
    footer = page.locator(".lscb-print-footer")
    expect(footer).to_contain_text("This printed copy is valid for 72 hours only")
    code = footer.locator(".lscb-print-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".lscb-print-button")).to_be_hidden()
    expect(footer).to_be_visible()
    page.emulate_media(media="screen")
    axe_check(page)

    page.goto(f"{live_server.url}/procedures/verify/{code}/")
    expect(page.locator("h1")).to_have_text("Current")
    reader.close()


PAGES = [
    "/procedures/",
    "/procedures/neglect/",
    "/procedures/neglect/changes/",
    "/procedures/neglect/as-at/?date_0=1&date_1=6&date_2=2025",
    "/procedures/neglect/as-at/?date_0=31&date_1=2&date_2=2025",
    "/procedures/neglect/print/",
    "/procedures/child-protection-medical-assessments/",
    "/procedures/private-fostering-2015/",
    "/procedures/amendments/",
    "/procedures/glossary/",
    "/procedures/archive/",
    "/procedures/search/?q=neglect",
    "/procedures/search/?q=zebra",
    "/procedures/verify/",
]


def test_procedures_pages_pass_axe_and_fit_a_phone(live_server, manual, page):
    for path in PAGES:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}{path}")
        axe_check(page)
        page.set_viewport_size(MOBILE)
        assert_no_horizontal_scroll(page)


def test_as_at_form_is_usable_by_keyboard(live_server, manual, page):
    page.goto(f"{live_server.url}/procedures/neglect/")
    page.locator("#id_date_0").focus()
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.type("6")
    page.keyboard.press("Tab")
    page.keyboard.type("2025")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("As it stood on 1 June 2025")
    expect(page.locator(".lscb-chapter-body")).not_to_contain_text("Share the completed toolkit")
