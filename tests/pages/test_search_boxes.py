"""Every search box on the site answers hostile input with a page, never an error."""

import pytest
from django.urls import reverse

from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.procedures.factories import publish_new_chapter

pytestmark = pytest.mark.django_db

SEARCH_BOXES = ["pages:search", "newsletters:search", "procedures:search"]

# Each once answered 500 "tsquery stack too small": Postgres reads a row of "-" as "not not not …".
ROWS_OF_NOTS = ["-" * 33, "neglect " + "- " * 40 + "abuse", "-!" * 40 + "neglect", "\u3000-" * 60]


@pytest.fixture
def content(db):
    ArticleFactory(issue=IssueFactory(published=True), title="Neglect and abuse", body="<p>Neglect and abuse.</p>")
    publish_new_chapter(title="Neglect", body="<p>Neglect and abuse.</p>")


@pytest.mark.parametrize("box", SEARCH_BOXES)
@pytest.mark.parametrize("typed", ROWS_OF_NOTS)
def test_rows_of_hyphens_are_answered_with_a_page(client, content, box, typed):
    response = client.get(reverse(box), {"q": typed})

    assert response.status_code == 200
    assert "Search" in response.content.decode()


@pytest.mark.parametrize("box", SEARCH_BOXES)
def test_what_is_left_of_the_query_is_still_searched(client, content, box):
    html = client.get(reverse(box), {"q": "neglect " + "-" * 40 + "abuse"}).content.decode()

    # Forty "-" cancel out: both words are searched for.
    assert "<mark>" in html
