"""The amendments page stays the same size however many rounds the manual has had; each round has its own page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from procedures.selectors import EARLIER_ROUNDS_LISTED, ROUNDS_IN_FULL

from .factories import AmendmentFactory, UpdateRoundFactory, publish_change, publish_new_chapter

pytestmark = pytest.mark.django_db

FIRST_ROUND = datetime(2010, 3, 1, 10, tzinfo=UTC)


def add_rounds(chapters, count, *, start=0):
    """``count`` published rounds, six months apart, each amending every chapter in ``chapters``."""
    rounds = []
    for number in range(start, start + count):
        update_round = UpdateRoundFactory(
            title=f"Round {number + 1:03d} update", published_at=FIRST_ROUND + timedelta(days=182 * number)
        )
        for chapter in chapters:
            AmendmentFactory(
                update_round=update_round, chapter=chapter, details=f"Section 2 changed in round {number}."
            )
        rounds.append(update_round)
    return rounds


@pytest.fixture
def chapters():
    at = FIRST_ROUND - timedelta(days=30)
    return [publish_new_chapter(title=f"Chapter {letter}", slug=f"chapter-{letter}", at=at) for letter in "abcde"]


def test_latest_rounds_in_full_and_earlier_rounds_as_links(client, chapters):
    rounds = add_rounds(chapters, 8)

    html = client.get(reverse("procedures:amendments")).content.decode()

    for update_round in rounds[-ROUNDS_IN_FULL:]:
        assert f'id="round-{update_round.pk}-title">{update_round.title}</h2>' in html
        assert f"Section 2 changed in round {rounds.index(update_round)}." in html
    older = rounds[:-ROUNDS_IN_FULL]
    for update_round in older:
        assert f'href="{update_round.get_absolute_url()}">{update_round.title}</a>' in html
        assert f"Section 2 changed in round {rounds.index(update_round)}." not in html
    assert html.index(rounds[-1].title) < html.index(rounds[-2].title)
    assert "Earlier update rounds" in html
    assert "5 chapters" in html
    assert 'href="/procedures/amendments/feed/"' in html
    assert 'href="/procedures/amendments/feed/atom/"' in html
    assert "See every earlier update round" not in html


def test_page_size_and_queries_do_not_grow_with_the_number_of_rounds(client, chapters, django_assert_max_num_queries):
    chapters = chapters[:2]
    add_rounds(chapters, ROUNDS_IN_FULL + EARLIER_ROUNDS_LISTED + 2)
    # The rounds, the manual, each round in full's amendments (fragments, when deployed) and the board's settings.
    with django_assert_max_num_queries(6) as few:
        few_html = client.get(reverse("procedures:amendments")).content.decode()

    add_rounds(chapters, 40, start=ROUNDS_IN_FULL + EARLIER_ROUNDS_LISTED + 2)
    with django_assert_max_num_queries(6) as many:
        many_html = client.get(reverse("procedures:amendments")).content.decode()

    assert len(many.captured_queries) == len(few.captured_queries)
    # Only the titles, dates and the count of earlier rounds differ: a few bytes, not 40 rounds' tables.
    assert abs(len(many_html) - len(few_html)) < 200
    assert many_html.count('class="lscb-round"') == ROUNDS_IN_FULL
    assert 'href="/procedures/amendments/earlier/">See every earlier update round</a>' in many_html
    assert f"Section 2 changed in round {ROUNDS_IN_FULL + EARLIER_ROUNDS_LISTED + 41}." in many_html


def test_every_earlier_round_is_listed_on_its_own_page(client, chapters, django_assert_max_num_queries):
    rounds = add_rounds(chapters, ROUNDS_IN_FULL + EARLIER_ROUNDS_LISTED + 5)
    with django_assert_max_num_queries(3):
        html = client.get(reverse("procedures:earlier_rounds")).content.decode()
    for update_round in rounds[:-ROUNDS_IN_FULL]:
        assert f'href="{update_round.get_absolute_url()}">{update_round.title}</a>' in html
    for update_round in rounds[-ROUNDS_IN_FULL:]:
        assert update_round.title not in html


def test_a_round_has_a_page_at_its_publication_date(client, chapters, django_assert_max_num_queries):
    update_round = add_rounds(chapters, 1)[0]
    url = update_round.get_absolute_url()
    assert url == "/procedures/amendments/2010-03-01/round-001-update/"

    with django_assert_max_num_queries(4):
        response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Round 001 update</h1>' in html
    assert ">Updated chapters</th>" in html
    assert "Section 2 changed in round 0." in html
    assert 'href="/procedures/chapter-a/">Chapter a</a>' in html


def test_a_rounds_address_survives_a_change_of_title(client, chapters):
    update_round = add_rounds(chapters, 1)[0]
    url = update_round.get_absolute_url()
    update_round.title = "Spring 2010 update"
    update_round.save()
    assert update_round.get_absolute_url() == url
    assert "Spring 2010 update" in client.get(url).content.decode()


def test_the_date_is_the_boards_local_date(client, chapters):
    """Published at 11.30pm UTC on 31 March 2018, which was already 1 April in London (summer time)."""
    update_round = UpdateRoundFactory(
        title="April 2018 update", published_at=datetime(2018, 3, 31, 23, 30, tzinfo=UTC)
    )
    AmendmentFactory(update_round=update_round, chapter=chapters[0], details="A link to the toolkit was added.")
    assert update_round.get_absolute_url() == "/procedures/amendments/2018-04-01/april-2018-update/"
    assert "A link to the toolkit was added." in client.get(update_round.get_absolute_url()).content.decode()
    assert client.get("/procedures/amendments/2018-04-01/").status_code == 301
    assert client.get("/procedures/amendments/2018-03-31/").status_code == 404


def test_unpublished_rounds_unknown_and_impossible_dates_are_not_found(client, chapters):
    draft = UpdateRoundFactory(title="Draft round")
    AmendmentFactory(update_round=draft, chapter=chapters[0], details="Not yet decided.")
    today = draft.created_at.date().isoformat()
    assert draft.get_absolute_url() == reverse("procedures:amendments")
    for path in (
        f"/procedures/amendments/{today}/",
        "/procedures/amendments/2018-02-30/",
        "/procedures/amendments/x/",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert "Not yet decided." not in response.content.decode()


def test_feed_items_link_to_each_rounds_page(client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect", at=FIRST_ROUND)
    update_round = publish_change(chapter, details="Cold homes added.", at=FIRST_ROUND + timedelta(days=40))
    rss = client.get(reverse("procedures:feed")).content.decode()
    assert f"<link>http://testserver{update_round.get_absolute_url()}</link>" in rss
    assert "/procedures/amendments/2010-04-10/" in rss
