"""A browser holding a page from the page cache: asked again, it is told its copy is good (304) and the
copy's scripts still run under the policy that came with it (the policy is enforced here, not bypassed)."""

from lscb_portal.core import pagecache
from tests.e2e.conftest import DESKTOP


def test_a_page_the_browser_already_holds_is_not_sent_again_and_its_scripts_still_run(
    live_server, demo_board, browser, monkeypatch
):
    answered_304 = []
    not_modified = pagecache._StoredPage.not_modified

    def counting(stored, request):
        answered_304.append(request.path)
        return not_modified(stored, request)

    monkeypatch.setattr(pagecache._StoredPage, "not_modified", counting)
    url = f"{live_server.url}/procedures/"
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    refused = []

    def note_refusal(message):
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note_refusal)
    try:
        page.goto(url)
        page.goto(url)
        page.reload()

        assert "/procedures/" in answered_304  # the browser asked with the page's ETag and kept its copy
        # The page's inline script (allowed by its nonce) ran on the copy the browser kept.
        assert "js-enabled" in page.evaluate("document.body.className")
        assert refused == []
    finally:
        context.close()
