"""An issue page links the series' published issues just before and after it, and nothing else."""

from datetime import timedelta

from django.utils import timezone

from newsletters.models import IssueStatus
from newsletters.selectors import adjacent_issues
from tests.newsletters.factories import IssueFactory, SeriesFactory


def test_the_nearest_published_issues_of_the_same_series(db, django_assert_num_queries):
    series = SeriesFactory(slug="quarterly")
    IssueFactory(series=series, number=1, published=True)
    before = IssueFactory(series=series, number=2, published=True)
    IssueFactory(series=series, number=3)  # a draft
    issue = IssueFactory(series=series, number=4, published=True)
    IssueFactory(
        series=series, number=5, status=IssueStatus.PUBLISHED, published_at=timezone.now() + timedelta(days=1)
    )  # scheduled
    after = IssueFactory(series=series, number=6, published=True)
    IssueFactory(series=SeriesFactory(slug="bulletin"), number=5, published=True)

    with django_assert_num_queries(1):
        previous, following = adjacent_issues(issue=issue)
        urls = (previous.get_absolute_url(), following.get_absolute_url())

    assert (previous.pk, following.pk) == (before.pk, after.pk)
    assert urls == ("/newsletters/quarterly/2/", "/newsletters/quarterly/6/")


def test_the_first_and_the_latest_issue_have_one_neighbour(db):
    series = SeriesFactory(slug="quarterly")
    first = IssueFactory(series=series, number=1, published=True)
    latest = IssueFactory(series=series, number=2, published=True)

    assert adjacent_issues(issue=first) == (None, latest)
    assert adjacent_issues(issue=latest) == (first, None)
    assert adjacent_issues(issue=IssueFactory(series=SeriesFactory(slug="bulletin"), number=1, published=True)) == (
        None,
        None,
    )
