"""The joined-up portal in a browser: home, site search and the alerts hub with every app's demo content,
checked with axe at 1280 px and at 320 px (where nothing may scroll sideways), and used by keyboard."""

import pytest

from tests.e2e.conftest import check_both_widths, tab_to


@pytest.fixture
def every_app(demo_board):
    import newsletters.demo
    import procedures.demo
    import training.demo

    for module in (newsletters.demo, training.demo, procedures.demo):
        module.load()
    return demo_board


def test_home_answers_in_one_look_at_both_widths(live_server, every_app, page):
    page.goto(f"{live_server.url}/")
    assert page.locator("#home-training").is_visible()
    assert page.locator("#home-newsletter").is_visible()
    assert page.locator("#home-procedures").is_visible()
    assert page.get_by_text("places left").count() >= 1
    check_both_widths(page)


def test_searching_from_the_home_page_by_keyboard(live_server, every_app, page):
    page.goto(f"{live_server.url}/")
    tab_to(page, "#home-search-q")
    page.keyboard.type("neglect")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=neglect")
    assert page.locator(".lscb-results__item").count() >= 2
    assert page.locator(".lscb-results__item mark").count() >= 1
    check_both_widths(page)


def test_filtering_and_paging_the_results(live_server, every_app, page):
    page.goto(f"{live_server.url}/search/?q=safeguarding")
    kinds = page.locator(".lscb-search-kinds a")
    assert kinds.count() >= 2
    label = kinds.nth(1).inner_text()
    kinds.nth(1).click()
    assert page.locator('.lscb-search-kinds strong[aria-current="true"]').inner_text() == label
    if page.locator(".govuk-pagination").count():
        page.locator(".govuk-pagination__next a").click()
        assert page.locator('.govuk-pagination__item--current [aria-current="page"]').inner_text() == "2"
    check_both_widths(page)


def test_a_search_with_no_results_and_a_hostile_one(live_server, every_app, page):
    page.goto(f"{live_server.url}/search/?q=zzqqxx")
    assert page.get_by_text("Nothing matched").is_visible()
    check_both_widths(page)
    page.goto(f"{live_server.url}/search/?q=%22%3Cscript%3Ealert(1)%3C/script%3E%20%F0%9F%98%80%20%26%20%7C%20!")
    assert page.locator("h1").inner_text() == "Search"


def test_the_alerts_hub_lists_every_app_at_both_widths(live_server, every_app, page):
    page.goto(f"{live_server.url}/alerts/")
    for value in ("procedures.updates", "training.alerts"):
        assert page.locator(f'input[value="{value}"]').count() == 1
    assert page.locator('input[value^="newsletters.series."]').count() >= 1
    assert page.locator('input[name="frequency"][value="weekly"]').count() == 1
    check_both_widths(page)
