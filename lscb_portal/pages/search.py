"""The site search: every app's searchable rows merged into one ranked, filtered, paginated list.

Each kind of result is a ``core.search.SearchSource``, so every kind is ranked by the
same rule (tier, then ts_rank with the base's weights): a match in a title, heading or
summary comes before a match in the body only, whichever app it belongs to. Ranking
through the apps' own ``selectors.search()`` would not merge fairly: newsletters and
procedures add 1.0 to the rank of title matches, training sorts on a substring test.

A page costs a fixed number of queries whatever the size of the data: one query that
ranks the kinds chosen and counts every kind, one fetch (with snippets) per kind on the
page, and one for the upcoming sessions of the courses shown.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core import pagination
from lscb_portal.core.pagination import Pagination
from lscb_portal.core.search import (
    MAX_RESULTS,
    SearchResult,
    SearchResults,
    SearchSource,
    clean_query,
    depth_for_page,
)
from newsletters.models import Article, Issue
from procedures import selectors as procedure_selectors
from training.models import Course, Session

PER_PAGE = 20
# How many upcoming sessions a course result lists, and how far ahead.
SESSIONS_PER_COURSE = 3
SESSIONS_AHEAD = timedelta(weeks=26)


@dataclass(frozen=True)
class CourseResult(SearchResult):
    """A course found by the search, with its next sessions (set once the page is chosen)."""

    course_id: int = 0
    sessions: tuple = field(default=(), compare=False)


class CourseSource(SearchSource):
    def to_result(self, obj) -> CourseResult:
        result = super().to_result(obj)
        return CourseResult(**{name: getattr(result, name) for name in result.__dataclass_fields__}, course_id=obj.pk)


@dataclass(frozen=True)
class Kind:
    """A filter on the search page: one or more sources under one name."""

    slug: str
    label: str
    sources: tuple[SearchSource, ...]


def kinds() -> list[Kind]:
    """The kinds of thing the site search finds, in the order the filter lists them."""
    # Procedures offers its own sources (chapters and glossary terms); the glossary is a kind of its own.
    procedure_sources = procedure_selectors.search_sources()
    glossary = tuple(source for source in procedure_sources if "glossary" in source.kind.lower())
    chapters = tuple(source for source in procedure_sources if source not in glossary)
    return [
        Kind(
            slug="articles",
            label="Newsletter articles",
            sources=(
                SearchSource(
                    kind="Newsletter article",
                    queryset=Article.objects.published().select_related("issue__series"),
                    date="issue__issue_date",
                    headline_field=Concat("summary", Value(" "), "body_text", output_field=TextField()),
                ),
            ),
        ),
        Kind(
            slug="issues",
            label="Newsletter issues",
            sources=(
                SearchSource(
                    kind="Newsletter issue",
                    queryset=Issue.objects.published().select_related("series"),
                    title=lambda issue: f"{issue.series.title}: {issue.label}",
                    date="issue_date",
                    headline_field="foreword_text",
                ),
            ),
        ),
        Kind(
            slug="training",
            label="Training courses",
            sources=(
                CourseSource(
                    kind="Training course",
                    queryset=Course.objects.published(),
                    headline_field=Concat(
                        "summary", Value(" "), "aims_text", Value(" "), "outcomes_text", output_field=TextField()
                    ),
                ),
            ),
        ),
        Kind(slug="procedures", label="Procedures", sources=chapters),
        Kind(slug="glossary", label="Glossary terms", sources=glossary),
    ]


@dataclass(frozen=True)
class KindCount:
    slug: str
    label: str
    count: int
    selected: bool


@dataclass
class SiteSearch:
    query: str
    page: Page | None
    kinds: list[KindCount]
    total: int
    query_was_cut: bool = False


def site_search(q: Any, *, kind_slugs: list[str] | None = None, page: Any = 1, now=None) -> SiteSearch:
    """One page of results for ``q`` across every app, optionally only some kinds.

    Any input gives an answer: an unusable query, an unknown kind or a page out of range
    never raise. Unknown kind slugs are ignored; none known means every kind.
    """
    raw = "" if q is None else str(q)
    query = clean_query(raw)
    cut = len(" ".join(raw.split())) > len(query) and bool(query)
    all_kinds = kinds()
    known = {kind.slug for kind in all_kinds}
    wanted = {slug for slug in (kind_slugs or []) if slug in known} or known
    if not query:
        return SiteSearch(query="", page=None, kinds=[], total=0)
    chosen = [kind for kind in all_kinds if kind.slug in wanted]
    others = [kind for kind in all_kinds if kind.slug not in wanted]
    # One ranking query ranks the chosen kinds for the page asked for and counts every kind.
    results = SearchResults(
        query,
        [source for kind in chosen for source in kind.sources],
        counted=[source for kind in others for source in kind.sources],
        depth=depth_for_page(page, PER_PAGE),
    )
    source_counts = iter(results.counts())
    counts = {kind.slug: sum(next(source_counts) for _source in kind.sources) for kind in chosen + others}
    total = sum(counts[kind.slug] for kind in chosen)
    page_obj = Paginator(results, PER_PAGE).get_page(page)
    # Materialise the page's results once, then add sessions to the courses on it.
    page_obj.object_list = _with_sessions(list(page_obj.object_list), now=now)
    return SiteSearch(
        query=query,
        page=page_obj,
        kinds=[
            KindCount(
                slug=kind.slug,
                label=kind.label,
                count=counts[kind.slug],
                selected=wanted != known and kind.slug in wanted,
            )
            for kind in all_kinds
        ],
        total=min(total, MAX_RESULTS),
        query_was_cut=cut,
    )


def _with_sessions(results: list[SearchResult], *, now=None) -> list[SearchResult]:
    """Give each course result its next sessions with places taken (one query for the whole page)."""
    course_ids = [result.course_id for result in results if isinstance(result, CourseResult)]
    if not course_ids:
        return results
    now = now or timezone.now()
    sessions = (
        Session.objects.scheduled()
        .upcoming(now)
        .filter(course_id__in=course_ids, starts_at__lte=now + SESSIONS_AHEAD)
        .with_places()
        .select_related("course")
        .order_by("starts_at")
    )
    by_course: dict[int, list[Session]] = {}
    for session in sessions:
        by_course.setdefault(session.course_id, []).append(session)
    return [
        CourseResult(
            **{name: getattr(result, name) for name in SearchResult.__dataclass_fields__},
            course_id=result.course_id,
            sessions=tuple(by_course.get(result.course_id, [])[:SESSIONS_PER_COURSE]),
        )
        if isinstance(result, CourseResult)
        else result
        for result in results
    ]


def search_url(query: str, *, kinds: list[str] = (), page: int | None = None) -> str:
    params = [("q", query)] + [("kind", slug) for slug in kinds]
    if page and page > 1:
        params.append(("page", page))
    return reverse("pages:search") + "?" + urlencode(params)


def kind_links(found: SiteSearch) -> list[dict]:
    """The filter: every kind with its count, linking to the results of that kind alone."""
    any_selected = any(kind.selected for kind in found.kinds)
    links = [
        {
            "label": "Everything",
            "count": sum(kind.count for kind in found.kinds),
            "url": search_url(found.query),
            "current": not any_selected,
        }
    ]
    links += [
        {
            "label": kind.label,
            "count": kind.count,
            "url": search_url(found.query, kinds=[kind.slug]),
            "current": kind.selected,
        }
        for kind in found.kinds
    ]
    return links


def page_links(found: SiteSearch) -> Pagination | None:
    """GOV.UK pagination for the results, keeping the query and the chosen kinds; None for one page."""
    kinds = [kind.slug for kind in found.kinds if kind.selected]
    return pagination.page_links(found.page, url_for=lambda number: search_url(found.query, kinds=kinds, page=number))
