"""A scheduled issue appears at its time by the QuerySet alone: nothing needs to run."""

from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from newsletters import services
from newsletters.models import Issue
from tests.newsletters.factories import ArticleFactory, IssueFactory

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.get_default_timezone())


def test_scheduled_issue_is_invisible_before_its_time_and_visible_after_with_nothing_run(client, db, jobs):
    with time_machine.travel(NOON, tick=False):
        issue = ArticleFactory().issue
        services.issue_schedule(issue=issue, at=NOON + timedelta(hours=2))
        assert client.get(issue.get_absolute_url()).status_code == 404
        assert not Issue.objects.published().filter(pk=issue.pk).exists()
        assert issue.series.title not in client.get("/newsletters/").content.decode()

    with time_machine.travel(NOON + timedelta(hours=2, seconds=1), tick=False):
        response = client.get(issue.get_absolute_url())
        assert response.status_code == 200
        assert issue.title in response.content.decode()
        assert Issue.objects.published().filter(pk=issue.pk).exists()
    # Nothing ran in between: the periodic job has not sent the mail yet.
    issue.refresh_from_db()
    assert issue.subscribers_notified_at is None
    assert jobs.pending("newsletters.send_issue_mail") == []


def test_draft_and_unpublished_issues_are_not_found(client, db):
    draft = ArticleFactory().issue
    assert client.get(draft.get_absolute_url()).status_code == 404

    published = ArticleFactory(issue=IssueFactory(published=True))
    assert client.get(published.get_absolute_url()).status_code == 200
    services.issue_unpublish(issue=published.issue)
    assert client.get(published.issue.get_absolute_url()).status_code == 404
    assert client.get(published.get_absolute_url()).status_code == 404


def test_issue_url_stays_the_same_after_unpublish_and_republish(client, db):
    article = ArticleFactory(issue=IssueFactory(published=True))
    url = article.get_absolute_url()
    first_published_at = article.issue.published_at
    services.issue_unpublish(issue=article.issue)
    services.issue_publish(issue=article.issue)
    article.issue.refresh_from_db()
    assert article.issue.published_at == first_published_at
    assert client.get(url).status_code == 200
