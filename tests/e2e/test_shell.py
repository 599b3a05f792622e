"""The shell in a real browser: no WCAG 2.2 AA violations, no sideways scrolling, usable by keyboard."""

import pytest

from tests.e2e.conftest import DESKTOP, MOBILE, assert_no_horizontal_scroll, axe_check, tab_to

SHELL_PAGES = {
    "home": "/",
    "search": "/search/",
    "search results": "/search/?q=county+lines",
    "alerts": "/alerts/",
    "accessibility": "/accessibility/",
    "privacy": "/privacy/",
    "cookies": "/cookies/",
    "contact": "/contact/",
    "not found": "/no-such-page/",
}


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280px", "320px"])
@pytest.mark.parametrize("path", SHELL_PAGES.values(), ids=SHELL_PAGES.keys())
def test_shell_pages_pass_axe_and_fit_the_screen(live_server, demo_board, page, path, viewport):
    page.set_viewport_size(viewport)

    response = page.goto(f"{live_server.url}{path}")

    assert response.status == (404 if path == "/no-such-page/" else 200)
    assert page.locator("h1").count() == 1
    axe_check(page)
    if viewport == MOBILE:
        assert_no_horizontal_scroll(page)


def test_gov_uk_frontend_javascript_starts(live_server, demo_board, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/")

    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    page.wait_for_selector(".govuk-exit-this-page__indicator", state="attached")
    assert errors == []


def test_the_first_tab_focuses_the_skip_link_and_enter_moves_to_the_main_content(live_server, demo_board, page):
    page.goto(f"{live_server.url}/contact/")

    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent.trim()]")
    assert focused == ["govuk-skip-link", "Skip to main content"]
    assert page.locator(".govuk-skip-link").is_visible(), "the skip link shows when it has focus"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.url.endswith("#main-content")


def test_the_menu_button_opens_the_navigation_on_a_phone(live_server, demo_board, page):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/")
    toggle = page.get_by_role("button", name="Menu")
    training = page.get_by_role("link", name="Training", exact=True)

    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not training.is_visible()

    tab_to(page, ".govuk-service-navigation__toggle")
    page.keyboard.press("Enter")

    assert toggle.get_attribute("aria-expanded") == "true"
    assert training.is_visible()
    for name in ("Newsletters", "Procedures", "Search"):
        assert page.get_by_role("link", name=name, exact=True).is_visible()

    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"


def test_the_navigation_shows_without_a_menu_button_on_a_desktop(live_server, demo_board, page):
    page.goto(f"{live_server.url}/search/")

    assert not page.get_by_role("button", name="Menu").is_visible()
    current = page.locator(".govuk-service-navigation__link[aria-current]")
    assert current.count() == 1
    assert current.inner_text() == "Search"


@pytest.fixture
def exit_to_privacy(live_server, settings):
    """Point "Exit this page" at a page on the live server, so that leaving can be tested offline."""
    settings.EXIT_PAGE_URL = f"{live_server.url}/privacy/"
    return settings.EXIT_PAGE_URL


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280px", "320px"])
def test_exit_this_page_is_reachable_and_works_by_keyboard(live_server, demo_board, page, exit_to_privacy, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/contact/")

    presses = tab_to(page, ".govuk-exit-this-page__button")
    assert presses <= 12, "the way out is near the start of the page"
    assert page.locator(".govuk-exit-this-page__button").is_visible()

    page.keyboard.press("Enter")
    page.wait_for_url(exit_to_privacy)
    assert page.locator("h1").inner_text() == "Privacy notice"


def test_exit_this_page_has_a_keyboard_shortcut(live_server, demo_board, page, exit_to_privacy):
    page.goto(f"{live_server.url}/accessibility/")
    page.wait_for_selector(".govuk-exit-this-page__indicator", state="attached")

    for _ in range(3):
        page.keyboard.press("Shift")

    page.wait_for_url(exit_to_privacy)


@pytest.fixture
def strict_page(browser):
    """A page that obeys the portal's CSP (the shared ``page`` bypasses it so that axe can be injected)."""
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " event => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/", "/search/?q=neglect", "/alerts/", "/contact/"])
def test_the_content_security_policy_blocks_nothing_the_shell_needs(live_server, demo_board, strict_page, path):
    errors = []
    strict_page.on("pageerror", lambda error: errors.append(str(error)))

    strict_page.goto(f"{live_server.url}{path}")
    strict_page.wait_for_selector(".govuk-exit-this-page__indicator", state="attached")

    assert strict_page.evaluate("window.cspViolations") == []
    assert errors == []
    assert strict_page.evaluate("document.body.classList.contains('js-enabled')"), "the nonced inline script ran"
