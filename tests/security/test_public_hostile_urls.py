"""No public address answers 500, whatever is put in it: every page of the site (read from the URL resolver) with
ids, slugs, days and signed tokens that do not exist or are not what they should be, and the lists and searches
with junk pages and queries. A 4xx, a redirect or the page itself are all fine answers; a 500 is not."""

import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.training.factories import BookingFactory
from training import links

pytestmark = pytest.mark.django_db

HOSTILE = ["0", "99999", "-1", str(2**63), "abc", "%00", "%27%22%3E", "x" * 300, "2025-13-45"]
QUERIES = ["page=abc", "page=-1", "page=0", "page=99999", f"page={2**63}", "q=%00", "q=%27%22%3C", "q=" + "a" * 10_000]
QUERIES += ["kind=nope", "topic=%3Cscript%3E", "from=abc&to=-1", "code=%00", "list=%00", "sort=nope", "year=abc"]
LIST_PAGES = [
    "/",
    "/search/",
    "/training/",
    "/newsletters/",
    "/newsletters/search/",
    "/newsletters/topics/",
    "/procedures/",
    "/procedures/amendments/",
    "/procedures/search/",
    "/procedures/glossary/",
    "/procedures/archive/",
    "/training/certificates/verify/",
    "/procedures/verify/",
    "/alerts/",
    "/alerts/manage/",
]


def _leaves(patterns, prefix: str, namespace: str | None) -> Iterator[str]:
    for pattern in patterns:
        text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or (pattern.namespace or namespace) == "admin":
                continue
            yield from _leaves(pattern.url_patterns, prefix + text, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and not text.startswith("^"):
            yield prefix + text


def public_routes() -> list[str]:
    return [route for route in _leaves(get_resolver().url_patterns, "/", None) if not route.startswith("/static")]


def test_no_public_address_answers_500_whatever_is_put_in_it(client, settings, caplog):
    caplog.set_level("CRITICAL", logger="django.request")
    settings.RATE_LIMIT_SCALE = 0
    client.raise_request_exception = False
    booking = BookingFactory()
    token = links.booking_token(booking)
    failures, asked = [], 0

    def ask(method: str, url: str, data=None) -> None:
        nonlocal asked
        savepoint = transaction.savepoint()
        try:
            response = client.get(url) if method == "GET" else client.post(url, data or {})
        finally:
            transaction.savepoint_rollback(savepoint)
        asked += 1
        if response.status_code >= 500:
            failures.append(f"{method} {url[:200]} -> {response.status_code}")

    routes = public_routes()
    for route in routes:
        names = re.findall(r"{(\w+)}", route)
        for value in HOSTILE:
            url = route.format(**dict.fromkeys(names, value))
            ask("GET", url)
            if names:
                ask("POST", url, {"email": "\x00", "decision": "<script>", "attendee_name": "'"})
        if "token" in names:  # a real token cut short, and one with its signature changed
            for bad in (token[:-4] + "AAAA", token[: len(token) // 2]):
                ask("GET", route.format(**dict.fromkeys(names, bad)))
    for url in [*LIST_PAGES, f"/training/sessions/{booking.session.pk}/"]:
        for query in QUERIES:
            ask("GET", f"{url}?{query}")
        ask("POST", url, {"email": "not-an-email", "q": "\x00", "page": "abc"})

    assert len(routes) > 40, "the walk should cover every public page"
    assert not failures, f"{len(failures)} of {asked} requests answered 500:\n" + "\n".join(failures)
