from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string

from lscb_portal.core.pagination import PageLink, page_links, page_url


def _url(number: int) -> str:
    return f"/list/?page={number}"


def test_the_first_last_current_and_neighbouring_pages_are_shown_with_ellipses_between():
    page = Paginator(range(200), 25).get_page(4)  # pages 1 to 8

    pagination = page_links(page, url_for=_url)

    assert [item.number for item in pagination.items] == [1, None, 3, 4, 5, None, 8]
    assert [item for item in pagination.items if item.current] == [PageLink(number=4, url=_url(4), current=True)]
    assert (pagination.previous, pagination.next) == (_url(3), _url(5))


def test_the_first_and_last_pages_have_no_link_beyond_them():
    paginator = Paginator(range(60), 25)

    first, last = page_links(paginator.get_page(1), url_for=_url), page_links(paginator.get_page(3), url_for=_url)

    assert [item.number for item in first.items] == [1, 2, 3]
    assert (first.previous, first.next) == ("", _url(2))
    assert (last.previous, last.next) == (_url(2), "")


def test_one_page_needs_no_pagination():
    assert page_links(Paginator(range(3), 25).get_page(1), url_for=_url) is None
    assert page_links(None, url_for=_url) is None


def test_page_urls_keep_every_parameter_but_the_old_page():
    query = QueryDict("topic=neglect&kind=a&kind=b&page=4&q=county+lines")

    assert page_url("/list/", query, 2) == "/list/?topic=neglect&kind=a&kind=b&q=county+lines&page=2"
    assert page_url("/list/", query, 1) == "/list/?topic=neglect&kind=a&kind=b&q=county+lines"
    assert page_url("/list/", QueryDict("page=3"), 1) == "/list/"


def test_the_pagination_partial_closes_its_navigation_landmark():
    pagination = page_links(Paginator(range(200), 25).get_page(4), url_for=_url)

    html = render_to_string("partials/_pagination.html", {"pagination": pagination, "label": "Results pages"})

    assert html.count('<nav class="govuk-pagination" aria-label="Results pages">') == 1
    assert html.rstrip().endswith("</nav>")
