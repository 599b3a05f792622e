"""Each series is an email list; its weekly digest part lists the week's issues."""

from datetime import timedelta

from django.utils import timezone

from lscb_portal.core import subscriptions
from lscb_portal.core.models import Frequency, Subscription
from newsletters.lists import series_digest
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory, subscribe


def test_every_active_series_is_a_list(db):
    quarterly = SeriesFactory(title="Quarterly Newsletter", slug="quarterly")
    SeriesFactory(slug="old-bulletin", is_active=False)
    keys = {mailing_list.key for mailing_list in subscriptions.all_lists()}
    assert "newsletters.series.quarterly" in keys
    assert "newsletters.series.old-bulletin" not in keys
    assert subscriptions.get_list(quarterly.list_key).title == "Quarterly Newsletter"


def test_digest_part_lists_the_issues_of_the_week_with_their_articles(db):
    series = SeriesFactory(slug="frontline")
    issue = IssueFactory(series=series, published=True, title="Winter 2018")
    ArticleFactory(issue=issue, title="Modern slavery: spotting the signs")
    IssueFactory(
        series=series, number=99, title="Last year", published=True, published_at=timezone.now() - timedelta(days=30)
    )
    subscriber = subscribe(series, frequency=Frequency.WEEKLY)
    subscription = Subscription.objects.get(subscriber=subscriber)
    now = timezone.now()
    part = series_digest(subscription, now - timedelta(days=7), now)
    assert "Winter 2018" in part.text
    assert "Modern slavery: spotting the signs" in part.text
    assert "Last year" not in part.text
    assert "Modern slavery" in part.html
    assert series_digest(subscription, now - timedelta(days=60), now - timedelta(days=40)) is None
