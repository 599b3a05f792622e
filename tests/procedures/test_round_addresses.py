"""Each published round has an address of its own, even when two rounds go live on the same day; the address
by day alone, used in earlier emails and feeds, keeps working."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from procedures.models import UpdateRound
from procedures.services import round_publish

from .factories import AmendmentFactory, ChapterVersionFactory, UpdateRoundFactory, publish_new_chapter

pytestmark = pytest.mark.django_db

DAY = datetime(2018, 3, 1, 10, tzinfo=UTC)


def publish_round(title, chapter, at, details):
    update_round = UpdateRoundFactory(title=title)
    current = chapter.current_version
    ChapterVersionFactory(
        chapter=chapter,
        update_round=update_round,
        title=current.title,
        slug=current.slug,
        body=current.body + "<p>x</p>",
    )
    AmendmentFactory(update_round=update_round, chapter=chapter, details=details)
    round_publish(update_round=update_round, at=at)
    update_round.refresh_from_db()
    return update_round


@pytest.fixture
def two_rounds_one_day():
    neglect = publish_new_chapter(title="Neglect", slug="neglect", at=DAY - timedelta(days=30))
    bullying = publish_new_chapter(title="Bullying", slug="bullying", at=DAY - timedelta(days=30))
    morning = publish_round("March 2018 update", neglect, DAY, "Cold homes added.")
    afternoon = publish_round("March 2018 update: corrections", bullying, DAY + timedelta(hours=4), "A link fixed.")
    return morning, afternoon


def test_two_rounds_published_the_same_day_have_addresses_of_their_own(client, two_rounds_one_day):
    morning, afternoon = two_rounds_one_day
    assert morning.get_absolute_url() == "/procedures/amendments/2018-03-01/march-2018-update/"
    assert afternoon.get_absolute_url() == "/procedures/amendments/2018-03-01/march-2018-update-corrections/"

    first = client.get(morning.get_absolute_url()).content.decode()
    assert '<h1 class="govuk-heading-xl">March 2018 update</h1>' in first
    assert "Cold homes added." in first
    assert "A link fixed." not in first
    second = client.get(afternoon.get_absolute_url()).content.decode()
    assert "A link fixed." in second
    assert "Cold homes added." not in second


def test_the_feed_links_each_round_to_its_own_page(client, two_rounds_one_day):
    morning, afternoon = two_rounds_one_day
    assert morning.get_absolute_url() != afternoon.get_absolute_url()
    rss = client.get(reverse("procedures:feed")).content.decode()
    assert f"<link>http://testserver{morning.get_absolute_url()}</link>" in rss
    assert f"<link>http://testserver{afternoon.get_absolute_url()}</link>" in rss


def test_the_day_address_lists_both_rounds_with_links_to_their_own_pages(client, two_rounds_one_day):
    morning, afternoon = two_rounds_one_day
    response = client.get("/procedures/amendments/2018-03-01/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{morning.get_absolute_url()}"' in html
    assert f'href="{afternoon.get_absolute_url()}"' in html


def test_the_day_address_of_a_single_round_redirects_to_its_own_page(client):
    neglect = publish_new_chapter(title="Neglect", slug="neglect", at=DAY - timedelta(days=30))
    update_round = publish_round("March 2018 update", neglect, DAY, "Cold homes added.")
    response = client.get("/procedures/amendments/2018-03-01/")
    assert response.status_code == 301
    assert response["Location"] == update_round.get_absolute_url()


def test_a_rounds_address_is_kept_when_its_title_changes(client):
    neglect = publish_new_chapter(title="Neglect", slug="neglect", at=DAY - timedelta(days=30))
    update_round = publish_round("March 2018 update", neglect, DAY, "Cold homes added.")
    url = update_round.get_absolute_url()
    UpdateRound.objects.filter(pk=update_round.pk).update(title="Spring 2018 update")
    update_round.refresh_from_db()
    assert update_round.get_absolute_url() == url
    assert "Spring 2018 update" in client.get(url).content.decode()


def test_similar_titles_never_share_an_address():
    neglect = publish_new_chapter(title="Neglect", slug="neglect", at=DAY - timedelta(days=30))
    first = publish_round("March update", neglect, DAY, "One.")
    second = publish_round("March update!", neglect, DAY + timedelta(hours=1), "Two.")
    assert first.slug == "march-update"
    assert second.slug == "march-update-2"


@pytest.mark.parametrize(
    "path",
    [
        "/procedures/amendments/2018-03-01/no-such-round/",
        "/procedures/amendments/2018-03-02/march-2018-update/",
        "/procedures/amendments/2018-02-30/march-2018-update/",
        "/procedures/amendments/2018-03-01/%3Cscript%3E/",
    ],
)
def test_unknown_round_addresses_are_not_found(client, two_rounds_one_day, path):
    assert client.get(path).status_code == 404


def test_a_rounds_page_makes_a_fixed_number_of_queries(client, two_rounds_one_day, django_assert_max_num_queries):
    morning, _ = two_rounds_one_day
    with django_assert_max_num_queries(4):
        assert client.get(morning.get_absolute_url()).status_code == 200
