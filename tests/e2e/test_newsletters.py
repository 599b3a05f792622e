"""Newsletters in a real browser: read the latest issue and follow its contents, search, contribute an
article, and an editor building and publishing an issue in the admin. Every newsletter page is checked
with axe at 1280 px and at 320 px (where it must not scroll sideways), including the contribution form
showing its errors.
"""

import pytest
from django.contrib.auth.models import Group, Permission, User

from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.roles import BOARD_MANAGERS
from newsletters import demo
from newsletters.models import Contribution, Issue, IssueStatus, Series
from tests.e2e.conftest import axe_check, check_both_widths

PASSWORD = "lantern-orchard-river-27"


@pytest.fixture
def newsletters(demo_board):
    demo.load()
    return Issue.objects.published().in_reading_order().select_related("series")


def test_read_the_latest_issue_and_follow_its_contents_links(live_server, newsletters, page):
    latest = newsletters.filter(series__slug="safeguarding-newsletter").first()
    page.goto(f"{live_server.url}/newsletters/")
    check_both_widths(page)
    page.get_by_role("link", name=f"Issue {latest.number}, {latest.title}").first.click()
    page.wait_for_url(f"**{latest.get_absolute_url()}")
    assert page.locator("h1").inner_text() == f"Issue {latest.number}: {latest.title}"
    check_both_widths(page)

    article = latest.articles.first()
    page.locator(".lscb-contents").get_by_role("link", name=article.title).click()
    page.wait_for_url(f"**#{article.anchor}")
    assert page.locator(f"#{article.anchor}").is_visible()

    page.get_by_role("link", name=f"Open “{article.title}” on its own page").click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.locator("h1").inner_text() == article.title
    check_both_widths(page)


@pytest.mark.parametrize(
    "path",
    [
        "/newsletters/safeguarding-newsletter/",
        "/newsletters/safeguarding-newsletter/archive/2025/",
        "/newsletters/safeguarding-newsletter/21/",
        "/newsletters/safeguarding-newsletter/22/business-plan-priorities/",
        "/newsletters/frontline-bulletin/8/",
        "/newsletters/topics/",
        "/newsletters/topics/neglect/",
        "/newsletters/search/?q=neglect",
        "/newsletters/search/?q=zebra",
    ],
)
def test_every_newsletter_page_passes_axe_and_fits_a_phone(live_server, newsletters, page, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").is_visible()
    check_both_widths(page)


def test_search_and_open_a_result(live_server, newsletters, page):
    page.goto(f"{live_server.url}/newsletters/search/")
    page.fill("#newsletter-search-q", "county lines")
    page.get_by_role("button", name="Search").last.click()
    page.wait_for_url("**/newsletters/search/?q=county+lines")
    first = page.locator(".lscb-results__item").first
    assert first.locator("mark").count() >= 1
    title = first.locator("h2 a").inner_text()
    assert title == "County lines: what to look for"
    first.locator("h2 a").click()
    assert page.locator("h1").inner_text() == title


def test_contribute_an_article(live_server, newsletters, page):
    page.goto(f"{live_server.url}/newsletters/contribute/")
    check_both_widths(page)
    page.fill("#id_name", "Priya Shah")
    page.fill("#id_title", "Safe sleep week at the children's centre")
    page.fill("#id_text", "Too short to publish.")
    page.get_by_role("button", name="Send your article").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Your article is 4 words long. It must be between 200 and 300 words." in summary.inner_text()
    assert page.input_value("#id_name") == "Priya Shah"
    check_both_widths(page)

    page.fill("#id_role", "Specialist Health Visitor")
    page.fill("#id_agency", "Northbrook Community Health NHS Trust")
    page.fill("#id_email", "priya.shah@nhs.example.org")
    page.fill("#id_text", " ".join(["Families"] * 120 + ["learned", "about", "safer", "sleep"] * 30))
    page.check("#id_consent")
    page.get_by_role("button", name="Send your article").click()

    page.wait_for_url("**/newsletters/contribute/sent/")
    assert "Article sent" in page.locator("h1").inner_text()
    check_both_widths(page)
    contribution = Contribution.objects.get()
    assert contribution.word_count == 240
    assert OutboxMessage.objects.filter(to="priya.shah@nhs.example.org").exists()


def test_an_editor_builds_and_publishes_an_issue_in_the_admin(live_server, newsletters, page, settings):
    settings.STAFF_2FA_REQUIRED = False
    editor = User.objects.create_user("helen", password=PASSWORD, is_staff=True)
    # Browser tests flush the database between tests, so the role is granted here as its migration does.
    managers, _ = Group.objects.get_or_create(name=BOARD_MANAGERS)
    managers.permissions.add(*Permission.objects.filter(content_type__app_label="newsletters"))
    editor.groups.add(managers)
    series = Series.objects.get(slug="frontline-bulletin")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/newsletters/issue/add/")
    page.fill("#id_username", "helen")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url("**/admin/newsletters/issue/add/")

    page.select_option("#id_series", str(series.pk))
    page.fill("#id_number", "10")
    page.fill("#id_title", "November 2026")
    page.fill("#id_foreword_by", "Helen Marsh")
    page.get_by_role("button", name="Add an article").click()
    page.fill("#id_articles-0-title", "Winter pressures and neglect")
    page.fill("#id_articles-0-summary", "Cold homes and tight budgets: what to look out for this winter.")
    page.fill("#id_articles-0-tags", "Neglect")
    page.locator("input[name='_save']").click()
    page.wait_for_url("**/admin/newsletters/issue/")
    issue = Issue.objects.get(series=series, number=10)
    assert issue.status == IssueStatus.DRAFT

    page.goto(f"{live_server.url}{issue.get_preview_url()}")
    assert "This is how readers will see the issue" in page.content()

    page.goto(f"{live_server.url}/admin/newsletters/issue/")
    page.locator(f"input[name='_selected_action'][value='{issue.pk}']").check()
    page.select_option("select[name='action']", "publish")
    page.locator("button[name='index']").click()
    page.wait_for_url(f"**/admin/newsletters/issue/{issue.pk}/publish/")
    axe_check(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(f"**/admin/newsletters/issue/{issue.pk}/change/")
    assert "Issue 10: November 2026 published" in page.locator(".messagelist").inner_text()

    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    assert issue.subscribers_notified_at is not None
    page.goto(f"{live_server.url}{issue.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Issue 10: November 2026"
    assert page.locator(".lscb-contents").get_by_role("link", name="Winter pressures and neglect").is_visible()
