"""GOV.UK pagination for any paged list: previous, numbered pages with ellipses, next.

``page_links`` turns a Django ``Page`` into what ``templates/partials/_pagination.html``
draws; each list says how its page addresses are built (``url_for``), so filters and
search words stay in every link. ``page_url`` does that for a list whose address is
its path plus the request's query string.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page
from django.http import QueryDict


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for an ellipsis
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    items: list[PageLink]
    previous: str = ""
    next: str = ""


def page_links(page: Page | None, *, url_for: Callable[[int], str]) -> Pagination | None:
    """The first, last, current and neighbouring pages, with an ellipsis for each gap; None for one page."""
    if page is None or page.paginator.num_pages < 2:
        return None
    last = page.paginator.num_pages
    shown = sorted({1, last, page.number - 1, page.number, page.number + 1} & set(range(1, last + 1)))
    items, previous = [], 0
    for number in shown:
        if number - previous > 1:
            items.append(PageLink(number=None))
        items.append(PageLink(number=number, url=url_for(number), current=number == page.number))
        previous = number
    return Pagination(
        items=items,
        previous=url_for(page.number - 1) if page.has_previous() else "",
        next=url_for(page.number + 1) if page.has_next() else "",
    )


def page_url(path: str, query: QueryDict, number: int) -> str:
    """``path`` with every parameter of ``query`` kept and ``page`` set to ``number`` (left out for page 1)."""
    params = [(key, value) for key, values in query.lists() if key != "page" for value in values]
    if number > 1:
        params.append(("page", number))
    return f"{path}?{urlencode(params)}" if params else path
