"""The breadcrumb trails the apps' shared partials draw, page by page."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.procedures.factories import AmendmentFactory, UpdateRoundFactory, publish_new_chapter

pytestmark = pytest.mark.django_db

TRAIL = re.compile(r'<nav class="govuk-breadcrumbs[^"]*" aria-label="Breadcrumb">(.*?)</nav>', re.S)
CRUMB = re.compile(r'<a class="govuk-breadcrumbs__link" href="([^"]+)">([^<]+)</a>')


def trail(client, url: str) -> list[tuple[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    navs = TRAIL.findall(response.content.decode())
    assert len(navs) == 1, f"{len(navs)} breadcrumb trails on {url}"
    return CRUMB.findall(navs[0])


def test_a_topic_page_leads_back_to_every_topic(client):
    ArticleFactory(issue=IssueFactory(published=True)).tags.add("Early help")

    assert trail(client, "/newsletters/topics/early-help/") == [
        ("/", "Home"),
        ("/newsletters/", "Newsletters"),
        ("/newsletters/topics/", "Topics"),
    ]


def test_a_round_s_page_and_the_earlier_rounds_lead_back_to_the_amendments(client):
    published = datetime(2024, 3, 1, 10, tzinfo=UTC)
    chapter = publish_new_chapter(title="Neglect", slug="neglect", at=datetime(2024, 1, 1, tzinfo=UTC))
    update_round = UpdateRoundFactory(title="Spring update", published_at=published)
    AmendmentFactory(update_round=update_round, chapter=chapter)
    expected = [("/", "Home"), ("/procedures/", "Procedures"), ("/procedures/amendments/", "Amendments")]

    assert trail(client, update_round.get_absolute_url()) == expected
    assert trail(client, reverse("procedures:earlier_rounds")) == expected


def test_a_chapter_s_own_pages_lead_back_to_it_and_the_amendments_page_does_not_name_itself(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect", at=datetime(2024, 1, 1, tzinfo=UTC))

    assert trail(client, reverse("procedures:changes", args=[chapter.slug])) == [
        ("/", "Home"),
        ("/procedures/", "Procedures"),
        ("/procedures/neglect/", "Neglect"),
    ]
    assert trail(client, reverse("procedures:amendments")) == [("/", "Home"), ("/procedures/", "Procedures")]
