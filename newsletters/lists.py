"""Each newsletter series is an email list ("newsletters.series.<slug>") registered with the base."""

from collections.abc import Iterable
from datetime import datetime

from django.template.loader import render_to_string

from lscb_portal.core.links import absolute_url
from lscb_portal.core.subscriptions import DigestPart, MailingList

LIST_PREFIX = "newsletters.series."


def series_lists() -> Iterable[MailingList]:
    """One list per series still published (called lazily by the base, so it may query)."""
    from .models import Series

    for series in Series.objects.filter(is_active=True):
        yield MailingList(
            key=series.list_key,
            title=series.title,
            description=series.description or f"An email when a new issue of {series.title} is published.",
            digest=series_digest,
        )


def series_digest(subscription, since: datetime, until: datetime) -> DigestPart | None:
    """This series' part of a weekly digest: the issues published in the week, with their contents."""
    from .selectors import issues_published_between

    slug = subscription.list_key.removeprefix(LIST_PREFIX)
    issues = issues_published_between(series_slug=slug, since=since, until=until)
    if not issues:
        return None
    context = {
        "series": issues[0].series,
        "issues": [
            {
                "issue": issue,
                "url": absolute_url(issue),
                "articles": [
                    (article.title, absolute_url(issue.get_absolute_url() + f"#{article.anchor}"))
                    for article in issue.articles.all()
                ],
            }
            for issue in issues
        ],
    }
    return DigestPart(
        title=issues[0].series.title,
        text=render_to_string("newsletters/email/digest_part.txt", context),
        html=render_to_string("newsletters/email/digest_part.html", context),
    )
