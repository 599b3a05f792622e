"""The page cache's keys and validators: one copy per host and scheme, parameters a page does not read
left out, asked-for pages kept within a small bound, and ``ETag``/``304`` for readers who hold a copy."""

import pytest
from django.core import checks
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings

from lscb_portal.core import pagecache
from lscb_portal.core.models import BoardSettings
from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.training.factories import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.ALLOWED_HOSTS = ["portal.example.org", "localhost", "testserver"]
    for alias in (pagecache.CACHE_ALIAS, pagecache.QUERY_CACHE_ALIAS):
        caches[alias].clear()
    yield
    for alias in (pagecache.CACHE_ALIAS, pagecache.QUERY_CACHE_ALIAS):
        caches[alias].clear()


@pytest.fixture
def article():
    BoardSettings.get_solo()
    return ArticleFactory(issue=IssueFactory(published=True), title="Spotting neglect early")


def _queries_for(client: Client, url: str, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return len(queries), response


def test_a_feed_asked_for_with_another_host_does_not_give_its_links_to_the_real_host(article):
    url = article.issue.series.get_absolute_url() + "feed/"
    other = Client().get(url, HTTP_HOST="localhost")
    assert b"http://localhost/" in other.content

    real = Client().get(url, HTTP_HOST="portal.example.org", secure=True)

    assert real.status_code == 200
    assert b"localhost" not in real.content
    assert b"https://portal.example.org/newsletters/" in real.content
    plain = Client().get(url, HTTP_HOST="portal.example.org")
    assert b"https://" not in plain.content
    assert b"http://portal.example.org/newsletters/" in plain.content


def test_parameters_a_page_does_not_read_neither_make_copies_nor_reach_the_page():
    BoardSettings.get_solo()
    SessionFactory.create_batch(2)
    Client().get("/training/")

    count, tracked = _queries_for(Client(), "/training/?utm_source=bulletin&fbclid=abc123")

    assert count == 1  # the kept copy of /training/
    assert b"utm_source" not in tracked.content
    assert b"fbclid" not in tracked.content


def test_a_view_sees_only_the_parameters_it_reads():
    seen = []

    def view(request):
        seen.append(request.GET.dict())
        return HttpResponse("<p>Programme</p>")

    page = pagecache.cached_page(view, shows=["training"], query=["topic", "page"])
    for query in ({"topic": "neglect", "utm_campaign": "spring", "page": "2"}, {"gclid": "x"}):
        request = RequestFactory().get("/training/", query)
        request.csp_nonce = "n0nce"
        page(request)

    assert seen == [{"topic": "neglect", "page": "2"}, {}]


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-pages",
            "OPTIONS": {"MAX_ENTRIES": 12},
        },
        "page_queries": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-page-queries",
            "OPTIONS": {"MAX_ENTRIES": 4},
        },
    }
)
def test_searches_and_tracking_parameters_cannot_push_the_pages_everyone_reads_out(article):
    hot = ["/", "/newsletters/", article.get_absolute_url(), "/procedures/", "/contact/"]
    for url in hot:
        Client().get(url)

    for number in range(40):
        assert Client().get(f"/newsletters/search/?q=neglect{number}").status_code == 200
        assert Client().get(f"/?utm_source=crawler{number}").status_code == 200

    for url in hot:
        count, response = _queries_for(Client(), url)
        assert response.status_code == 200
        assert count == 1, f"{url} was pushed out of the cache"
    assert len(caches[pagecache.QUERY_CACHE_ALIAS]._cache) <= 4


def test_a_reader_holding_the_page_is_answered_304_without_it_or_a_new_policy(article):
    url = article.get_absolute_url()
    reader = Client()
    first = reader.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert first["Cache-Control"] == "private, no-cache"

    count, again = _queries_for(reader, url, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert count == 1
    # A new nonce in the policy would not match the nonce in the copy the reader holds.
    assert "Content-Security-Policy" not in again
    head = reader.head(url, HTTP_IF_NONE_MATCH=f'"other", {etag}')
    assert head.status_code == 304


def test_readers_get_the_same_etag_for_a_page_without_a_form_and_a_new_one_when_it_changes(article):
    url = article.get_absolute_url()
    etag = Client().get(url)["ETag"]
    assert Client().get(url)["ETag"] == etag

    type(article).objects.filter(pk=article.pk).update(title="Spotting neglect in babies")

    changed = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert b"Spotting neglect in babies" in changed.content
    assert changed["ETag"] != etag


def test_a_page_with_a_form_is_304_only_for_the_reader_whose_token_it_holds():
    BoardSettings.get_solo()
    url = SessionFactory().get_absolute_url()
    Client().get(url)
    reader = Client()
    first = reader.get(url)
    assert b'name="csrfmiddlewaretoken"' in first.content
    etag = first["ETag"]

    assert reader.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Another reader (another CSRF cookie, or none) needs a form with a token for their own cookie.
    stranger = Client()
    assert stranger.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    stranger.get(url)
    assert stranger.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_page_naming_an_area_no_app_watches_fails_the_checks():
    def view(request):
        return HttpResponse("")

    pagecache.cached_page(view, shows=["placse"])
    try:
        errors = pagecache.check_page_areas()
    finally:
        pagecache._PAGES.pop()

    assert [error.id for error in errors] == ["core.E101"]
    assert "'placse'" in errors[0].msg
    assert pagecache.check_page_areas() == []
    assert not [e for e in checks.run_checks(tags=[checks.Tags.urls]) if e.id == "core.E101"]
