"""The site search: every app's searchable things merged into one ranked, filtered, paginated list.

Each kind of result is the ``core.search.SearchSource`` its app exports, the same one the app's own
search page reads, so every kind is ranked by the same rule (tier, then ts_rank with the base's
weights: a match in a title, heading or summary comes before a match in the body only, whichever
app it belongs to) and shown with the same snippet wherever it is found.

A page costs a fixed number of queries whatever the size of the data: one query that ranks the
kinds chosen and counts every kind, one fetch (with snippets) per kind on the page, and one for
the upcoming sessions of the courses shown.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator

from lscb_portal.core import pagination
from lscb_portal.core.links import path_to
from lscb_portal.core.pagination import Pagination
from lscb_portal.core.search import (
    MAX_RESULTS,
    SearchResults,
    SearchSource,
    clean_query,
    depth_for_page,
    query_was_cut,
)
from newsletters import search as newsletters_search
from procedures import search as procedures_search
from training import search as training_search

PER_PAGE = 20


@dataclass(frozen=True)
class Kind:
    """A filter on the search page: one app's source under a name."""

    slug: str
    label: str
    source: SearchSource


def kinds() -> list[Kind]:
    """The kinds of thing the site search finds, in the order the filter lists them."""
    return [
        Kind(slug="articles", label="Newsletter articles", source=newsletters_search.article_source()),
        Kind(slug="issues", label="Newsletter issues", source=newsletters_search.issue_source()),
        Kind(slug="training", label="Training courses", source=training_search.course_source()),
        Kind(slug="procedures", label="Procedures", source=procedures_search.chapter_source()),
        Kind(slug="glossary", label="Glossary terms", source=procedures_search.glossary_source()),
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
    query = clean_query(q)
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
        [kind.source for kind in chosen],
        counted=[kind.source for kind in others],
        depth=depth_for_page(page, PER_PAGE),
    )
    counts = {kind.slug: count for kind, count in zip(chosen + others, results.counts(), strict=True)}
    total = sum(counts[kind.slug] for kind in chosen)
    page_obj = Paginator(results, PER_PAGE).get_page(page)
    # Materialise the page's results once, then add sessions to the courses on it.
    page_obj.object_list = training_search.add_next_sessions(list(page_obj.object_list), now=now)
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
        query_was_cut=query_was_cut(q),
    )


def search_url(query: str, *, kinds: list[str] = (), page: int | None = None) -> str:
    params = [("q", query)] + [("kind", slug) for slug in kinds]
    if page and page > 1:
        params.append(("page", page))
    return path_to("pages:search") + "?" + urlencode(params)


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
