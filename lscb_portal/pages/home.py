"""The home page: what a practitioner came for, in one look and a fixed number of queries."""

from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsletters.models import Article, Issue
from procedures import selectors as procedure_selectors
from training import selectors as training_selectors

SESSIONS_AHEAD = timedelta(weeks=8)
SESSIONS_SHOWN = 5
AMENDMENTS_SHOWN = 5


def home_context(*, now=None) -> dict:
    """The latest issue, sessions with places in the next eight weeks and the latest procedure amendments.

    Five queries whatever the number of issues, sessions, bookings or chapters (plus the
    layout's own).
    """
    now = now or timezone.now()
    latest_issue = _latest_issue()
    sessions = training_selectors.sessions_with_places(within=SESSIONS_AHEAD, limit=SESSIONS_SHOWN + 1, now=now)
    block = procedure_selectors.home_block()
    return {
        "latest_issue": latest_issue,
        "training_sessions": sessions[:SESSIONS_SHOWN],
        "more_sessions": len(sessions) > SESSIONS_SHOWN,
        "procedures": block,
        "latest_amendments": block.amendments[:AMENDMENTS_SHOWN],
        "more_amendments": max(len(block.amendments) - AMENDMENTS_SHOWN, 0),
    }


def _latest_issue() -> Issue | None:
    """The newest published issue with its series and ``article_count``.

    The articles are counted for that one issue only: counting with a join, as ``latest_issues()`` does for
    its list, groups every issue's articles before the newest is picked.
    """
    articles = Article.objects.filter(issue=OuterRef("pk")).order_by().values("issue").annotate(count=Count("pk"))
    return (
        Issue.objects.published()
        .select_related("series")
        .annotate(article_count=Coalesce(Subquery(articles.values("count"), output_field=IntegerField()), 0))
        .in_reading_order()
        .first()
    )
