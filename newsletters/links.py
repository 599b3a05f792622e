"""The links an issue's pages repeat for every article, document and topic, built cheaply (``path_to``)."""

from collections.abc import Iterable

from lscb_portal.core.links import path_to

from .models import Article, Issue


def add_reading_links(issue: Issue, articles: Iterable[Article], *, preview: bool) -> None:
    """Give each article ``reading_url`` (its page, or its preview), each document in its
    ``attachment_list`` a ``download_url`` and each topic in its ``topic_list`` a ``topic_url``."""
    series, number = issue.series.slug, issue.number
    for article in articles:
        if preview:
            article.reading_url = path_to("newsletters:preview_article", issue.pk, article.slug)
        else:
            article.reading_url = path_to("newsletters:article", series, number, article.slug)
        for document in getattr(article, "attachment_list", ()):
            document.download_url = path_to("newsletters:attachment", series, number, article.slug, document.pk)
        for tag in getattr(article, "topic_list", ()):
            tag.topic_url = path_to("newsletters:topic", tag.slug)
