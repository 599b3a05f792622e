"""Reads of newsletter data shared with views, feeds, the home page, site search and email digests.

Everything here starts from ``Issue.objects.published()`` or
``Article.objects.published()``, so nothing unpublished or not yet due leaks.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import Case, Count, F, IntegerField, Prefetch, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, ExtractYear, Replace
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag

from lscb_portal.core.search import CONFIG, SearchResult

from .models import Article, Issue, Series

MAX_QUERY_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MARK_START, _MARK_END = "\u27e6", "\u27e7"


def active_series() -> QuerySet[Series]:
    return Series.objects.filter(is_active=True)


def series_with_latest_issues() -> list[Series]:
    """Every series with a published issue, newest issue first, each with ``latest`` set (two queries)."""
    newest = (
        Issue.objects.published()
        .select_related("series")
        .order_by("series_id", "-published_at", "-number")
        .distinct("series_id")
    )
    series = []
    for issue in sorted(newest, key=lambda issue: issue.published_at, reverse=True):
        issue.series.latest = issue
        series.append(issue.series)
    return series


def latest_issues(*, limit: int = 3) -> list[Issue]:
    """The newest published issues across every series, for the home page block."""
    return list(
        Issue.objects.published()
        .select_related("series")
        .annotate(article_count=Count("articles"))
        .in_reading_order()[:limit]
    )


def series_issues(*, series: Series, year: int | None = None) -> QuerySet[Issue]:
    issues = Issue.objects.published().filter(series=series).select_related("series").in_reading_order()
    if year is not None:
        issues = issues.filter(published_at__year=year)
    return issues


def series_years(*, series: Series) -> list[int]:
    """The years with at least one published issue in the series, newest first."""
    return list(
        Issue.objects.published()
        .filter(series=series)
        .annotate(year=ExtractYear("published_at"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def _reading_articles():
    return Article.objects.prefetch_related("tags", "attachments", "resources").order_by("position", "pk")


def issue_for_reading(*, series_slug: str, number: int) -> Issue:
    """A published issue with everything its page shows, in a fixed number of queries; 404 otherwise."""
    return get_object_or_404(
        Issue.objects.published()
        .select_related("series")
        .prefetch_related(Prefetch("articles", queryset=_reading_articles())),
        series__slug=series_slug,
        number=number,
    )


def issue_for_preview(*, issue_id: int) -> Issue:
    """Any issue, drafts included, prepared exactly as for reading (staff only: the view checks)."""
    return get_object_or_404(
        Issue.objects.select_related("series").prefetch_related(Prefetch("articles", queryset=_reading_articles())),
        pk=issue_id,
    )


def adjacent_issues(*, issue: Issue, preview: bool = False) -> tuple[Issue | None, Issue | None]:
    """The published issues of the same series just before and just after this one, by number."""
    issues = Issue.objects.published().filter(series_id=issue.series_id).select_related("series")
    previous = issues.filter(number__lt=issue.number).order_by("-number").first()
    following = issues.filter(number__gt=issue.number).order_by("number").first()
    return previous, following


def articles_tagged(*, tag: Tag) -> QuerySet[Article]:
    return (
        Article.objects.published()
        .filter(tags=tag)
        .select_related("issue__series")
        .prefetch_related("tags")
        .order_by("-issue__published_at", "position")
    )


def published_tag(*, slug: str) -> Tag:
    """A topic used by at least one published article; 404 otherwise."""
    return get_object_or_404(Tag.objects.filter(article__in=Article.objects.published()).distinct(), slug=slug)


def topics() -> QuerySet[Tag]:
    """Topics of published articles, with how many articles each."""
    return (
        Tag.objects.filter(article__in=Article.objects.published())
        .annotate(article_count=Count("article", distinct=True))
        .order_by("name")
    )


def clean_query(q: str) -> str:
    """Any input becomes a query Postgres accepts: no control characters, bounded length."""
    return " ".join(_CONTROL.sub(" ", q or "").split())[:MAX_QUERY_LENGTH]


def _snippet(headline: str | None) -> SafeString:
    text = escape(headline or "")
    return mark_safe(text.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>"))  # noqa: S308


def _headline(expression, query):
    # Postgres's headline parser reads "<…>" as markup and drops what follows a "<script>"; the
    # stored text is plain, so angle brackets are only ever words and may become spaces.
    text = Replace(Replace(expression, Value("<"), Value(" ")), Value(">"), Value(" "))
    return SearchHeadline(
        text,
        query,
        config=CONFIG,
        start_sel=_MARK_START,
        stop_sel=_MARK_END,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _ranked(queryset, query: SearchQuery):
    """Title matches first (tier 0), then by rank: titles are weighted above bodies."""
    return (
        queryset.annotate(title_vector=SearchVector("title", config=CONFIG))
        .filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            tier=Case(When(title_vector=query, then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
    )


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    snippet: SafeString


def search_articles(q: str, *, limit: int = 50) -> list[ArticleHit]:
    """Published articles matching ``q`` (websearch syntax: "quoted phrases", or, -not)."""
    q = clean_query(q)
    if not q:
        return []
    query = SearchQuery(q, search_type="websearch", config=CONFIG)
    articles = (
        _ranked(Article.objects.published(), query)
        .annotate(headline=_headline(Concat("summary", Value(" "), "body_text", output_field=TextField()), query))
        .select_related("issue__series")
        .order_by("tier", "-rank", "-issue__published_at", "position")[:limit]
    )
    return [ArticleHit(article=article, snippet=_snippet(article.headline)) for article in articles]


def search(q: str, *, limit: int = 20) -> list[SearchResult]:
    """Newsletter articles and issues matching ``q``, in the shape the site search merges."""
    q = clean_query(q)
    if not q:
        return []
    query = SearchQuery(q, search_type="websearch", config=CONFIG)
    results = [
        SearchResult(
            kind="Newsletter article",
            title=hit.article.title,
            url=hit.article.get_absolute_url(),
            snippet=hit.snippet,
            date=hit.article.issue.published_at,
            rank=float(hit.article.rank) + (1.0 if hit.article.tier == 0 else 0.0),
        )
        for hit in search_articles(q, limit=limit)
    ]
    issues = (
        _ranked(Issue.objects.published(), query)
        .annotate(headline=_headline(F("foreword_text"), query))
        .select_related("series")
        .order_by("tier", "-rank", "-published_at")[:limit]
    )
    results += [
        SearchResult(
            kind="Newsletter issue",
            title=f"{issue.series.title}: {issue.label}",
            url=issue.get_absolute_url(),
            snippet=_snippet(issue.headline),
            date=issue.published_at,
            rank=float(issue.rank) + (1.0 if issue.tier == 0 else 0.0),
        )
        for issue in issues
    ]
    return sorted(results, key=lambda result: result.rank, reverse=True)[:limit]


def issues_published_between(*, series_slug: str, since: datetime, until: datetime) -> list[Issue]:
    return list(
        Issue.objects.published()
        .filter(series__slug=series_slug, published_at__gte=since, published_at__lt=until)
        .select_related("series")
        .prefetch_related(Prefetch("articles", queryset=Article.objects.order_by("position", "pk")))
        .order_by("published_at")
    )


def sitemap_issues() -> QuerySet[Issue]:
    return Issue.objects.published().select_related("series").order_by("series", "number")


def sitemap_articles() -> QuerySet[Article]:
    return Article.objects.published().select_related("issue__series").order_by("issue", "position")
