"""Searching the manual: title and heading matches first, snippets link to the section, any input answered."""

import pytest
from django.urls import reverse

from lscb_portal.core.search import SearchResults
from procedures.search import chapter_source, sources

from .factories import GlossaryTermFactory, publish_new_chapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def manual():
    body_only = publish_new_chapter(
        title="Working with families",
        slug="working-with-families",
        body="<h2>Visits</h2><p>Talk to the child alone.</p><h2>Records</h2><p>Record any concern about neglect.</p>",
    )
    in_heading = publish_new_chapter(
        title="Home conditions",
        slug="home-conditions",
        body="<h2>Introduction</h2><p>Homes vary.</p><h2>Recognising neglect</h2><p>Look at the home.</p>",
    )
    in_title = publish_new_chapter(
        title="Neglect", slug="neglect", body="<h2>Definition</h2><p>Persistent failure to meet needs.</p>"
    )
    GlossaryTermFactory(term="Core group", slug="core-group", definition="Practitioners who carry out the plan.")
    return body_only, in_heading, in_title


def search(q: str):
    return list(SearchResults(q, sources()))


def test_title_and_heading_matches_come_before_body_matches(manual):
    body_only, in_heading, in_title = manual
    titles = [result.title for result in search("neglect")]
    assert titles.index("Neglect") < titles.index("Working with families")
    assert titles.index("Home conditions") < titles.index("Working with families")
    assert titles[-1] == "Working with families"


def test_snippets_link_to_the_section_that_matched(manual):
    results = {result.title: result for result in search("neglect")}
    assert results["Home conditions"].url == "/procedures/home-conditions/#recognising-neglect"
    assert results["Home conditions"].context == "section 2 Recognising neglect"
    assert results["Working with families"].url == "/procedures/working-with-families/#records"
    assert results["Working with families"].context == "section 2 Records"
    assert "<mark>neglect</mark>" in results["Working with families"].snippet
    assert results["Neglect"].url == "/procedures/neglect/"


def test_glossary_terms_are_found(manual):
    results = search("core group")
    assert results[0].kind == "Glossary term"
    assert results[0].url == "/procedures/glossary/#term-core-group"


@pytest.mark.parametrize(
    "q",
    ["", "   ", "!!!", "the", "neglect\x00", "<script>alert(1)</script>", "a" * 5000, '"unbalanced', "-", "OR", "é☃"],
)
def test_any_input_is_answered(client, manual, q):
    response = client.get(reverse("procedures:search"), {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html


def test_search_page_shows_results_with_marked_words(client, manual):
    response = client.get(reverse("procedures:search"), {"q": "neglect"})
    html = response.content.decode()
    assert "3 results for “neglect”" in html
    assert 'href="/procedures/home-conditions/#recognising-neglect"' in html
    assert "section 2 Recognising neglect" in html
    assert "<mark>" in html


def test_search_page_with_no_match_says_so(client, manual):
    html = client.get(reverse("procedures:search"), {"q": "zebra"}).content.decode()
    assert "No chapters or glossary terms match “zebra”" in html


def test_search_keeps_a_fixed_query_budget(client, django_assert_max_num_queries):
    for n in range(25):
        publish_new_chapter(
            title=f"Neglect procedure {n}", slug=f"neglect-{n}", body="<h2>Neglect</h2><p>Neglect.</p>"
        )
        GlossaryTermFactory(term=f"Neglect term {n}")
    with django_assert_max_num_queries(4):
        response = client.get(reverse("procedures:search"), {"q": "neglect"})
    html = response.content.decode()
    assert html.count('class="lscb-results__item"') == 50
    assert "50 results for “neglect”." in html


def test_results_carry_the_base_s_tier(manual):
    results = {result.title: result for result in search("neglect")}
    assert results["Neglect"].tier == 1
    assert results["Working with families"].tier == 0


def test_site_search_sources_find_only_the_version_in_force_of_each_chapter():
    from .factories import publish_change

    chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<p>Old wording about toxic trio.</p>")
    for number in range(3):
        publish_change(chapter, body=f"<p>Revision {number} about neglect and supervision.</p>")
    publish_change(chapter, body="<p>Current wording about neglect and parental conflict.</p>")

    chapters = [chapter_source()]
    results = SearchResults("neglect", chapters)

    assert results.counts() == [1]
    assert "parental conflict" in results[0].snippet
    assert SearchResults("supervision", chapters).counts() == [0]
    assert SearchResults("toxic trio", chapters).counts() == [0]
