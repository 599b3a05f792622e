"""The rich-text editor in the admin: links keep the address they were given when pasted, and the
browser's spelling check is on."""

import pytest

from tests.e2e.board_manager import log_in_board_manager

PASTED = (
    '<p>Apply at <a href="https://www.gov.uk/universal-credit">www.gov.uk</a> or read '
    '<a href="https://example.org/guidance/neglect-toolkit?year=2018#tools">example.org</a>.</p>'
)


@pytest.fixture
def editor_page(live_server, demo_board, page, settings):
    settings.STAFF_2FA_REQUIRED = False
    log_in_board_manager(page, live_server, "/admin/newsletters/issue/add/")
    return page


def paste_html(page, selector: str, html: str) -> None:
    page.locator(selector).click()
    page.evaluate(
        """([selector, html]) => {
            const target = document.querySelector(selector);
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "pasted");
            target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [selector, html],
    )


def test_a_pasted_link_keeps_the_address_it_was_given(editor_page):
    foreword = ".field-foreword .tiptap[contenteditable=true]"
    editor_page.wait_for_selector(foreword)
    paste_html(editor_page, foreword, PASTED)
    editor_page.wait_for_function("document.querySelector('#id_foreword').value.includes('Apply at')")
    stored = editor_page.input_value("#id_foreword")
    assert 'href="https://www.gov.uk/universal-credit"' in stored
    assert 'href="https://example.org/guidance/neglect-toolkit?year=2018#tools"' in stored
    assert 'href="http://www.gov.uk"' not in stored
    assert 'href="http://example.org"' not in stored


def test_the_editor_checks_spelling(editor_page):
    foreword = editor_page.locator(".field-foreword .tiptap[contenteditable=true]")
    foreword.wait_for()
    assert foreword.get_attribute("spellcheck") != "false"
