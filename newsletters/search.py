"""What readers can find in the newsletters: one ``core.search.SearchSource`` per kind.

The site search and the newsletters' own search page both read these, so an article or an
issue is found, ranked and shown the same way on either.
"""

from datetime import datetime

from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from lscb_portal.core.search import SearchSource

from .models import Article, Issue


def _issue_context(issue: Issue) -> str:
    return f"{issue.series.title}, Issue {issue.number} ({issue.title})"


def article_source(now: datetime | None = None) -> SearchSource:
    """Published articles: the snippet from the summary and the text, under the issue they are in."""
    now = now or timezone.now()
    return SearchSource(
        kind="Newsletter article",
        queryset=lambda: Article.objects.published(now=now).select_related("issue__series"),
        statement_key="newsletters.articles",
        now=now,
        date="issue__issue_date",
        date_label=lambda article: article.issue.date_label,
        context=lambda article: _issue_context(article.issue),
        headline_field=Concat("summary", Value(" "), "body_text", output_field=TextField()),
    )


def _signatory(issue: Issue) -> str:
    signed = ", ".join(part for part in (issue.foreword_by, issue.foreword_role) if part)
    return f"Foreword by {signed}" if signed else ""


def issue_source(now: datetime | None = None) -> SearchSource:
    """Published issues, found by their title, date, signatory and foreword: the snippet from the foreword."""
    now = now or timezone.now()
    return SearchSource(
        kind="Newsletter issue",
        queryset=lambda: Issue.objects.published(now=now).select_related("series"),
        statement_key="newsletters.issues",
        now=now,
        title=lambda issue: f"{issue.series.title}: {issue.label}",
        date="issue_date",
        date_label="date_label",
        context=_signatory,
        headline_field="foreword_text",
    )


def sources(now: datetime | None = None) -> list[SearchSource]:
    """Everything the newsletters' search page looks through, articles first."""
    now = now or timezone.now()
    return [article_source(now), issue_source(now)]
