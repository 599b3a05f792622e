"""The newsletter panels on a board manager's desk say what is waiting, and their links open exactly that."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lscb_portal.core.desk import SHOWN
from lscb_portal.core.roles import BOARD_MANAGERS
from newsletters import desk, services
from newsletters.models import ContributionStatus, Feedback
from tests.core.factories import staff_member
from tests.newsletters.factories import ArticleFactory, ContributionFactory, IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    client.force_login(staff_member(BOARD_MANAGERS))
    return client


def test_only_new_contributions_wait_for_review_newest_first(manager_client):
    older = ContributionFactory(title="Safer sleep week", submitted_at=timezone.now() - timedelta(days=3))
    newer = ContributionFactory(title="Private fostering: a reminder")
    ContributionFactory(title="Already declined", status=ContributionStatus.DECLINED)

    content = desk.contributions_to_review(None)
    assert content.count == 2
    assert [item.text for item in content.items] == [newer.title, older.title]
    assert content.items[0].detail.startswith("Priya Shah, Northbrook Community Health, sent ")
    assert content.link.text == "Review all 2 new contributions"

    listed = manager_client.get(content.link.url)
    assert listed.status_code == 200
    assert set(listed.context["cl"].result_list) == {older, newer}


def test_feedback_counts_only_what_came_since_the_latest_issue(manager_client):
    earlier = IssueFactory(published=True, number=1, published_at=timezone.now() - timedelta(days=60))
    ArticleFactory(issue=earlier)
    old = Feedback.objects.create(issue=earlier, useful=False, comment="Too long")
    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    latest = IssueFactory(published=True, number=2, published_at=timezone.now() - timedelta(days=2))
    ArticleFactory(issue=latest)
    Feedback.objects.create(issue=latest, useful=True, comment="The neglect toolkit was just what our team needed.")
    Feedback.objects.create(issue=latest, useful=True)
    late = Feedback.objects.create(issue=earlier, useful=False, comment="Links in the older issue are broken")

    content = desk.feedback_since_last_issue(None)
    assert content.count == 3
    assert content.summary.startswith(f"2 found an issue useful and 1 did not, since {latest.label} was published on")
    assert [item.text for item in content.items] == [
        late.comment,
        "The neglect toolkit was just what our team needed.",
    ]
    assert content.items[0].detail == f"Not useful, about {earlier.label}"

    listed = manager_client.get(content.link.url)
    assert listed.status_code == 200
    assert old not in set(listed.context["cl"].result_list)
    assert len(listed.context["cl"].result_list) == 3


def test_no_feedback_yet_says_so():
    content = desk.feedback_since_last_issue(None)
    assert content.is_empty
    assert content.empty == "No feedback so far."


def test_issues_being_prepared_are_drafts_and_scheduled_ones_but_not_published_ones():
    draft = IssueFactory(title="Winter 2026")
    ArticleFactory.create_batch(2, issue=draft)
    scheduled = IssueFactory(title="Spring 2027")
    ArticleFactory(issue=scheduled)
    services.issue_schedule(issue=scheduled, at=timezone.now() + timedelta(days=10))
    IssueFactory(title="Autumn 2026", published=True)

    content = desk.issues_in_preparation(None)
    by_text = {item.text: item for item in content.items}
    assert set(by_text) == {draft.label, scheduled.label}
    assert by_text[draft.label].tag == "Draft"
    assert by_text[draft.label].detail.endswith("2 articles")
    assert by_text[scheduled.label].tag.startswith("Scheduled for ")
    assert content.items[0].text == scheduled.label  # the next to go out comes first


def test_a_panel_shows_a_few_and_counts_them_all():
    for number in range(1, 10):
        IssueFactory(number=number, title=f"Draft {number}")
    content = desk.issues_in_preparation(None)
    assert content.count == 9
    assert len(content.items) == SHOWN


def test_hostile_text_in_a_contribution_is_shown_as_text(manager_client):
    ContributionFactory(title='<script>alert("x")</script>Safer sleep', agency="<b>Agency</b>")
    html = manager_client.get("/admin/").content.decode()
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Safer sleep" in html
    assert "&lt;b&gt;Agency&lt;/b&gt;" in html
