"""Issues are found by their title, date, signatory and foreword, on the newsletters' search and the site search."""

from datetime import date

import pytest
from django.urls import reverse

from lscb_portal.core.models import BoardSettings
from lscb_portal.core.search import SearchResults
from newsletters.models import Issue, IssueDateShown
from newsletters.search import issue_source, sources
from tests.newsletters.factories import ArticleFactory, IssueFactory

pytestmark = pytest.mark.django_db

SEARCH_PAGES = ["newsletters:search", "pages:search"]


@pytest.fixture
def issues(db):
    BoardSettings.get_solo()
    march = IssueFactory(
        published=True,
        title="Spring 2018",
        issue_date=date(2018, 3, 1),
        foreword="<p>This issue looks at county lines.</p>",
        foreword_by="Jane Okafor",
        foreword_role="Independent Chair",
    )
    september = IssueFactory(
        published=True,
        title="Autumn 2019",
        issue_date=date(2019, 9, 14),
        issue_date_shown=IssueDateShown.DAY,
        foreword="<p>Welcome back.</p>",
        foreword_by="Helen Marsh",
        foreword_role="Board Manager",
    )
    draft = IssueFactory(title="Spring 2020", foreword_by="Jane Okafor", issue_date=date(2018, 3, 1))
    return march, september, draft


def found(q: str) -> list[str]:
    return [result.url for result in SearchResults(q, [issue_source()])]


@pytest.mark.parametrize(
    ("q", "which"),
    [
        ("spring", "march"),  # title
        ('"county lines"', "march"),  # foreword
        ("march 2018", "march"),  # date, as readers see it
        ("14 september 2019", "september"),  # a day's date
        ("okafor", "march"),  # signatory
        ("board manager", "september"),  # signatory's role
    ],
)
def test_an_issue_is_found_by_its_title_foreword_date_or_signatory(issues, q, which):
    march, september, _draft = issues
    assert found(q) == [{"march": march, "september": september}[which].get_absolute_url()]


def test_drafts_are_never_found(issues):
    _march, _september, draft = issues
    assert draft.get_absolute_url() not in found("okafor spring")
    assert found("2020") == []


def test_changing_an_issue_s_date_moves_it_in_search(issues):
    march, _september, _draft = issues
    march.issue_date = date(2018, 4, 1)
    march.save(update_fields=["issue_date"])

    assert Issue.objects.get(pk=march.pk).date_text == "April 2018"
    assert found("april 2018") == [march.get_absolute_url()]
    assert found("march 2018") == []


def test_a_match_in_an_issue_s_date_or_signatory_comes_before_a_match_in_an_article_s_text(issues):
    march, _september, _draft = issues
    article = ArticleFactory(issue=march, title="Team news", body="<p>Thanks to Jane Okafor for her years.</p>")

    results = list(SearchResults("okafor", sources()))

    assert [result.url for result in results] == [march.get_absolute_url(), article.get_absolute_url()]
    assert [result.tier for result in results] == [1, 0]


@pytest.mark.parametrize("page", SEARCH_PAGES)
def test_both_searches_show_an_issue_with_its_date_and_signatory(client, issues, page):
    march, _september, _draft = issues

    html = client.get(reverse(page), {"q": "okafor"}).content.decode()

    assert march.get_absolute_url() in html
    assert "Newsletter issue · Foreword by Jane Okafor, Independent Chair" in html
    assert '<time datetime="2018-03-01">March 2018</time>' in html
