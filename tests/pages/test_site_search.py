"""The site search: every kind found, title and heading matches first, filters, pages and any input answered."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lscb_portal.pages.search import site_search
from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.procedures.factories import GlossaryTermFactory, publish_new_chapter
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("pages:search")


@pytest.fixture
def everything():
    """One thing of each kind about neglect."""
    issue = IssueFactory(published=True, title="Spring 2026", foreword="<p>This issue looks at neglect.</p>")
    article = ArticleFactory(issue=issue, title="Neglect: what the audit found", slug="neglect-audit")
    course = CourseFactory(title="Recognising Neglect", slug="recognising-neglect")
    session = SessionFactory(course=course, capacity=15)
    BookingFactory.create_batch(3, session=session)
    chapter = publish_new_chapter(title="Neglect", body="<h2>Recognising neglect</h2><p>What to look for.</p>")
    term = GlossaryTermFactory(
        term="Neglect", slug="neglect", definition="The persistent failure to meet a child's needs."
    )
    return {"issue": issue, "article": article, "course": course, "session": session, "chapter": chapter, "term": term}


def test_finds_every_kind_with_its_link(client, everything):
    response = client.get(SEARCH, {"q": "neglect"})
    html = response.content.decode()
    assert response.status_code == 200
    for kind in ("Newsletter article", "Newsletter issue", "Training course", "Procedure", "Glossary"):
        assert kind in html
    assert everything["article"].get_absolute_url() in html
    assert everything["issue"].get_absolute_url() in html
    assert everything["course"].get_absolute_url() in html
    assert everything["chapter"].get_absolute_url() in html
    assert everything["term"].get_absolute_url() in html
    assert "5 results" in html


def test_courses_show_their_next_sessions_with_places_remaining(client, everything):
    full = SessionFactory(
        course=everything["course"], capacity=2, starts_at=timezone.now() + datetime.timedelta(days=40)
    )
    BookingFactory.create_batch(2, session=full)
    html = client.get(SEARCH, {"q": "recognising neglect", "kind": "training"}).content.decode()
    assert "12 of 15 places left" in html
    assert "Full" in html
    assert everything["session"].get_absolute_url() in html


def test_title_and_heading_matches_come_before_body_matches_whatever_the_app(client):
    body_only = ArticleFactory(
        issue=IssueFactory(published=True),
        title="Partnership news",
        summary="Round-up of the term.",
        body="<p>Exploitation exploitation exploitation was discussed at length by exploitation leads.</p>",
    )
    titled = publish_new_chapter(title="Criminal exploitation", body="<p>County lines and gangs.</p>")
    course = CourseFactory(title="Child exploitation awareness", slug="exploitation-awareness")
    found = site_search("exploitation")
    urls = [result.url for result in found.page.object_list]
    assert urls.index(body_only.get_absolute_url()) == 2
    assert {urls[0], urls[1]} == {titled.get_absolute_url(), course.get_absolute_url()}
    assert [result.tier for result in found.page.object_list] == [1, 1, 0]


def test_snippets_mark_the_words_and_escape_markup(client):
    ArticleFactory(
        issue=IssueFactory(published=True),
        title="Online harms",
        body="<p>Children told us about &lt;script&gt;alert(1)&lt;/script&gt; sexting and online grooming.</p>",
    )
    html = client.get(SEARCH, {"q": "grooming"}).content.decode()
    assert "<mark>grooming</mark>" in html
    assert "<script>alert(1)" not in html


def _snippet_of(html: str, url: str) -> str:
    """The snippet shown under the result that links to ``url``."""
    for item in re.findall(r'<li class="lscb-results__item">(.*?)</li>', html, flags=re.S):
        if f'href="{url}"' in item:
            return re.search(r'<p class="govuk-body(?: [^"]*)?">(.*?)</p>', item, flags=re.S).group(1)
    raise AssertionError(f"no result links to {url}")


def test_the_site_search_and_the_newsletter_search_show_the_same_snippet(client):
    article = ArticleFactory(
        issue=IssueFactory(published=True),
        title="Sexting",
        body="<p>Young people told us that &lt;script&gt; sexting is common.</p>",
    )

    site = _snippet_of(client.get(SEARCH, {"q": "sexting"}).content.decode(), article.get_absolute_url())
    newsletters = _snippet_of(
        client.get(reverse("newsletters:search"), {"q": "sexting"}).content.decode(), article.get_absolute_url()
    )

    assert site == newsletters
    assert "Young people told us that &lt;script&gt; <mark>sexting</mark> is common" in site


def test_unpublished_things_are_not_found(client):
    ArticleFactory(issue=IssueFactory(), title="Draft about fabricated illness")
    CourseFactory(title="Hidden fabricated illness course", is_published=False)
    html = client.get(SEARCH, {"q": "fabricated"}).content.decode()
    assert "Nothing matched" in html
    assert "Draft about" not in html


def test_the_filter_shows_counts_and_limits_the_results_to_one_kind(client, everything):
    html = client.get(SEARCH, {"q": "neglect"}).content.decode()
    assert "Everything (5)" in html
    assert "Training courses (1)" in html
    assert "Glossary terms (1)" in html
    response = client.get(SEARCH, {"q": "neglect", "kind": "glossary"})
    html = response.content.decode()
    assert "1 result" in html
    assert everything["term"].get_absolute_url() in html
    assert everything["article"].get_absolute_url() not in html
    assert '<strong aria-current="true">Glossary terms (1)</strong>' in html
    # The search box keeps the chosen kind.
    assert '<input type="hidden" name="kind" value="glossary">' in html


def test_an_unknown_kind_means_everything(client, everything):
    html = client.get(SEARCH, {"q": "neglect", "kind": "nonsense"}).content.decode()
    assert "5 results" in html


def test_results_are_paginated_the_gov_uk_way(client):
    issue = IssueFactory(published=True)
    for n in range(25):
        ArticleFactory(issue=issue, title=f"Domestic abuse briefing {n}", slug=f"domestic-abuse-{n}")
    first = client.get(SEARCH, {"q": "domestic abuse"}).content.decode()
    assert "25 results, page 1 of 2" in first
    assert first.count('class="lscb-results__item"') == 20
    assert 'class="govuk-pagination"' in first
    assert 'aria-current="page">1<' in first
    assert "page=2" in first
    second = client.get(SEARCH, {"q": "domestic abuse", "page": "2"}).content.decode()
    assert second.count('class="lscb-results__item"') == 5
    assert 'start="21"' in second
    for page in ("abc", "999", "-1", "0", "1e9"):
        assert client.get(SEARCH, {"q": "domestic abuse", "page": page}).status_code == 200


HOSTILE = [
    "\x00",
    "neglect\x00abuse",
    "a" * 10_000,
    "neglect " * 2_000,
    '"unterminated quote',
    "'; DROP TABLE newsletters_article; --",
    "neglect & | ! ( ) : * <-> abuse",
    "-",
    "or",
    "the and of",
    "!!!",
    "😀 neglect 🧒",
    "<script>alert(1)</script>",
    "%00%27",
    "\u202e\u200b",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_any_input_is_answered_with_a_page(client, everything, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert '<h1 class="govuk-heading-xl">Search</h1>' in html


@pytest.mark.parametrize("raw", ["q=%FF%FE%00", "q=%ED%A0%80", "q=neglect&page=%00", "q[]=1&kind=%FF"])
def test_broken_encodings_in_the_address_are_answered_too(client, everything, raw):
    assert client.get(f"{SEARCH}?{raw}").status_code == 200


def test_a_very_long_query_is_cut_and_says_so(client, everything):
    html = client.get(SEARCH, {"q": "neglect " * 2_000}).content.decode()
    assert "searched for the first 200 characters only" in html
    assert everything["term"].get_absolute_url() in html


def test_an_empty_search_shows_the_box_only(client):
    html = client.get(SEARCH).content.decode()
    assert 'id="search-page-q"' in html
    assert "Nothing matched" not in html


def _make_lots(start: int, stop: int):
    issue = IssueFactory(published=True)
    for i in range(start, stop):
        ArticleFactory(issue=issue, title=f"Safeguarding update {i}", slug=f"update-{i}")
        course = CourseFactory(title=f"Safeguarding course {i}", slug=f"safeguarding-course-{i}")
        for _ in range(3):
            BookingFactory(session=SessionFactory(course=course))
        publish_new_chapter(title=f"Safeguarding chapter {i}", slug=f"safeguarding-chapter-{i}")
        GlossaryTermFactory(term=f"Safeguarding term {i}", slug=f"safeguarding-term-{i}")


def _queries_for(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(SEARCH, params).status_code == 200
    return len(captured)


def test_a_page_of_results_costs_the_same_queries_whatever_the_data_size(client, django_assert_max_num_queries):
    # At most: one query ranking the kinds chosen and counting every kind (1), a fetch with
    # snippets per kind on the page (5), the sessions of the courses shown (1) and the
    # layout's board settings (1).
    budget = 8
    _make_lots(0, 3)
    with django_assert_max_num_queries(budget):
        client.get(SEARCH, {"q": "safeguarding"})
    small = _queries_for(client, {"q": "safeguarding"})
    _make_lots(3, 63)
    for params in (
        {"q": "safeguarding"},
        {"q": "safeguarding", "page": "6"},
        {"q": "safeguarding", "kind": "training"},
    ):
        with django_assert_max_num_queries(budget):
            client.get(SEARCH, params)
    assert _queries_for(client, {"q": "safeguarding"}) <= small
