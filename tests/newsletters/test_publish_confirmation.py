"""Publishing goes through a confirmation page: it says who is emailed and how many, lets the manager
publish without emailing, schedule, or send a test email first, and never claims emails that were not sent."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from lscb_portal.core.models import Frequency, OutboxMessage
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from newsletters import services
from newsletters.models import IssueStatus
from tests.core.factories import StaffUserFactory
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory, subscribe


@pytest.fixture
def issue(db):
    series = SeriesFactory(title="Frontline News")
    issue = IssueFactory(series=series, number=12, title="Winter 2026", issue_date=date(2026, 12, 1))
    ArticleFactory(issue=issue, title="Winter pressures and neglect", position=1)
    ArticleFactory(issue=issue, title="Private fostering", position=2)
    return issue


def url(issue):
    return f"/admin/newsletters/issue/{issue.pk}/publish/"


def issue_mail(issue):
    return OutboxMessage.objects.filter(dedupe_key__startswith=f"newsletters.issue:{issue.pk}:")


def test_the_page_says_what_will_happen_before_anything_does(manager_client, issue):
    for _ in range(3):
        subscribe(issue.series)
    subscribe(issue.series, frequency=Frequency.WEEKLY)
    subscribe(issue.series, confirmed=False)
    html = manager_client.get(url(issue)).content.decode()
    assert "Publish Issue 12: Winter 2026" in html
    assert "dated December 2026" in html
    assert "2 articles" in html
    assert "Winter pressures and neglect" in html
    assert "Private fostering" in html
    assert "3 subscribers get an email when it appears, and 1 more subscriber see it in their weekly digest" in html
    assert f"/newsletters/{issue.series.slug}/12/" in html
    assert 'value="editor@board.example.org"' in html  # the test goes to the manager by default
    assert re.search(r'name="email" value="yes"[^>]*checked', html)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert not OutboxMessage.objects.exists()


def test_publish_and_email_says_how_many_were_emailed(manager_client, issue, jobs):
    subscribe(issue.series)
    subscribe(issue.series)
    response = manager_client.post(url(issue), {"_publish": "1", "when": "now", "email": "yes"}, follow=True)
    assert "Issue 12: Winter 2026 published. 2 subscribers were emailed." in response.content.decode()
    issue.refresh_from_db()
    assert issue.is_public
    assert issue_mail(issue).count() == 2


def test_publish_without_emailing_emails_nobody_and_says_so(manager_client, issue, jobs):
    subscribe(issue.series)
    response = manager_client.post(url(issue), {"_publish": "1", "when": "now", "email": "no"}, follow=True)
    assert "published. Nobody was emailed." in response.content.decode()
    issue.refresh_from_db()
    assert issue.is_public
    assert issue.mail_subscribers is False
    assert not issue_mail(issue).exists()
    assert services.notify_due_issues() == 0


def test_publishing_again_does_not_claim_emails_that_were_not_sent(manager_client, issue, jobs):
    subscribe(issue.series)
    services.issue_publish(issue=issue)
    services.issue_unpublish(issue=issue)
    response = manager_client.post(url(issue), {"_publish": "1", "when": "now", "email": "yes"}, follow=True)
    html = response.content.decode()
    assert "Nobody was emailed: subscribers had already been told" in html
    assert "were emailed." not in html
    assert issue_mail(issue).count() == 1


def test_schedule_for_a_later_time(manager_client, issue, jobs):
    subscribe(issue.series)
    when = timezone.localtime() + timedelta(days=3)
    response = manager_client.post(
        url(issue),
        {
            "_publish": "1",
            "when": "later",
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M"),
            "email": "yes",
        },
        follow=True,
    )
    assert "scheduled to appear on" in response.content.decode()
    issue.refresh_from_db()
    assert issue.state == "Scheduled"
    assert abs(issue.published_at - when) < timedelta(minutes=1)
    assert not issue_mail(issue).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"when": "later", "publish_at_0": "2001-01-01", "publish_at_1": "09:00", "email": "yes"}, "in the future"),
        ({"when": "later", "publish_at_0": "", "publish_at_1": "", "email": "yes"}, "Enter the date and time"),
        ({"when": "later", "publish_at_0": "not a date", "publish_at_1": "25:99", "email": "yes"}, "Enter a valid"),
        ({"when": "now"}, "This field is required"),
        ({"when": "tomorrow", "email": "perhaps"}, "Select a valid choice"),
        ({}, "This field is required"),
    ],
)
def test_bad_choices_are_refused_on_the_page(manager_client, issue, data, message):
    response = manager_client.post(url(issue), {"_publish": "1", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_an_empty_issue_is_refused_with_a_message(manager_client, db):
    empty = IssueFactory()
    page = manager_client.get(url(empty)).content.decode()
    assert "no articles yet" in page
    response = manager_client.post(url(empty), {"_publish": "1", "when": "now", "email": "yes"})
    assert response.status_code == 200
    assert "Add at least one article" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == IssueStatus.DRAFT


def test_send_a_test_email_to_myself_and_a_colleague_first(manager_client, issue, jobs):
    subscribe(issue.series)
    response = manager_client.post(
        url(issue), {"_send_test": "1", "test_to": "editor@board.example.org, Colleague@Board.example.org"}
    )
    assert response.status_code == 302
    assert response["Location"] == url(issue)
    tests = OutboxMessage.objects.filter(category="newsletters.test").order_by("to")
    assert [message.to for message in tests] == ["Colleague@Board.example.org", "editor@board.example.org"]
    assert tests[0].subject == "Test: Frontline News: Issue 12: Winter 2026"
    assert "This is a test" in tests[0].body_text
    assert "Winter pressures and neglect" in tests[0].body_text
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert not issue_mail(issue).exists()
    # A second test is sent again (each test is its own email).
    manager_client.post(url(issue), {"_send_test": "1", "test_to": "editor@board.example.org"})
    assert OutboxMessage.objects.filter(category="newsletters.test").count() == 3


@pytest.mark.parametrize(
    ("test_to", "message"),
    [
        ("", "Enter the email address"),
        ("not-an-address", "is not an email address"),
        ("<script>@x", "is not an email address"),
        (",".join(f"p{n}@board.example.org" for n in range(6)), "at most 5 addresses"),
        ("a@b.org\x00", "Null characters are not allowed"),
    ],
)
def test_bad_test_addresses_are_refused_on_the_page(manager_client, issue, test_to, message):
    response = manager_client.post(url(issue), {"_send_test": "1", "test_to": test_to})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_a_past_issue_is_flagged_and_not_emailed_by_default(manager_client, issue):
    ArticleFactory(issue=IssueFactory(series=issue.series, number=40, issue_date=date(2027, 3, 1), published=True))
    past = IssueFactory(series=issue.series, number=3, title="March 2018", issue_date=date(2018, 3, 1))
    ArticleFactory(issue=past)
    html = manager_client.get(url(past)).content.decode()
    assert "before the series&#x27; latest issue" in html
    assert re.search(r'name="email" value="no"[^>]*checked', html)


def test_other_roles_and_unknown_issues(client, issue):
    client.force_login(StaffUserFactory(role=TRAINING_ADMINISTRATORS))
    assert client.get(url(issue)).status_code == 403
    assert client.post(url(issue), {"_publish": "1", "when": "now", "email": "yes"}).status_code == 403
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_an_unknown_issue_goes_back_to_the_list(manager_client, db):
    response = manager_client.get("/admin/newsletters/issue/999999/publish/")
    assert response.status_code == 302


def test_the_edit_page_links_to_preview_and_publish(manager_client, issue):
    html = manager_client.get(f"/admin/newsletters/issue/{issue.pk}/change/").content.decode()
    assert f'href="{issue.get_preview_url()}"' in html
    assert f'href="{url(issue)}"' in html
