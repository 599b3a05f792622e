"""An issue's own date, separate from when it was put online: a past issue brought online today keeps its
date on its page, in the archive years, the feeds and search, never becomes the latest issue, and emails
nobody."""

import xml.etree.ElementTree as ET  # noqa: S405 - parsing the portal's own output
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from lscb_portal.core.models import Frequency, OutboxMessage
from lscb_portal.core.search import SearchResults
from lscb_portal.core.subscriptions import send_weekly_digests
from newsletters import selectors, services
from newsletters.models import Issue, IssueDateShown
from newsletters.search import sources as search_sources
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory, subscribe


@pytest.fixture
def series(db):
    return SeriesFactory(title="Safeguarding Newsletter", slug="safeguarding-newsletter")


@pytest.fixture
def current(series):
    """The series' newest issue, published last month."""
    issue = IssueFactory(
        series=series,
        number=30,
        title="Autumn 2026",
        issue_date=date(2026, 10, 1),
        published=True,
        subscribers_notified_at=timezone.now() - timedelta(days=1),
    )
    ArticleFactory(issue=issue, title="Winter pressures")
    return issue


@pytest.fixture
def past(series, current, jobs):
    """Issue 4 of March 2018, brought online today from the back catalogue."""
    issue = IssueFactory(series=series, number=4, title="March 2018", issue_date=date(2018, 3, 1))
    ArticleFactory(issue=issue, title="Signs of Safety in 2018", body="<p>Graded care and neglect.</p>")
    subscribe(series)
    services.issue_archive(issue=issue)
    issue.refresh_from_db()
    return issue


def test_archiving_publishes_now_under_the_issues_own_date_and_emails_nobody(past, jobs):
    assert past.is_public
    assert abs(past.published_at - timezone.now()) < timedelta(minutes=1)
    assert past.issue_date == date(2018, 3, 1)
    assert past.mail_subscribers is False
    assert past.subscribers_notified_at is None
    assert not OutboxMessage.objects.filter(dedupe_key__startswith=f"newsletters.issue:{past.pk}:").exists()
    # The periodic job that emails due issues passes it by as well.
    assert services.notify_due_issues() == 0
    assert not Issue.objects.awaiting_mail().exists()


def test_a_past_issue_is_never_the_latest_when_newer_issues_exist(past, current, client):
    assert [issue.pk for issue in selectors.latest_issues(limit=1)] == [current.pk]
    assert selectors.series_with_latest_issues()[0].latest.pk == current.pk
    home = client.get("/").content.decode()
    assert "Autumn 2026" in home
    assert "March 2018" not in home
    series_page = client.get("/newsletters/safeguarding-newsletter/").content.decode()
    assert series_page.index("Autumn 2026") < series_page.index("March 2018")


def test_the_issue_page_shows_its_own_date(past, client):
    html = client.get(past.get_absolute_url()).content.decode()
    assert '<time datetime="2018-03">March 2018</time>' in html
    assert timezone.localdate().strftime("%B %Y") not in html


def test_a_day_precise_issue_shows_the_day(series, client, db):
    issue = IssueFactory(
        series=series, number=5, title="Briefing", issue_date=date(2018, 5, 14), issue_date_shown=IssueDateShown.DAY
    )
    ArticleFactory(issue=issue)
    services.issue_archive(issue=issue)
    html = client.get(issue.get_absolute_url()).content.decode()
    assert '<time datetime="2018-05-14">14 May 2018</time>' in html


def test_a_month_date_is_kept_as_the_first_of_the_month(series):
    issue = IssueFactory.build(series=series, number=6, issue_date=date(2018, 7, 19))
    issue.full_clean()
    assert issue.issue_date == date(2018, 7, 1)


def test_the_archive_files_it_under_its_own_year(past, current, client):
    assert selectors.series_years(series=past.series) == [2026, 2018]
    year_2018 = client.get("/newsletters/safeguarding-newsletter/archive/2018/").content.decode()
    assert "March 2018" in year_2018
    this_year = timezone.localdate().year
    if this_year != 2026:
        assert client.get(f"/newsletters/safeguarding-newsletter/archive/{this_year}/").status_code == 404
    year_2026 = client.get("/newsletters/safeguarding-newsletter/archive/2026/").content.decode()
    assert "March 2018" not in year_2026


def test_feeds_date_it_by_its_own_date_after_the_newer_issue(past, current, client):
    root = ET.fromstring(client.get("/newsletters/safeguarding-newsletter/feed/").content)  # noqa: S314
    items = root.find("channel").findall("item")
    assert [item.findtext("title") for item in items] == [current.label, past.label]
    assert items[1].findtext("pubDate").startswith("Thu, 01 Mar 2018")
    past.articles.get().tags.add("Neglect")
    topic = ET.fromstring(client.get("/newsletters/topics/neglect/feed/").content)  # noqa: S314
    assert topic.find("channel").find("item").findtext("pubDate").startswith("Thu, 01 Mar 2018")


def test_search_gives_its_own_date(past, client):
    hits = list(SearchResults("Signs of Safety", search_sources()))
    assert hits
    assert {hit.date for hit in hits} == {date(2018, 3, 1)}
    assert {hit.date_label for hit in hits} == {"March 2018"}
    html = client.get("/newsletters/search/?q=graded+care").content.decode()
    assert "March 2018</time>" in html
    site = client.get("/search/?q=graded+care").content.decode()
    assert "March 2018</time>" in site


def test_the_weekly_digest_leaves_out_an_issue_published_without_email(series, past, current, jobs):
    reader = subscribe(series, frequency=Frequency.WEEKLY)
    now = timezone.now()
    send_weekly_digests(since=now - timedelta(days=7), until=now + timedelta(minutes=1))
    digest = OutboxMessage.objects.get(to=reader.email)
    assert current.label in digest.body_text  # published yesterday with email: in the digest
    assert past.label not in digest.body_text


def test_publishing_without_email_then_with_email_sends_once(series, jobs):
    issue = ArticleFactory(issue=IssueFactory(series=series, number=7)).issue
    subscribe(series)
    quiet = services.issue_publish(issue=issue, email_subscribers=False)
    assert quiet.emailed == 0
    services.issue_unpublish(issue=issue)
    loud = services.issue_publish(issue=issue)
    assert loud.emailed == 1
    again = services.issue_publish(issue=issue)
    assert again.emailed == 0
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"newsletters.issue:{issue.pk}:").count() == 1


def test_existing_issues_are_dated_by_the_month_they_were_published_in(series):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("newsletters.migrations.0005_issue_date_separate_from_publication")
    # 23:30 UTC on 31 March 2018 was 00:30 on 1 April in London (summer time began on 25 March).
    published = IssueFactory(series=series, number=8, published_at=datetime(2018, 3, 31, 23, 30, tzinfo=UTC))
    published.status = "published"
    published.save()
    draft = IssueFactory(series=series, number=9, created_at=datetime(2019, 2, 10, 12, tzinfo=UTC))
    migration.date_existing_issues(apps, None)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.issue_date == date(2018, 4, 1)
    assert draft.issue_date == date(2019, 2, 1)
