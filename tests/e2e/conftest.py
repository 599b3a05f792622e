"""Browser tests: the portal in Debian's Chromium, driven by Playwright.

Everything under ``tests/e2e/`` is marked ``e2e`` and is left out of ``make test``; run it with
``make e2e`` (or ``.venv/bin/python -m pytest tests/e2e -q``). No browser is ever downloaded: Chromium is
``$CHROMIUM_PATH`` (default ``/usr/bin/chromium``), launched once per test session.

Fixtures and helpers for every app's browser tests
--------------------------------------------------
``browser``
    The session's headless Chromium (a ``playwright.sync_api.Browser``).
``page``
    A fresh browser context for each test (no shared cookies or storage), 1280 x 900, with
    ``bypass_csp=True`` so that axe can be injected into pages served with the portal's strict CSP.
    Its default timeout is 10 seconds. Resize with ``page.set_viewport_size({"width": 320, "height": 720})``.
``demo_board``
    Loads the demo board (``lscb_portal.core.demo.load()``) into the live server's database and returns the
    ``BoardSettings`` record. Request it together with pytest-django's ``live_server`` (which serves static
    files too); data is flushed after each test, so load your own app's data in your own fixture on top of it.
``axe_check(page, *, exclude=())``
    Runs axe-core (``node_modules/axe-core/axe.min.js``) on the current page with the WCAG 2.0/2.1 A and AA
    and WCAG 2.2 AA rules, and fails with a readable list of violations: rule id, impact, help text and
    the CSS selectors of the offending nodes. ``exclude`` takes CSS selectors to leave out (say why).
``assert_no_horizontal_scroll(page)``
    Fails if the page is wider than the viewport (content that makes a phone scroll sideways), naming the
    widest elements that stick out.
``check_both_widths(page)``
    ``axe_check`` at 1280 and at 320 pixels wide, and ``assert_no_horizontal_scroll`` at 320; leaves the
    page at 1280.
``tab_to(page, selector, *, max_tabs=60)``
    Presses Tab until the element matching ``selector`` has focus and returns how many presses it took;
    fails if it never gets focus (i.e. it cannot be reached by keyboard).

Example::

    from tests.e2e.conftest import assert_no_horizontal_scroll, axe_check

    def test_course_page(live_server, demo_board, page):
        page.goto(f"{live_server.url}/training/")
        axe_check(page)
        page.set_viewport_size({"width": 320, "height": 720})
        assert_no_horizontal_scroll(page)

Screenshots: ``page.screenshot(path=...)`` under ``test-results/`` (ignored by git).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise
# refuse database access from the test (and from the live server's fixtures).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 320, "height": 720}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """Serve pages as production does: anonymous readers' pages from the page cache (off with DEBUG)."""
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"No Chromium at {executable}: install Debian's chromium or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_board(transactional_db):
    from lscb_portal.core import demo
    from lscb_portal.core.models import BoardSettings

    demo.load()
    return BoardSettings.get_solo()


def axe_check(page, *, exclude=()) -> None:
    """Fail with a readable list if axe finds WCAG 2.2 A/AA violations on the current page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = page.evaluate(
        """async ([context, tags]) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            return await (context ? window.axe.run(context, options) : window.axe.run(document, options));
        }""",
        [context, AXE_TAGS],
    )
    violations = results["violations"]
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:10]:
                target = " ".join(str(part) for part in node["target"])
                # The summary's first line says "Fix any/all of the following:"; the next is the first fix.
                summary = [line.strip() for line in (node.get("failureSummary") or "").splitlines()]
                lines.append(f"    {target}: {summary[1] if len(summary) > 1 else ''}")
            if len(violation["nodes"]) > 10:
                lines.append(f"    … and {len(violation['nodes']) - 10} more")
        pytest.fail("\n".join(lines), pytrace=False)


def assert_no_horizontal_scroll(page) -> None:
    """Fail if the page scrolls sideways at the current viewport width, naming what sticks out."""
    report = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const scroll = document.documentElement.scrollWidth;
            const wide = [];
            for (const el of document.body.querySelectorAll("*")) {
                const rect = el.getBoundingClientRect();
                if (rect.width && rect.right > width + 1) {
                    const id = el.id ? "#" + el.id : "";
                    const cls = typeof el.className === "string" && el.className
                        ? "." + el.className.trim().split(/\\s+/).join(".") : "";
                    wide.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(rect.right)}px)`);
                }
            }
            return {width, scroll, wide: wide.slice(0, 8)};
        }"""
    )
    assert report["scroll"] <= report["width"], (
        f"{page.url} scrolls sideways at {report['width']}px (content is {report['scroll']}px wide): "
        + "; ".join(report["wide"])
    )


def check_both_widths(page) -> None:
    """axe at the desktop and the phone width, no sideways scrolling on the phone; back to the desktop width."""
    page.set_viewport_size(DESKTOP)
    axe_check(page)
    page.set_viewport_size(MOBILE)
    axe_check(page)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(DESKTOP)


def tab_to(page, selector: str, *, max_tabs: int = 60) -> int:
    """Press Tab until ``selector`` has focus; return the number of presses."""
    target = page.locator(selector).first
    for presses in range(1, max_tabs + 1):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return presses
    pytest.fail(f"{selector} was not reached after {max_tabs} presses of Tab on {page.url}", pytrace=False)
