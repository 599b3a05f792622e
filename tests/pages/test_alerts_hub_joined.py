"""The alerts hub with every app's real lists: series, procedure updates (all or major only), training places;
and one weekly digest that holds each app's part."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lscb_portal.core import tasks
from lscb_portal.core.models import Frequency, OutboxMessage, Subscriber
from newsletters.services import issue_publish
from tests.core.factories import SubscriberFactory, SubscriptionFactory
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory
from tests.procedures.factories import publish_change, publish_new_chapter
from tests.training.factories import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DIGEST_RUN = dt.datetime(2026, 3, 9, 7, 0, tzinfo=LONDON)  # a Monday, 7am
IN_THE_WEEK = dt.datetime(2026, 3, 5, 10, 0, tzinfo=LONDON)


@pytest.fixture
def series():
    return SeriesFactory(title="Safeguarding Matters", slug="safeguarding-matters")


def test_the_hub_lists_every_apps_lists_with_both_frequencies_and_major_only(client, series):
    SeriesFactory(title="Retired bulletin", slug="retired", is_active=False)
    html = client.get(reverse("pages:alerts")).content.decode()
    assert 'value="newsletters.series.safeguarding-matters"' in html
    assert "Safeguarding Matters" in html
    assert "Retired bulletin" not in html
    assert 'value="procedures.updates"' in html
    assert 'value="training.alerts"' in html
    assert 'name="major_only"' in html
    assert 'value="immediate"' in html
    assert 'value="weekly"' in html
    for group in ("Newsletters", "Procedures", "Training"):
        assert group in html


def test_one_sign_up_takes_lists_from_every_app_with_major_only_where_offered(client, series):
    response = client.post(
        reverse("pages:alerts"),
        {
            "lists_newsletters": [series.list_key],
            "lists_procedures": ["procedures.updates"],
            "lists_training": ["training.alerts"],
            "frequency": "weekly",
            "major_only": "on",
            "email": "lead@school.example.org",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(email="lead@school.example.org")
    chosen = {sub.list_key: (sub.frequency, sub.major_only) for sub in subscriber.subscriptions.all()}
    assert chosen == {
        series.list_key: ("weekly", False),
        "procedures.updates": ("weekly", True),
        "training.alerts": ("weekly", False),
    }


def test_the_weekly_digest_holds_a_part_from_each_app(series):
    subscriber = SubscriberFactory(email="weekly@school.example.org")
    for key in (series.list_key, "procedures.updates", "training.alerts"):
        SubscriptionFactory(subscriber=subscriber, list_key=key, frequency=Frequency.WEEKLY)
    with time_machine.travel(IN_THE_WEEK - dt.timedelta(days=30), tick=False):
        chapter = publish_new_chapter(title="Children missing education")
    with time_machine.travel(IN_THE_WEEK, tick=False):
        issue = IssueFactory(series=series, title="March 2026")
        ArticleFactory(issue=issue, title="County lines: what schools see")
        issue_publish(issue=issue, at=IN_THE_WEEK)
        publish_change(chapter, at=IN_THE_WEEK, details="Section 4 now covers elective home education.", major=True)
        SessionFactory(
            course=CourseFactory(title="Understanding criminal exploitation"),
            starts_at=DIGEST_RUN + dt.timedelta(days=14),
            capacity=20,
        )
    OutboxMessage.objects.all().delete()
    with time_machine.travel(DIGEST_RUN, tick=False):
        tasks.send_weekly_digests(timestamp=int(DIGEST_RUN.timestamp()))
    digest = OutboxMessage.objects.get(to="weekly@school.example.org")
    assert digest.category == "alerts.digest"
    assert "County lines: what schools see" in digest.body_text
    assert "Children missing education" in digest.body_text
    assert "Understanding criminal exploitation" in digest.body_text
    for part in ("Safeguarding Matters", "Procedure updates", "Training places"):
        assert part in digest.body_html
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
