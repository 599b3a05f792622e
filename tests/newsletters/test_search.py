"""Newsletter search: titles above bodies, highlighted snippets, websearch syntax, any input answered."""

import pytest

from lscb_portal.core.models import BoardSettings
from lscb_portal.core.search import SearchResults
from newsletters.search import sources
from tests.newsletters.factories import ArticleFactory, IssueFactory


@pytest.fixture
def articles(db):
    issue = IssueFactory(published=True)
    body_only = ArticleFactory(
        issue=issue,
        title="Early help in schools",
        body="<p>Staff noticed neglect early and asked the family what help they wanted.</p>",
    )
    in_title = ArticleFactory(issue=issue, title="Neglect toolkit launched", body="<p>A new toolkit for staff.</p>")
    hidden = ArticleFactory(issue=IssueFactory(), title="Neglect strategy draft", body="<p>Neglect.</p>")
    return body_only, in_title, hidden


def found(q: str) -> list[str]:
    return [result.url for result in SearchResults(q, sources())]


def test_title_matches_come_before_body_matches_and_drafts_never_appear(articles):
    body_only, in_title, _hidden = articles
    assert found("neglect") == [in_title.get_absolute_url(), body_only.get_absolute_url()]


def test_snippets_highlight_the_words_and_nothing_else_is_markup(db):
    ArticleFactory(
        issue=IssueFactory(published=True),
        title="Sexting",
        body="<p>Young people told us that &lt;script&gt; sexting is common &amp; worrying &lt;b&gt;.</p>",
    )
    [result] = SearchResults("sexting", sources())
    assert "&lt;script&gt; <mark>sexting</mark>" in result.snippet
    assert "<script" not in result.snippet
    assert "<b>" not in result.snippet
    assert "&amp;" in result.snippet


def test_websearch_syntax_phrases_and_exclusions(articles):
    body_only, in_title, _ = articles
    assert found('"neglect toolkit"') == [in_title.get_absolute_url()]
    assert found("neglect -toolkit") == [body_only.get_absolute_url()]
    assert set(found("toolkit or family")) == {body_only.get_absolute_url(), in_title.get_absolute_url()}


@pytest.mark.parametrize(
    "query",
    ['"', "'", "!!!", "a & b | c", "(neglect", "\x00neglect", "the and of", "x" * 5000, "neglect:*", "<script>", "-"],
)
def test_any_input_is_answered_with_a_page(client, articles, query):
    response = client.get("/newsletters/search/", {"q": query})
    assert response.status_code == 200
    assert "Search the newsletters" in response.content.decode()


def test_the_results_page_shows_snippets_and_links(client, articles):
    _, in_title, _ = articles
    html = client.get("/newsletters/search/", {"q": "toolkit"}).content.decode()
    assert in_title.get_absolute_url() in html
    assert "<mark>toolkit</mark>" in html
    assert f"{in_title.issue.series.title}, Issue {in_title.issue.number} ({in_title.issue.title})" in html
    empty = client.get("/newsletters/search/", {"q": "zebra"}).content.decode()
    assert "No articles or issues matched" in empty


def test_the_results_page_finds_issues_too(client, db):
    issue = IssueFactory(published=True, title="Spring 2026", foreword="<p>This issue looks at county lines.</p>")
    html = client.get("/newsletters/search/", {"q": "county lines"}).content.decode()
    assert "Newsletter issue" in html
    assert issue.get_absolute_url() in html
    assert "<mark>county</mark> <mark>lines</mark>" in html


def test_the_page_lists_the_best_fifty_and_says_how_many_matched(client, django_assert_max_num_queries, db):
    BoardSettings.get_solo()
    issue = IssueFactory(published=True)
    for number in range(55):
        ArticleFactory(issue=issue, title=f"Neglect briefing {number}", slug=f"neglect-{number}")
    # The layout's board settings, one query ranking and counting, one reading the 50 rows shown.
    with django_assert_max_num_queries(3):
        html = client.get("/newsletters/search/", {"q": "neglect"}).content.decode()
    assert "55 results for “neglect” (the best 50)" in html
    assert html.count('class="lscb-results__item"') == 50
