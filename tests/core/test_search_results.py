"""The one search pipeline: SearchSource, and SearchResults merging sources for Django's Paginator."""

import datetime as dt

import pytest
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.utils.safestring import SafeString

from lscb_portal.core.search import (
    SearchResults,
    SearchSource,
    depth_for_page,
    search_vector_field,
)


@pytest.fixture
def models_(db):
    """Two searchable models standing in for two apps' content."""
    with isolate_apps("tests.core"):

        class Article(models.Model):
            title = models.CharField(max_length=200)
            body_text = models.TextField(blank=True)
            published = models.DateField()
            search_vector = search_vector_field(a=["title"], c=["body_text"])

            class Meta:
                app_label = "core"
                db_table = "test_search_article"

            def get_absolute_url(self):
                return f"/newsletters/articles/{self.pk}/"

        class Chapter(models.Model):
            name = models.CharField(max_length=200)
            headings_text = models.TextField(blank=True)
            body_text = models.TextField(blank=True)
            current = models.BooleanField(default=True)
            search_vector = search_vector_field(a=["name"], b=["headings_text"], c=["body_text"])

            class Meta:
                app_label = "core"
                db_table = "test_search_chapter"

        with connection.schema_editor() as editor:
            editor.create_model(Article)
            editor.create_model(Chapter)
        yield Article, Chapter


def sources(Article, Chapter) -> list[SearchSource]:
    return [
        SearchSource(kind="Newsletter article", queryset=Article.objects.all(), date="published"),
        SearchSource(
            kind="Procedure",
            queryset=Chapter.objects.filter(current=True),
            title="name",
            url=lambda chapter: f"/procedures/{chapter.pk}/",
        ),
    ]


def test_a_source_builds_search_results(models_):
    Article, Chapter = models_
    article = Article.objects.create(
        title="Neglect", body_text="Signs of neglect in the early years.", published=dt.date(2018, 3, 1)
    )

    (result,) = SearchResults("neglect", sources(Article, Chapter)[:1])

    assert result.kind == "Newsletter article"
    assert result.title == "Neglect"
    assert result.url == f"/newsletters/articles/{article.pk}/"
    assert result.date == dt.date(2018, 3, 1)
    assert result.tier == 1
    assert result.rank > 0
    assert isinstance(result.snippet, SafeString)
    assert "<mark>neglect</mark>" in result.snippet


def test_results_from_several_sources_are_merged_tier_first(models_):
    Article, Chapter = models_
    Article.objects.create(title="Team news", body_text="A word on neglect.", published=dt.date(2018, 5, 1))
    Chapter.objects.create(name="Other", headings_text="Neglect and emotional harm", body_text="Text.")
    Chapter.objects.create(name="Neglect", body_text="Chapter text.")
    Chapter.objects.create(name="Neglect (withdrawn)", body_text="Old text.", current=False)

    found = list(SearchResults("neglect", sources(Article, Chapter)))

    assert [(result.kind, result.title, result.tier) for result in found] == [
        ("Procedure", "Neglect", 1),
        ("Procedure", "Other", 1),
        ("Newsletter article", "Team news", 0),
    ]
    assert found[0].url.startswith("/procedures/")


def paginate(q: str, source_list: list[SearchSource], *, page=1, per_page: int = 20) -> Page:
    """A page of results as the site search makes one: ranked as deep as the page needs."""
    return Paginator(SearchResults(q, source_list, depth=depth_for_page(page, per_page)), per_page).get_page(page)


@pytest.fixture
def thirty_five_matches(models_):
    """25 articles, then 10 chapters, all matching "neglect"."""
    Article, Chapter = models_
    for number in range(25):
        Article.objects.create(
            title=f"Article {number:02}", body_text="Training on neglect.", published=dt.date(2018, 1, 1)
        )
    for number in range(10):
        Chapter.objects.create(name=f"Neglect part {number:02}", body_text="Chapter.")
    return Article, Chapter


def test_pages_of_merged_results_fetch_only_their_rows(thirty_five_matches, django_assert_max_num_queries):
    Article, Chapter = thirty_five_matches

    # One query ranks and counts both sources; one fetches the page's rows (all articles).
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(2):
        page = paginate("neglect", sources(Article, Chapter), page=2, per_page=10)
        shown = list(page.object_list)

    assert page.paginator.count == 35
    assert page.paginator.num_pages == 4
    assert [result.title for result in shown] == [f"Article {number:02}" for number in range(10)]
    headline_queries = [query["sql"] for query in queries.captured_queries if "ts_headline" in query["sql"]]
    assert len(headline_queries) == 1
    assert " = ANY(" in headline_queries[0]  # the page's ids, one array parameter


def test_a_deep_page_is_ranked_deep_enough_by_its_one_ranking_query(thirty_five_matches, django_assert_num_queries):
    Article, Chapter = thirty_five_matches

    with django_assert_num_queries(2):
        page = paginate("neglect", sources(Article, Chapter), page=3, per_page=10)
        shown = list(page.object_list)

    assert page.number == 3
    assert [result.title for result in shown] == [f"Article {number:02}" for number in range(10, 20)]


def test_a_slice_deeper_than_the_first_ranking_ranks_again_once(models_, django_assert_num_queries):
    Article, Chapter = models_
    for number in range(25):
        Article.objects.create(
            title=f"Article {number:02}", body_text="Training on neglect.", published=dt.date(2018, 1, 1)
        )
    results = SearchResults("neglect", sources(Article, Chapter), depth=5)

    with django_assert_num_queries(3):
        assert len(results) == 25
        shown = results[20:25]

    assert [result.title for result in shown] == [f"Article {number:02}" for number in range(20, 25)]


def test_counted_sources_are_counted_by_the_ranking_query_and_never_listed(models_, django_assert_num_queries):
    Article, Chapter = models_
    for number in range(3):
        Article.objects.create(title=f"Neglect {number}", body_text="x", published=dt.date(2018, 1, 1))
    Chapter.objects.create(name="Neglect", body_text="y")
    Chapter.objects.create(name="Other", body_text="About neglect.")
    Chapter.objects.create(name="Unrelated", body_text="z")
    article_source, chapter_source = sources(Article, Chapter)
    results = SearchResults("neglect", [article_source], counted=[chapter_source])

    with django_assert_num_queries(1):
        assert results.counts() == [3, 2]
        assert len(results) == 3
    with django_assert_num_queries(1):
        shown = results[0:10]

    assert {result.kind for result in shown} == {"Newsletter article"}


def test_a_page_reads_its_rows_without_their_long_columns(models_):
    Article, Chapter = models_
    article = Article.objects.create(title="Neglect", body_text="Signs of neglect.", published=dt.date(2018, 1, 1))

    (row,) = sources(Article, Chapter)[0].page_rows("neglect", [article.pk])

    assert {"body_text", "search_vector"} <= row.get_deferred_fields()
    assert not {"title", "published"} & row.get_deferred_fields()
    assert "<mark>neglect</mark>" in row.snippet


def test_the_first_page_can_mix_sources(models_):
    Article, Chapter = models_
    Article.objects.create(title="Neglect news", body_text="x", published=dt.date(2018, 1, 1))
    Chapter.objects.create(name="Neglect", body_text="y")
    Article.objects.create(title="Other", body_text="about neglect", published=dt.date(2018, 1, 1))

    page = paginate("neglect", sources(Article, Chapter), page=1, per_page=2)

    assert {result.kind for result in page.object_list} == {"Newsletter article", "Procedure"}
    assert page.has_next()


@pytest.mark.parametrize("number", ["", "abc", "0", "-1", "999", None, "2.5"])
def test_any_page_number_gives_a_page(models_, number):
    Article, Chapter = models_
    for index in range(3):
        Article.objects.create(title=f"Neglect {index}", body_text="x", published=dt.date(2018, 1, 1))

    page = paginate("neglect", sources(Article, Chapter), page=number, per_page=2)

    assert page.number in {1, 2}
    assert len(page.object_list) in {1, 2}


def test_nothing_to_search_for_is_an_empty_page_without_queries(models_, django_assert_num_queries):
    Article, Chapter = models_

    with django_assert_num_queries(0):
        page = paginate("  \x00 ", sources(Article, Chapter), page=1)

    assert page.paginator.count == 0
    assert list(page.object_list) == []


def test_the_count_is_capped(models_):
    Article, Chapter = models_
    for index in range(5):
        Article.objects.create(title=f"Neglect {index}", body_text="x", published=dt.date(2018, 1, 1))

    results = SearchResults("neglect", sources(Article, Chapter), limit=3)

    assert len(results) == 3
    assert len(results[0:10]) == 3
    assert results[-1].title == results[2].title
