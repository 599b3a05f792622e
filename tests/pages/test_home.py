"""The home page: the latest issue, sessions with places in the next eight weeks, the latest amendments, search."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from procedures.models import AmendmentKind, Manual
from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.procedures.factories import (
    AmendmentFactory,
    ChapterFactory,
    UpdateRoundFactory,
    publish_change,
    publish_new_chapter,
)
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

HOME = reverse("pages:home")
NOW = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_an_empty_portal_says_so_in_each_block(client):
    html = client.get(HOME).content.decode()
    assert "No newsletter issues have been published yet." in html
    assert "No training sessions have places in the next eight weeks." in html
    assert "No procedure updates have been published yet." in html
    assert 'id="home-search-q"' in html


def test_shows_the_newest_published_issue_only(client):
    IssueFactory(published=True, title="Spring 2026", published_at=NOW - datetime.timedelta(days=90))
    newest = IssueFactory(published=True, title="Autumn 2026", published_at=NOW - datetime.timedelta(days=2))
    ArticleFactory.create_batch(2, issue=newest)
    IssueFactory(title="Winter 2026 draft")
    IssueFactory(status="published", title="Scheduled issue", published_at=NOW + datetime.timedelta(days=3))
    html = client.get(HOME).content.decode()
    assert newest.get_absolute_url() in html
    assert "Autumn 2026" in html
    assert "2 articles" in html
    assert "Spring 2026" not in html
    assert "Winter 2026 draft" not in html
    assert "Scheduled issue" not in html


def test_lists_sessions_with_places_in_the_next_eight_weeks_with_places_left(client):
    course = CourseFactory(title="Domestic Abuse Workshop for First Line Managers")
    soon = SessionFactory(course=course, starts_at=NOW + datetime.timedelta(days=10), capacity=15)
    BookingFactory.create_batch(8, session=soon)
    full = SessionFactory(
        course=CourseFactory(title="Impact of Serious Case Reviews"),
        starts_at=NOW + datetime.timedelta(days=12),
        capacity=2,
    )
    BookingFactory.create_batch(2, session=full)
    SessionFactory(course=CourseFactory(title="Far Future Course"), starts_at=NOW + datetime.timedelta(weeks=9))
    SessionFactory(
        course=CourseFactory(title="Hidden Course", is_published=False), starts_at=NOW + datetime.timedelta(days=5)
    )
    html = client.get(HOME).content.decode()
    assert "Domestic Abuse Workshop for First Line Managers" in html
    assert "7 of 15 places left" in html
    assert soon.get_absolute_url() in html
    assert "Impact of Serious Case Reviews" not in html
    assert "Far Future Course" not in html
    assert "Hidden Course" not in html


def test_shows_the_latest_round_with_its_amendments_and_the_next_update(client):
    old = publish_new_chapter(title="Private fostering", at=NOW - datetime.timedelta(days=200))
    chapter = publish_new_chapter(title="Neglect", at=NOW - datetime.timedelta(days=100))
    latest = publish_change(chapter, at=NOW - datetime.timedelta(days=5), details="Section 3 updated.", major=True)
    manual = Manual.get_solo()
    manual.next_update = datetime.date(2027, 3, 1)
    manual.save()
    html = client.get(HOME).content.decode()
    assert latest.title in html
    assert "0 new chapters, 1 other change" in html
    assert chapter.get_absolute_url() in html
    assert "major change" in html
    assert "Next update due March 2027" in html
    assert old.get_absolute_url() not in html


def test_counts_the_latest_rounds_new_and_other_changes_and_lists_the_first_five(client):
    earlier = UpdateRoundFactory(title="Earlier round", published_at=NOW - datetime.timedelta(days=60))
    AmendmentFactory.create_batch(3, update_round=earlier, kind=AmendmentKind.NEW)
    latest = UpdateRoundFactory(title="Latest round", published_at=NOW - datetime.timedelta(days=1))
    for position, kind in enumerate(
        [AmendmentKind.NEW, AmendmentKind.NEW] + [AmendmentKind.UPDATED] * 4 + [AmendmentKind.ARCHIVED]
    ):
        AmendmentFactory(
            update_round=latest, kind=kind, position=position, chapter=ChapterFactory(title=f"Chapter {position}")
        )

    html = client.get(HOME).content.decode()

    assert "Latest round" in html
    assert "2 new chapters, 5 other changes" in html
    assert [f"Chapter {position}" in html for position in range(7)] == [True] * 5 + [False] * 2
    assert "And 2 more in this round." in html


def test_a_draft_round_is_not_shown(client):
    AmendmentFactory(
        update_round=UpdateRoundFactory(title="Draft round"), chapter=ChapterFactory(), kind=AmendmentKind.NEW
    )
    html = client.get(HOME).content.decode()
    assert "Draft round" not in html


def _lots(n: int, offset: int):
    for i in range(n):
        issue = IssueFactory(published=True, published_at=NOW - datetime.timedelta(days=i + 1))
        ArticleFactory.create_batch(3, issue=issue)
        session = SessionFactory(
            course=CourseFactory(title=f"Course {offset + i}", slug=f"course-{offset + i}"),
            starts_at=NOW + datetime.timedelta(days=i + 1),
        )
        BookingFactory.create_batch(3, session=session)
        publish_new_chapter(title=f"Chapter {offset + i}", slug=f"chapter-{offset + i}", at=timezone.now())


def test_the_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    _lots(2, 0)
    with django_assert_max_num_queries(7) as small:
        assert client.get(HOME).status_code == 200
    _lots(40, 100)
    with django_assert_max_num_queries(len(small)):
        response = client.get(HOME)
    assert response.content.decode().count("places left") == 5
