"""Editors add training and procedures blocks inline in the issue admin."""

import pytest
from django.urls import reverse

from lscb_portal.core.roles import BOARD_MANAGERS
from newsletters.models import BlockKind, IssueBlock
from tests.core.factories import StaffUserFactory
from tests.newsletters.factories import ArticleFactory, IssueFactory, issue_change_data, management
from tests.training.factories import CourseFactory


@pytest.fixture
def manager_client(client, db):
    client.force_login(StaffUserFactory(username="board-managers", role=BOARD_MANAGERS))
    return client


def form_data(issue, article, **block):
    data = issue_change_data(issue, article, **management("blocks", total=1), **{"blocks-0-position": "1"})
    data.update({f"blocks-0-{key}": value for key, value in block.items()})
    return data


def test_a_training_block_without_courses_or_dates_is_refused_with_a_clear_message(manager_client):
    issue = IssueFactory()
    article = ArticleFactory(issue=issue, position=1)
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    response = manager_client.post(url, form_data(issue, article, kind=BlockKind.TRAINING))
    assert response.status_code == 200
    assert "Choose the courses to list, or the dates of the sessions to list (or both)." in response.content.decode()
    assert not IssueBlock.objects.exists()


def test_dates_out_of_order_are_refused(manager_client):
    issue = IssueFactory()
    article = ArticleFactory(issue=issue, position=1)
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    data = form_data(issue, article, kind=BlockKind.TRAINING, sessions_from="2026-12-01", sessions_until="2026-11-01")
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert "The last date must be the same as or after the first date." in response.content.decode()
    assert not IssueBlock.objects.exists()


def test_an_editor_adds_a_training_block_of_chosen_courses_and_history_records_it(manager_client):
    issue = IssueFactory()
    article = ArticleFactory(issue=issue, position=1)
    course = CourseFactory(title="Safer Recruitment")
    CourseFactory(title="Unpublished course", is_published=False)
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    page = manager_client.get(url).content.decode()
    assert "Safer Recruitment" in page
    assert "Unpublished course" not in page
    response = manager_client.post(url, form_data(issue, article, kind=BlockKind.TRAINING, courses=[course.pk]))
    assert response.status_code == 302
    block = IssueBlock.objects.get(issue=issue)
    assert list(block.courses.all()) == [course]
    latest = block.history.first()
    assert latest.history_user.username == "board-managers"
    assert [row.course_id for row in latest.courses.all()] == [course.pk]


def test_a_procedures_block_keeps_no_training_choices(manager_client):
    issue = IssueFactory()
    article = ArticleFactory(issue=issue, position=1)
    course = CourseFactory()
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    data = form_data(
        issue,
        article,
        kind=BlockKind.PROCEDURES,
        courses=[course.pk],
        sessions_from="2026-11-01",
        title="What changed",
    )
    assert manager_client.post(url, data).status_code == 302
    block = IssueBlock.objects.get(issue=issue)
    assert block.heading == "What changed"
    assert block.sessions_from is None
    assert not block.courses.exists()
