"""The newsletter back office: list, actions, locked web addresses, contributions queue, roles."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.roles import BOARD_MANAGERS, PROCEDURE_EDITORS, TRAINING_ADMINISTRATORS
from newsletters.models import Article, Contribution, ContributionStatus, Feedback, Issue, IssueStatus
from tests.core.factories import StaffUserFactory
from tests.newsletters.factories import (
    ArticleFactory,
    ContributionFactory,
    IssueFactory,
    SeriesFactory,
    article_rows,
)

CHANGELIST = "/admin/newsletters/issue/"


@pytest.fixture
def manager_client(client, db):
    client.force_login(StaffUserFactory(username="board-managers", role=BOARD_MANAGERS))
    return client


def test_issue_list_answers_the_editor_s_questions_in_a_fixed_number_of_queries(
    manager_client, django_assert_max_num_queries
):
    for _ in range(25):
        issue = IssueFactory(published=True)
        ArticleFactory.create_batch(3, issue=issue)
        Feedback.objects.create(issue=issue, useful=True)
        Feedback.objects.create(issue=issue, useful=False)
    with django_assert_max_num_queries(14):
        response = manager_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Published" in html
    assert "subscribers emailed" in html.lower()


@pytest.mark.parametrize("state", ["draft", "scheduled", "published"])
def test_state_filter(manager_client, state):
    draft = IssueFactory(title="Draft one")
    scheduled = ArticleFactory(issue=IssueFactory(title="Scheduled one")).issue
    from newsletters import services

    services.issue_schedule(issue=scheduled, at=timezone.now() + timedelta(days=2))
    published = IssueFactory(title="Published one", published=True)
    expected = {"draft": draft, "scheduled": scheduled, "published": published}[state]
    response = manager_client.get(CHANGELIST, {"state": state})
    result = list(response.context["cl"].result_list)
    assert result == [expected]


def test_the_publish_action_leads_to_the_confirmation_page_for_one_issue(manager_client):
    issue = ArticleFactory().issue
    response = manager_client.post(CHANGELIST, {"action": "publish", "_selected_action": [issue.pk]})
    assert response["Location"] == f"/admin/newsletters/issue/{issue.pk}/publish/"
    other = ArticleFactory().issue
    several = manager_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [issue.pk, other.pk]}, follow=True
    )
    assert "Select one issue" in several.content.decode()
    assert not Issue.objects.filter(status=IssueStatus.PUBLISHED).exists()


def test_unpublish_and_preview_actions(manager_client):
    issue = ArticleFactory(issue=IssueFactory(published=True)).issue
    preview = manager_client.post(CHANGELIST, {"action": "preview", "_selected_action": [issue.pk]})
    assert preview["Location"] == issue.get_preview_url()
    manager_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [issue.pk]})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_series_and_number_lock_once_published(manager_client):
    issue = ArticleFactory(issue=IssueFactory(published=True)).issue
    response = manager_client.get(reverse("admin:newsletters_issue_change", args=[issue.pk]))
    form = response.context["adminform"].form
    assert "series" not in form.fields
    assert "number" not in form.fields
    draft = IssueFactory()
    form = manager_client.get(reverse("admin:newsletters_issue_change", args=[draft.pk])).context["adminform"].form
    assert "series" in form.fields
    assert "number" in form.fields


def test_an_editor_builds_an_issue_with_articles_inline_and_history_records_who(manager_client):
    series = SeriesFactory()
    data = {
        "series": series.pk,
        "number": 7,
        "title": "Autumn 2018",
        "issue_date": "2018-09-01",
        "issue_date_shown": "month",
        "next_edition_expected": "2019-01-15",
        "foreword": "<p>Welcome.</p>",
        "foreword_by": "Jane Okafor",
        "foreword_role": "Independent Chair",
        "articles-TOTAL_FORMS": "1",
        "articles-INITIAL_FORMS": "0",
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
        "articles-0-position": "1",
        "articles-0-kind": "article",
        "articles-0-title": "Private fostering",
        "articles-0-slug": "private-fostering",
        "articles-0-summary": "What to do if a child is living with someone who is not a close relative.",
        "articles-0-body": "<p>Tell children's social care.</p>",
        "articles-0-tags": "Private fostering, Early help",
        **article_rows(1),
        "blocks-TOTAL_FORMS": "0",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
    }
    response = manager_client.post(reverse("admin:newsletters_issue_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    issue = Issue.objects.get(series=series, number=7)
    article = issue.articles.get()
    assert set(article.tags.names()) == {"Private fostering", "Early help"}
    assert issue.history.first().history_user.username == "board-managers"


def test_accept_contribution_action_creates_a_draft_article(manager_client):
    contribution = ContributionFactory()
    issue = IssueFactory()
    changelist = reverse("admin:newsletters_contribution_changelist")
    first = manager_client.post(changelist, {"action": "accept", "_selected_action": [contribution.pk]})
    assert "Accept contributions" in first.content.decode()
    manager_client.post(
        changelist,
        {"action": "accept", "_selected_action": [contribution.pk], "apply": "1", "issue": issue.pk, "note": ""},
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.ACCEPTED
    assert Article.objects.get(issue=issue).title == contribution.title


def test_decline_contribution_action(manager_client):
    contribution = ContributionFactory()
    changelist = reverse("admin:newsletters_contribution_changelist")
    manager_client.post(
        changelist,
        {"action": "decline", "_selected_action": [contribution.pk], "apply": "1", "note": "Too long."},
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.DECLINED
    assert OutboxMessage.objects.filter(to=contribution.email, body_text__contains="Too long.").exists()


@pytest.mark.parametrize("model", ["series", "issue", "article", "contribution", "feedback"])
def test_board_managers_reach_the_newsletter_admin_and_other_roles_do_not(client, db, model):
    ContributionFactory()
    url = f"/admin/newsletters/{model}/"
    client.force_login(StaffUserFactory(role=BOARD_MANAGERS))
    assert client.get(url).status_code == 200
    for role in (TRAINING_ADMINISTRATORS, PROCEDURE_EDITORS):
        client.force_login(StaffUserFactory(role=role))
        assert client.get(url).status_code == 403


def test_board_managers_can_change_an_issue(manager_client):
    issue = IssueFactory()
    response = manager_client.get(reverse("admin:newsletters_issue_change", args=[issue.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is True
    assert Contribution.objects.count() == 0
