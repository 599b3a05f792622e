"""RSS 2.0 and Atom feeds: every issue of a series, and every article on a topic."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from lscb_portal.core.models import BoardSettings
from lscb_portal.core.richtext import plain_text

from . import selectors
from .models import Series

FEED_LENGTH = 20


def issue_moment(issue) -> datetime:
    """Feeds date an issue by its own date (midnight, the board's time), not when it was put online."""
    return timezone.make_aware(datetime.combine(issue.issue_date, time.min))


class SeriesFeed(Feed):
    """The latest issues of one series; each item lists the issue's contents."""

    def get_object(self, request, series: str):
        return get_object_or_404(Series, slug=series)

    def title(self, series: Series) -> str:
        return f"{series.title} – {BoardSettings.get_solo().name}"

    def link(self, series: Series) -> str:
        return series.get_absolute_url()

    def description(self, series: Series) -> str:
        return series.description or f"New issues of {series.title}."

    def items(self, series: Series):
        return selectors.series_issues(series=series).prefetch_related("articles")[:FEED_LENGTH]

    def item_title(self, issue) -> str:
        return issue.label

    def item_description(self, issue) -> str:
        titles = [article.title for article in issue.articles.all()]
        return "This issue includes: " + "; ".join(titles) if titles else plain_text(issue.foreword)[:400]

    def item_pubdate(self, issue):
        return issue_moment(issue)

    def item_guid(self, issue) -> str:
        return f"newsletters-issue-{issue.pk}"

    item_guid_is_permalink = False


class SeriesAtomFeed(SeriesFeed):
    feed_type = Atom1Feed
    subtitle = SeriesFeed.description

    def link(self, series: Series) -> str:
        return series.get_absolute_url()

    def feed_url(self, series: Series) -> str:
        return reverse("newsletters:series_atom", kwargs={"series": series.slug})


class TopicFeed(Feed):
    """The latest articles on one topic, across every issue and series."""

    def get_object(self, request, tag: str):
        return selectors.published_tag(slug=tag)

    def title(self, tag) -> str:
        return f"Newsletter articles about {tag.name} – {BoardSettings.get_solo().name}"

    def link(self, tag) -> str:
        return reverse("newsletters:topic", kwargs={"tag": tag.slug})

    def description(self, tag) -> str:
        return f"Articles about {tag.name} from the board's newsletters."

    def items(self, tag):
        return selectors.articles_tagged(tag=tag)[:FEED_LENGTH]

    def item_title(self, article) -> str:
        return article.title

    def item_description(self, article) -> str:
        return article.summary or plain_text(article.body)[:400]

    def item_pubdate(self, article):
        return issue_moment(article.issue)

    def item_author_name(self, article) -> str:
        return article.author_name or None

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]

    def item_guid(self, article) -> str:
        return f"newsletters-article-{article.pk}"

    item_guid_is_permalink = False


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed
    subtitle = TopicFeed.description

    def feed_url(self, tag) -> str:
        return reverse("newsletters:topic_atom", kwargs={"tag": tag.slug})
