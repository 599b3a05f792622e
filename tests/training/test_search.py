"""Finding courses: published ones only, title matches first, a safe snippet, any input answered."""

import pytest

from lscb_portal.core.search import SearchResults
from training.search import course_source

from .factories import CourseFactory

pytestmark = pytest.mark.django_db


def search(q: str) -> list:
    return list(SearchResults(q, [course_source()]))


def test_search_finds_published_courses_title_matches_first_with_a_safe_snippet():
    CourseFactory(
        title="Working with Families",
        summary="Neglect is the most common reason for a child protection plan: health & care <b>together</b>.",
    )
    CourseFactory(title="Neglect: Using the Graded Care Profile", summary="A practical day on assessing neglect.")
    CourseFactory(title="Neglect draft", summary="Not yet published.", is_published=False)

    results = search("neglect")

    assert [result.title for result in results] == ["Neglect: Using the Graded Care Profile", "Working with Families"]
    assert results[0].kind == "Training course"
    assert results[0].url == "/training/courses/neglect-graded-care-profile/" or results[0].url.startswith(
        "/training/courses/"
    )
    snippet = results[1].snippet
    assert "<mark>Neglect</mark>" in snippet
    assert "<b>" not in snippet
    assert "health &amp; care" in snippet


def test_search_with_nothing_to_find_returns_nothing():
    CourseFactory(title="Prevent Awareness")

    assert search("") == []
    assert search("zzzz") == []


def test_search_answers_hostile_input():
    CourseFactory(title="Neglect: Using the Graded Care Profile", summary="A practical day on assessing neglect.")

    for q in ["\x00neglect", "neglect' OR 1=1 --", '"unclosed', "& | ! : * ( )", "n" * 10_000]:
        results = search(q)
        assert isinstance(results, list)
    assert [result.title for result in search("\x00neglect")] == ["Neglect: Using the Graded Care Profile"]
