"""A board manager enters a nine-article issue from a Word file through the back office in under five
minutes (timed from the issue list to the published issue), and the importer's pages pass axe."""

import sys
import time

import pytest

from newsletters.models import Issue
from tests.e2e.board_manager import log_in_board_manager
from tests.e2e.conftest import axe_check
from tests.newsletters import newsletter_files as files
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory

FIVE_MINUTES = 300


@pytest.fixture
def manager(live_server, demo_board, settings, page):
    settings.STAFF_2FA_REQUIRED = False
    return log_in_board_manager(page, live_server, "/admin/newsletters/issue/")


def test_a_nine_article_issue_from_word_in_under_five_minutes(live_server, manager, page, tmp_path, capsys):
    series = SeriesFactory(title="Safeguarding Newsletter", slug="safeguarding-newsletter")
    ArticleFactory(issue=IssueFactory(series=series, number=3, title="Winter 2017", published=True))
    document = tmp_path / "spring-2018.docx"
    document.write_bytes(files.docx_bytes(files.NINE_TITLES))

    started = time.monotonic()
    page.get_by_role("link", name="Import newsletter files").click()
    page.wait_for_url("**/admin/newsletters/issue/import/")
    axe_check(page)
    page.select_option("#id_series", label="Safeguarding Newsletter")
    page.set_input_files("#id_files", str(document))
    page.get_by_role("button", name="Read the files").click()
    page.wait_for_url("**/admin/newsletters/issue/import/review/")
    axe_check(page)
    result = page.locator(".lscb-import__result li")
    assert result.count() == 10  # the foreword and nine articles
    assert page.input_value("#id_file0-number") == "4"
    assert page.input_value("#id_file0-title") == "March 2018"
    page.get_by_role("button", name="Create 1 issue").click()
    page.wait_for_url("**/admin/newsletters/issue/*/change/")

    # Give two articles their topics in the composer, then publish through the confirmation page.
    for index, topics in ((0, "Neglect"), (3, "Domestic abuse, Neglect")):
        page.locator(".lscb-composer__summary").nth(index).click()
        page.fill(f"#id_articles-{index}-tags", topics)
    page.locator("input[name='_continue']").click()
    page.wait_for_url("**/change/")
    page.get_by_role("link", name="Publish or schedule…").click()
    page.get_by_label("Yes, email the series' subscribers when it appears").check()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url("**/change/")
    elapsed = time.monotonic() - started

    issue = Issue.objects.get(series=series, number=4)
    assert issue.is_public
    assert list(issue.articles.order_by("position").values_list("title", flat=True)) == files.NINE_TITLES
    assert sorted(issue.articles.get(position=4).tags.names()) == ["Domestic abuse", "Neglect"]
    assert elapsed < FIVE_MINUTES, f"entering the issue took {elapsed:.0f} s"
    with capsys.disabled():
        sys.stdout.write(f"\nNine-article issue from Word, issue list to published: {elapsed:.1f} s\n")
