"""The issue composer and the publish confirmation in a real browser: rows that open and close, a new
article with topics and a resource line, reordering by keyboard, preview and publishing through the
confirmation page, with axe on each page."""

import pytest
from taggit.models import Tag

from newsletters.models import Issue, IssueStatus
from tests.e2e.board_manager import log_in_board_manager
from tests.e2e.conftest import axe_check
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory, subscribe


@pytest.fixture
def issue(live_server, demo_board, settings):
    settings.STAFF_2FA_REQUIRED = False
    series = SeriesFactory(title="Frontline News", slug="frontline-news")
    issue = IssueFactory(series=series, number=12, title="Winter 2026")
    for position, title in enumerate(["Winter pressures and neglect", "Private fostering", "Safer sleep"], 1):
        ArticleFactory(issue=issue, position=position, title=title, slug=f"article-{position}")
    Tag.objects.create(name="Domestic abuse")
    subscribe(series)
    subscribe(series)
    return issue


def test_compose_an_issue_on_one_page(live_server, issue, page):
    change = f"/admin/newsletters/issue/{issue.pk}/change/"
    log_in_board_manager(page, live_server, change)
    rows = page.locator(".lscb-composer__row:not(.djn-empty-form)")
    assert rows.count() == 3
    assert page.locator(".lscb-composer__row:not(.djn-empty-form) details[open]").count() == 0  # saved rows are closed
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, f"the issue page is {height}px tall"
    axe_check(page)

    # Open a row by keyboard: its fields are right there.
    page.locator(".lscb-composer__summary").nth(1).focus()
    page.keyboard.press("Enter")
    assert page.locator("#id_articles-1-title").is_visible()

    page.get_by_role("button", name="Add an article").click()
    new_title = page.locator("#id_articles-3-title")
    new_title.wait_for()
    new_title.fill("Domestic abuse: the toxic trio")
    assert page.locator("#articles-3 .lscb-composer__title").inner_text() == "Domestic abuse: the toxic trio"
    topics = page.locator("#id_articles-3-tags")
    topics.fill("Neglect, Domest")
    page.wait_for_function("document.querySelector('#id_articles-3-tags').list?.options.length > 0", timeout=5000)
    assert page.evaluate("[...document.querySelector('#id_articles-3-tags').list.options].map(o => o.value)") == [
        "Neglect, Domestic abuse"
    ]
    topics.fill("Neglect, Domestic abuse")
    page.locator("#articles-3").get_by_role("link", name="Add another Resource Line").click()
    page.fill("#id_articles-3-resources-0-organisation", "Refuge")
    page.fill("#id_articles-3-resources-0-offers", "24-hour domestic abuse helpline")
    page.fill("#id_articles-3-resources-0-url", "https://www.refuge.org.uk/")

    # Move the new article to the top with the keyboard.
    for _ in range(3):
        page.locator("#articles-3").get_by_role("button", name="Move up").focus()
        page.keyboard.press("Enter")
    assert page.locator(".lscb-composer__row:not(.djn-empty-form)").first.get_attribute("id") == "articles-3"
    axe_check(page)
    page.locator("input[name='_continue']").click()
    page.wait_for_url(f"**{change}")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    titles = list(issue.articles.order_by("position").values_list("title", flat=True))
    assert titles == [
        "Domestic abuse: the toxic trio",
        "Winter pressures and neglect",
        "Private fostering",
        "Safer sleep",
    ]
    new = issue.articles.get(title="Domestic abuse: the toxic trio")
    assert sorted(new.tags.names()) == ["Domestic abuse", "Neglect"]
    assert new.resources.get().organisation == "Refuge"
    assert new.slug == "domestic-abuse-the-toxic-trio"

    with page.expect_popup() as preview:
        page.get_by_role("link", name="Preview (opens in a new tab)").click()
    popup = preview.value
    popup.wait_for_load_state()
    assert "This is how readers will see the issue" in popup.content()


def test_publish_through_the_confirmation_page(live_server, issue, page):
    log_in_board_manager(page, live_server, f"/admin/newsletters/issue/{issue.pk}/change/")
    page.get_by_role("link", name="Publish or schedule…").click()
    page.wait_for_url(f"**/admin/newsletters/issue/{issue.pk}/publish/")
    text = page.locator("#content").inner_text()
    assert "2 subscribers get an email when it appears" in text
    assert "3 articles" in text
    axe_check(page)

    assert page.input_value("#id_test_to") == "helen@board.example.org"
    page.get_by_role("button", name="Send a test email").click()
    assert "Test email sent to helen@board.example.org" in page.locator(".messagelist").inner_text()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT

    page.get_by_label("No, publish without emailing anyone").check()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(f"**/admin/newsletters/issue/{issue.pk}/change/")
    assert "Issue 12: Winter 2026 published. Nobody was emailed." in page.locator(".messagelist").inner_text()
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.is_public
    assert issue.mail_subscribers is False
