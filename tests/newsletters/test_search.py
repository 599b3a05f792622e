"""Newsletter search: titles above bodies, highlighted snippets, websearch syntax, any input answered."""

import pytest

from newsletters import selectors
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


def test_title_matches_come_before_body_matches_and_drafts_never_appear(articles):
    body_only, in_title, _hidden = articles
    hits = selectors.search_articles("neglect")
    assert [hit.article for hit in hits] == [in_title, body_only]


def test_snippets_highlight_the_words_and_nothing_else_is_markup(db):
    ArticleFactory(
        issue=IssueFactory(published=True),
        title="Sexting",
        body="<p>Young people told us that &lt;script&gt; sexting is common &amp; worrying &lt;b&gt;.</p>",
    )
    [hit] = selectors.search_articles("sexting")
    assert "<mark>sexting</mark>" in hit.snippet
    assert "<script" not in hit.snippet
    assert "<b>" not in hit.snippet
    assert "&amp;" in hit.snippet


def test_websearch_syntax_phrases_and_exclusions(articles):
    body_only, in_title, _ = articles
    assert [hit.article for hit in selectors.search_articles('"neglect toolkit"')] == [in_title]
    assert [hit.article for hit in selectors.search_articles("neglect -toolkit")] == [body_only]
    assert {hit.article for hit in selectors.search_articles("toolkit or family")} == {body_only, in_title}


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
    empty = client.get("/newsletters/search/", {"q": "zebra"}).content.decode()
    assert "No articles matched" in empty


def test_site_search_selector_returns_search_results(articles):
    results = selectors.search("neglect")
    assert results[0].title == "Neglect toolkit launched"
    assert results[0].kind == "Newsletter article"
    assert results[0].url.startswith("/newsletters/")
    assert all("draft" not in result.title for result in results)
    assert selectors.search("") == []


def test_search_sources_feed_the_site_search_pages(articles):
    from lscb_portal.core.search import paginate_results

    page = paginate_results("neglect", selectors.search_sources(), page="abc")
    titles = [result.title for result in page]
    assert titles[0] == "Neglect toolkit launched"
    assert "Neglect strategy draft" not in titles
