"""Publishing emails each confirmed subscriber exactly once per issue, whatever happens."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from lscb_portal.core.models import Frequency, OutboxMessage
from newsletters import services, tasks
from newsletters.models import Issue, IssueStatus
from tests.concurrency import at_the_same_moment
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory, subscribe


def issue_mail(issue):
    return OutboxMessage.objects.filter(dedupe_key__startswith=f"newsletters.issue:{issue.pk}:")


def test_publish_now_emails_each_confirmed_immediate_subscriber_once_with_the_contents(db, jobs):
    issue = ArticleFactory(title="Neglect: the graded care profile").issue
    ArticleFactory(issue=issue, title="County lines: what to look for")
    readers = [subscribe(issue.series), subscribe(issue.series)]
    subscribe(issue.series, confirmed=False)
    subscribe(issue.series, frequency=Frequency.WEEKLY)
    subscribe(SeriesFactory())  # another series

    services.issue_publish(issue=issue)

    messages = issue_mail(issue)
    assert sorted(messages.values_list("to", flat=True)) == sorted(reader.email for reader in readers)
    message = messages.first()
    assert f"Issue {issue.number}" in message.subject
    assert "Neglect: the graded care profile" in message.body_text
    assert "County lines: what to look for" in message.body_text
    assert f"http://testserver{issue.get_absolute_url()}" in message.body_text or issue.get_absolute_url() in (
        message.body_text
    )
    assert "List-Unsubscribe" in message.headers
    issue.refresh_from_db()
    assert issue.subscribers_notified_at is not None

    jobs.run()
    assert len(mail.outbox) == 2
    assert mail.outbox[0].alternatives  # an HTML part beside the plain text


def test_republishing_and_repeated_calls_send_nothing_more(db):
    issue = ArticleFactory().issue
    subscribe(issue.series)
    services.issue_publish(issue=issue)
    services.issue_unpublish(issue=issue)
    services.issue_publish(issue=issue)
    services.issue_notify_subscribers(issue=issue)
    assert services.notify_due_issues() == 0
    assert issue_mail(issue).count() == 1


def test_a_scheduled_issue_is_mailed_by_the_periodic_job_once_its_time_has_passed(db, jobs):
    issue = ArticleFactory().issue
    subscribe(issue.series)
    at = timezone.now() + timedelta(hours=1)
    services.issue_schedule(issue=issue, at=at)
    assert issue_mail(issue).count() == 0

    tasks.send_issue_mail(timestamp=0)
    assert issue_mail(issue).count() == 0

    with time_machine.travel(at + timedelta(minutes=5)):
        tasks.send_issue_mail(timestamp=0)
        tasks.send_issue_mail(timestamp=0)
    assert issue_mail(issue).count() == 1
    issue.refresh_from_db()
    assert issue.subscribers_notified_at is not None


def test_an_issue_without_articles_cannot_be_published(db):
    issue = IssueFactory()
    with pytest.raises(ValidationError, match="at least one article"):
        services.issue_publish(issue=issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert issue.published_at is None


def test_scheduling_in_the_past_is_refused(db):
    issue = ArticleFactory().issue
    with pytest.raises(ValidationError, match="in the future"):
        services.issue_schedule(issue=issue, at=timezone.now() - timedelta(minutes=1))
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_the_same_moment_send_one_email_per_subscriber(jobs):
    issue = ArticleFactory().issue
    readers = [subscribe(issue.series) for _ in range(3)]

    def publish(n, together):
        together()
        services.issue_publish(issue=Issue.objects.get(pk=issue.pk))

    _, errors = at_the_same_moment(publish)

    assert errors == []
    assert sorted(issue_mail(issue).values_list("to", flat=True)) == sorted(reader.email for reader in readers)
