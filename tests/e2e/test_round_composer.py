"""The round composer and its publish confirmation in a real browser: rows that open and close, a new
chapter added from the round, previews as readers will see them, and publishing through the confirmation
page, with axe at 1280 and 320 pixels on each back-office page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_check, check_both_widths
from tests.e2e.test_procedures import draft_round, log_in_as_editor, manual  # noqa: F401 (fixtures)


@pytest.fixture
def no_second_factor(settings):
    settings.STAFF_2FA_REQUIRED = False


def test_compose_preview_and_publish_a_round(live_server, draft_round, no_second_factor, page):  # noqa: F811
    from procedures.models import Section

    log_in_as_editor(page, live_server)
    change = f"{live_server.url}/admin/procedures/updateround/{draft_round.pk}/change/"
    page.goto(change)
    rows = page.locator(".lscb-composer__row:not(.empty-form)")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("details")).not_to_have_attribute("open", "")  # saved rows start closed
    check_both_widths(page)

    # Open the saved row by keyboard: the details of amends and the chapter's text are right there.
    rows.first.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_amendments-0-details")).to_be_visible()
    expect(page.locator("#id_amendments-0-title")).to_have_value("Neglect")

    # Add a new chapter from the round.
    page.get_by_role("button", name="Add another Chapter in this round").click()
    page.select_option("#id_amendments-1-kind", "new")
    page.select_option("#id_amendments-1-section", str(Section.objects.order_by("position").first().pk))
    page.fill("#id_amendments-1-title", "Gangs and criminal exploitation")
    page.fill("#id_amendments-1-details", "A new chapter on gangs, county lines and criminal exploitation.")
    page.fill("#id_amendments-1-position", "2")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".lscb-composer__row:not(.empty-form)")).to_have_count(2)
    expect(page.locator(".lscb-composer__title").nth(1)).to_have_text("Gangs and criminal exploitation")

    # A refusal comes back beside its field, on the same page.
    page.locator(".lscb-composer__summary").nth(1).click()
    page.fill("#id_amendments-1-slug", "neglect")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".field-slug .errorlist").first).to_contain_text("belongs to “Neglect”")
    check_both_widths(page)

    # The previews are the readers' pages.
    page.goto(f"{live_server.url}/admin/procedures/updateround/{draft_round.pk}/preview/")
    expect(page.locator("h1")).to_have_text("September 2026 update")
    expect(page.locator(".lscb-amendments-table").first).to_contain_text("Section 1 now lists cold and unsafe homes")
    axe_check(page)
    page.get_by_role("link", name="Gangs and criminal exploitation").click()
    expect(page.locator("h1")).to_have_text("Gangs and criminal exploitation")
    axe_check(page)

    # Publish through the confirmation page.
    page.goto(change)
    page.get_by_role("link", name="Publish…").click()
    expect(page.locator("h1")).to_contain_text("Publish “September 2026 update”")
    expect(page.locator(".lscb-confirm__facts")).to_contain_text("Gangs and criminal exploitation: new chapter")
    check_both_widths(page)
    page.get_by_role("button", name="Publish the round now").click()
    expect(page.locator(".messagelist")).to_contain_text("“September 2026 update” is published.")

    page.goto(f"{live_server.url}/procedures/gangs-and-criminal-exploitation/")
    expect(page.locator("h1")).to_have_text("Gangs and criminal exploitation")
