"""Search queries kept compiled: filled in with each search's words, time and page, never standing for another query.

A source named by a ``statement_key`` has its ranking query, and the query reading a page's rows with
their snippets, compiled once per process. These tests show that a kept query finds what a fresh one
finds (an issue scheduled for later appears once its time has come, though the query was compiled
before; each page shows its own rows), that a search with kept queries compiles nothing through the ORM,
and that a source whose queryset changes under the same key is caught by the check every test runs.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.functions import Lower
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lscb_portal.core import search as core_search
from lscb_portal.core.search import SearchResults, SearchSource
from lscb_portal.pages.search import kinds
from newsletters.models import Article
from newsletters.search import sources
from tests.newsletters.factories import ArticleFactory, IssueFactory


@pytest.fixture(autouse=True)
def _no_statements_kept(monkeypatch):
    monkeypatch.setattr(core_search, "_statements", core_search._Kept())


def found(q: str, now) -> list[str]:
    return [result.title for result in SearchResults(q, sources(now))]


def test_a_kept_query_sees_an_issue_once_its_publication_time_has_come(db, settings):
    settings.SEARCH_CHECK_STATEMENTS = False
    now = timezone.now()
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")
    later = IssueFactory(published=True, published_at=now + timedelta(hours=1))
    ArticleFactory(issue=later, title="Neglect strategy refreshed")

    assert found("neglect", now) == ["Neglect toolkit"]
    assert core_search._statements, "the first search kept its ranking queries"
    assert sorted(found("neglect", now + timedelta(hours=2))) == ["Neglect strategy refreshed", "Neglect toolkit"]
    assert found("neglect", now) == ["Neglect toolkit"]


def test_a_kept_query_is_filled_with_each_search_s_words(db, settings):
    settings.SEARCH_CHECK_STATEMENTS = False
    issue = IssueFactory(published=True)
    ArticleFactory(issue=issue, title="Neglect toolkit")
    ArticleFactory(issue=issue, title="County lines briefing")
    now = timezone.now()

    assert found("neglect", now) == ["Neglect toolkit"]
    assert found('"county lines"', now) == ["County lines briefing"]
    assert found("neglect -toolkit", now) == []


@pytest.fixture
def compiled(monkeypatch) -> list:
    """The model of every query compiled through the ORM from here on."""
    models = []
    as_sql = SQLCompiler.as_sql

    def counting(compiler, *args, **kwargs):
        models.append(compiler.query.model)
        return as_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return models


def test_a_search_with_kept_queries_compiles_no_ranking(db, settings, compiled):
    settings.SEARCH_CHECK_STATEMENTS = False
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")
    all_sources = [kind.source for kind in kinds()]
    SearchResults("neglect", all_sources).counts()
    compiled.clear()

    assert SearchResults("safeguarding", [kind.source for kind in kinds()]).counts() == [0, 0, 0, 0, 0]
    assert compiled == []


def test_a_page_of_results_read_by_kept_queries_compiles_nothing(db, settings, compiled):
    settings.SEARCH_CHECK_STATEMENTS = False
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")
    all_sources = [kind.source for kind in kinds()]
    assert [result.title for result in SearchResults("neglect", all_sources)] == ["Neglect toolkit"]
    compiled.clear()

    assert [result.title for result in SearchResults("toolkit", [kind.source for kind in kinds()])] == [
        "Neglect toolkit"
    ]
    assert compiled == []


def test_kept_page_rows_are_each_page_s_own_with_what_is_shown_beside_them(db, settings, django_assert_num_queries):
    settings.SEARCH_CHECK_STATEMENTS = False
    issue = IssueFactory(published=True, series__title="Safeguarding Matters", number=7, title="Spring")
    for number in range(5):
        ArticleFactory(
            issue=issue, title=f"Neglect briefing {number}", summary="", body=f"<p>Neglect and hoarding {number}.</p>"
        )
    ArticleFactory(issue=issue, title="County lines", summary="", body="<p>Exploitation through county lines.</p>")
    now = timezone.now()
    assert len(list(SearchResults("neglect", sources(now)))) == 5  # the rows query is kept

    def page(q: str, start: int, stop: int) -> list:
        with django_assert_num_queries(2):  # the ranking, then the page's rows with their issue and series
            return SearchResults(q, sources(now), depth=stop)[start:stop]

    first, second = page("neglect", 0, 2), page("neglect", 2, 5)
    assert [result.title for result in first + second] == [f"Neglect briefing {number}" for number in range(5)]
    (lines,) = page('"county lines"', 0, 20)
    assert lines.title == "County lines"
    assert lines.context == "Safeguarding Matters, Issue 7 (Spring)"
    assert lines.snippet.count("<mark>") == 2
    assert "hoarding" in second[0].snippet
    assert "<mark>Neglect</mark>" in second[0].snippet


def test_a_source_whose_rows_query_changes_under_the_same_key_is_caught(db):
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")
    now = timezone.now()
    first = SearchSource(
        kind="Newsletter article", queryset=Article.objects.published(now=now), statement_key="articles", now=now
    )
    assert [result.title for result in SearchResults("neglect", [first])] == ["Neglect toolkit"]
    changed = SearchSource(
        kind="Newsletter article",
        queryset=Article.objects.published(now=now),
        statement_key="articles",
        now=now,
        headline_field="title",
    )

    with pytest.raises(AssertionError, match="kept rows query of 'articles' no longer matches"):
        list(SearchResults("neglect", [changed]))


def test_a_source_whose_query_changes_under_the_same_key_is_caught(db):
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")
    now = timezone.now()
    first = SearchSource(
        kind="Newsletter article", queryset=Article.objects.published(now=now), statement_key="articles", now=now
    )
    changed = SearchSource(
        kind="Newsletter article",
        queryset=Article.objects.published(now=now).filter(kind="training"),
        statement_key="articles",
        now=now,
    )
    assert len(SearchResults("neglect", [first])) == 1

    with pytest.raises(AssertionError, match="no longer matches its source"):
        SearchResults("neglect", [changed]).counts()


def test_a_source_holding_a_time_it_does_not_name_is_compiled_every_time(db, settings):
    settings.SEARCH_CHECK_STATEMENTS = False
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")
    unnamed_time = SearchSource(
        kind="Newsletter article", queryset=Article.objects.published(), statement_key="articles"
    )

    assert len(SearchResults("neglect", [unnamed_time])) == 1
    assert core_search._statements[("articles", 0, 20)] is False


def _prepared(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return cursor.fetchone()[0]


def test_the_ranking_and_the_page_s_rows_are_prepared_once_a_connection_has_run_them_a_few_times(db, settings):
    settings.SEARCH_CHECK_STATEMENTS = False
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert threshold, "the settings turn preparation on (off only behind PgBouncer in transaction mode)"
    now = timezone.now()

    for _ in range(threshold):
        assert found("neglect", now) == ["Neglect toolkit"]
    assert (_prepared("ts_rank("), _prepared("ts_headline(")) == (0, 0)
    assert found("neglect", now) == ["Neglect toolkit"]  # psycopg prepares them on the run after the threshold
    assert (_prepared("ts_rank("), _prepared("ts_headline(")) == (1, 1)
    # The prepared statements answer for other words and another time.
    assert found("toolkit", now) == ["Neglect toolkit"]
    assert found("toolkit", now - timedelta(days=400)) == []
    assert found("strategy", now) == []
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect strategy")
    assert sorted(found("neglect", now)) == ["Neglect strategy", "Neglect toolkit"]  # a page of two rows
    assert (_prepared("ts_rank("), _prepared("ts_headline(")) == (1, 1)
    # Django's own queries are bound on the client, as before: nothing else was prepared.
    assert _prepared("") == 2


def test_the_ranking_query_is_counted_and_logged_as_django_s_own(db, settings):
    settings.SEARCH_CHECK_STATEMENTS = False
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")

    with CaptureQueriesContext(connection) as queries:
        assert found("neglect", timezone.now()) == ["Neglect toolkit"]

    assert any("ts_rank(" in query["sql"] for query in queries.captured_queries)


def test_a_source_makes_its_queryset_only_for_a_page_that_shows_its_rows(db, settings):
    settings.SEARCH_CHECK_STATEMENTS = False
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit")
    made = []

    def articles():
        made.append("articles")
        return Article.objects.published(now=now)

    now = timezone.now()
    source = SearchSource(kind="Newsletter article", queryset=articles, statement_key="articles", now=now)
    SearchResults("neglect", [source]).counts()  # compiles and keeps the ranking: the queryset is made
    made.clear()

    again = SearchResults(
        "toolkit", [SearchSource(kind="Newsletter article", queryset=articles, statement_key="articles", now=now)]
    )
    assert again.counts() == [1]
    assert made == []
    assert [result.title for result in again] == ["Neglect toolkit"]
    assert made == ["articles"]


class _OrderedDistinctSource(SearchSource):
    def page_rows(self, q: str, pks: list):
        return super().page_rows(q, pks).distinct().order_by(Lower("slug"))


def test_a_kept_rows_query_with_columns_after_its_own_reads_its_own(db, settings):
    settings.SEARCH_CHECK_STATEMENTS = False
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect toolkit", body="<p>A neglect toolkit.</p>")
    now = timezone.now()

    def source():
        return _OrderedDistinctSource(
            kind="Newsletter article", queryset=Article.objects.published(now=now), statement_key="ordered", now=now
        )

    assert [result.title for result in SearchResults("neglect", [source()])] == ["Neglect toolkit"]
    (result,) = SearchResults("toolkit", [source()])
    assert result.title == "Neglect toolkit"
    assert "<mark>" in result.snippet
    assert core_search._statements[("ordered", "rows", "default")].sql.count("LOWER(") == 2
