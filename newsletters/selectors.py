"""Reads of newsletter data shared with views, feeds, the home page and email digests.

Everything here starts from ``Issue.objects.published()`` or
``Article.objects.published()``, so nothing unpublished or not yet due leaks.
"""

from datetime import datetime

from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.shortcuts import get_object_or_404
from taggit.models import Tag

from .models import Article, Issue, IssueBlock, Series


def series_with_latest_issues() -> list[Series]:
    """Every series with a published issue, newest issue first, each with ``latest`` set (two queries).

    "Newest" goes by the issue's own date: a past issue put online today is never a series' latest.
    """
    newest = (
        Issue.objects.published()
        .select_related("series")
        .order_by("series_id", "-issue_date", "-number")
        .distinct("series_id")
    )
    series = []
    for issue in sorted(newest, key=lambda issue: (issue.issue_date, issue.number), reverse=True):
        issue.series.latest = issue
        series.append(issue.series)
    return series


def latest_issues(*, limit: int = 3) -> list[Issue]:
    """The newest published issues across every series, each with ``article_count``.

    The articles are counted in a subquery for the issues returned only: a join would group every
    issue's articles before the newest are picked.
    """
    articles = Article.objects.filter(issue=OuterRef("pk")).order_by().values("issue").annotate(count=Count("pk"))
    return list(
        Issue.objects.published()
        .select_related("series")
        .annotate(article_count=Coalesce(Subquery(articles.values("count"), output_field=IntegerField()), 0))
        .in_reading_order()[:limit]
    )


def next_issue_number(*, series: Series) -> int:
    """The number after the series' highest issue number (1 for a new series)."""
    return (series.issues.aggregate(highest=Max("number"))["highest"] or 0) + 1


def is_back_issue(*, issue: Issue) -> bool:
    """Whether the issue is dated before the newest published issue of its series (a past issue)."""
    return (
        Issue.objects.published()
        .filter(series_id=issue.series_id, issue_date__gt=issue.issue_date)
        .exclude(pk=issue.pk)
        .exists()
    )


def series_issues(*, series: Series, year: int | None = None) -> QuerySet[Issue]:
    issues = Issue.objects.published().filter(series=series).select_related("series").in_reading_order()
    if year is not None:
        issues = issues.filter(issue_date__year=year)
    return issues


def series_years(*, series: Series) -> list[int]:
    """The years (of the issues' own dates) with at least one published issue in the series, newest first."""
    return list(
        Issue.objects.published()
        .filter(series=series)
        .annotate(year=ExtractYear("issue_date"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


# Kept for the search vectors; no page shows them.
_ARTICLE_SEARCH_COLUMNS = ("body_text", "headings_text", "search_vector")
_ISSUE_SEARCH_COLUMNS = ("foreword_text", "search_vector")


def _article_lists() -> list[Prefetch]:
    """What an article's page shows besides its text, as lists: ``topic_list``, ``attachment_list``,
    ``resource_list``.

    Plain lists (``to_attr``) rather than prefetched managers: filling a manager's cache builds a
    queryset per article and relation first, which on a long issue costs more than the queries.
    """
    return [
        Prefetch("tags", to_attr="topic_list"),
        Prefetch("attachments", to_attr="attachment_list"),
        Prefetch("resources", to_attr="resource_list"),
    ]


def _reading_articles():
    return (
        Article.objects.defer(*_ARTICLE_SEARCH_COLUMNS).order_by("position", "pk").prefetch_related(*_article_lists())
    )


def _reading_blocks():
    return IssueBlock.objects.select_related("update_round").prefetch_related("courses").order_by("position", "pk")


def _for_reading(issues: QuerySet[Issue]) -> QuerySet[Issue]:
    return issues.select_related("series").defer(*_ISSUE_SEARCH_COLUMNS)


def issue_for_reading(*, series_slug: str, number: int) -> Issue:
    """A published issue and its series; 404 otherwise. Its pages read what they show with ``issue_articles``
    and ``issue_blocks``."""
    return get_object_or_404(_for_reading(Issue.objects.published()), series__slug=series_slug, number=number)


def issue_for_preview(*, issue_id: int) -> Issue:
    """Any issue, drafts included, prepared exactly as for reading (staff only: the view checks)."""
    return get_object_or_404(_for_reading(Issue.objects.all()), pk=issue_id)


def issue_articles(*, issue: Issue) -> list[Article]:
    """The issue's articles in reading order, each with its ``topic_list``, ``attachment_list`` and
    ``resource_list`` (four queries, whatever the number of articles)."""
    return list(_reading_articles().filter(issue=issue))


def issue_blocks(*, issue: Issue) -> list[IssueBlock]:
    """The issue's blocks in order, with what ``blocks.fill`` needs of them (one query, two with training blocks)."""
    return list(_reading_blocks().filter(issue=issue))


def adjacent_issues(*, issue: Issue, preview: bool = False) -> tuple[Issue | None, Issue | None]:
    """The published issues of the same series just before and just after this one, by number (one query)."""
    issues = Issue.objects.published().filter(series_id=issue.series_id).defer(*_ISSUE_SEARCH_COLUMNS)
    before = issues.filter(number__lt=issue.number).order_by("-number")[:1]
    after = issues.filter(number__gt=issue.number).order_by("number")[:1]
    previous = following = None
    for other in before.union(after, all=True):
        other.series = issue.series
        if other.number < issue.number:
            previous = other
        else:
            following = other
    return previous, following


def articles_tagged(*, tag: Tag) -> QuerySet[Article]:
    return (
        Article.objects.published()
        .filter(tags=tag)
        .select_related("issue__series")
        .prefetch_related("tags")
        .order_by("-issue__issue_date", "-issue__number", "position")
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


def issues_published_between(*, series_slug: str, since: datetime, until: datetime) -> list[Issue]:
    """Issues put online in the window for subscribers (past issues published without email are left out)."""
    return list(
        Issue.objects.published()
        .filter(series__slug=series_slug, published_at__gte=since, published_at__lt=until, mail_subscribers=True)
        .select_related("series")
        .prefetch_related(Prefetch("articles", queryset=Article.objects.order_by("position", "pk")))
        .order_by("published_at")
    )


def sitemap_issues() -> QuerySet[Issue]:
    return Issue.objects.published().select_related("series").order_by("series", "number")


def sitemap_articles() -> QuerySet[Article]:
    return Article.objects.published().select_related("issue__series").order_by("issue", "position")
