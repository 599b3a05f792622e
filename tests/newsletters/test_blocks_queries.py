"""Blocks keep the issue page's fixed query budget: a constant more, whatever the number of blocks,
sessions and amendments."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletters.models import BlockKind, IssueBlock
from tests.newsletters.factories import IssueFactory
from tests.newsletters.test_page_queries import big_issue  # noqa: F401  (the 20-article issue)
from tests.procedures.factories import publish_change, publish_new_chapter
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

# The page's budget without blocks (10, see test_page_queries) and five more for blocks of both kinds:
# the blocks, their courses, the sessions (with their courses and places), the previous issue's date
# and the amendments (with their chapters and rounds).
BUDGET_WITH_BLOCKS = 10 + 5


@pytest.fixture
def blocks(big_issue):  # noqa: F811
    courses = CourseFactory.create_batch(4)
    for index in range(24):
        session = SessionFactory(course=courses[index % 4], starts_at=timezone.now() + timedelta(days=index + 3))
        BookingFactory.create_batch(index % 3, session=session)
    previous = IssueFactory._meta.model.objects.get(series=big_issue.series, number=3)
    previous.published_at = timezone.now() - timedelta(days=30)
    previous.save()
    big_issue.published_at = timezone.now() - timedelta(hours=1)
    big_issue.save()
    chapters = [
        publish_new_chapter(title=f"Chapter {index}", at=timezone.now() - timedelta(days=20 - index))
        for index in range(8)
    ]
    rounds = [
        publish_change(chapter, at=timezone.now() - timedelta(days=10 - index))
        for index, chapter in enumerate(chapters)
    ]
    by_courses = IssueBlock.objects.create(issue=big_issue, kind=BlockKind.TRAINING, position=3)
    by_courses.courses.set(courses[:2])
    IssueBlock.objects.create(
        issue=big_issue,
        kind=BlockKind.TRAINING,
        position=8,
        sessions_from=date.today(),
        sessions_until=date.today() + timedelta(days=60),
    )
    IssueBlock.objects.create(issue=big_issue, kind=BlockKind.PROCEDURES, position=12)
    IssueBlock.objects.create(issue=big_issue, kind=BlockKind.PROCEDURES, position=20, update_round=rounds[0])
    return big_issue


def test_an_issue_with_20_articles_and_four_blocks_keeps_a_fixed_budget(client, blocks, django_assert_max_num_queries):
    with django_assert_max_num_queries(BUDGET_WITH_BLOCKS):
        response = client.get(blocks.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="lscb-article') == 20
    assert html.count('class="lscb-block') == 4
    assert html.count('lscb-places-table"') == 2
    assert html.count("Updated chapters</th>") == 2
    assert html.count("New chapters</th>") == 1  # the chosen round changed a chapter; the window has both


def test_the_preview_keeps_the_same_budget(admin_client, blocks, django_assert_max_num_queries):
    admin_client.get("/")  # the session and user are loaded once, as on any staff page
    with django_assert_max_num_queries(BUDGET_WITH_BLOCKS + 4):
        response = admin_client.get(blocks.get_preview_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="lscb-block') == 4


def test_more_blocks_sessions_and_amendments_cost_no_more_queries(client, blocks):
    with CaptureQueriesContext(connection) as before:
        client.get(blocks.get_absolute_url())
    course = CourseFactory()
    for index in range(10):
        SessionFactory(course=course, starts_at=timezone.now() + timedelta(days=index + 1))
    chapter = publish_new_chapter(title="Another chapter", at=timezone.now() - timedelta(minutes=90))
    extra = IssueBlock.objects.create(issue=blocks, kind=BlockKind.TRAINING, position=4)
    extra.courses.add(course)
    IssueBlock.objects.create(issue=blocks, kind=BlockKind.PROCEDURES, position=5)
    IssueBlock.objects.create(issue=blocks, kind=BlockKind.TRAINING, position=6, sessions_from=date.today())
    with CaptureQueriesContext(connection) as after:
        response = client.get(blocks.get_absolute_url())
    assert response.content.decode().count('class="lscb-block') == 7
    assert chapter.title in response.content.decode()
    assert len(after) == len(before)
