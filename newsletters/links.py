"""The links an issue's pages repeat for every article, document and topic, built cheaply.

``reverse()`` (and ``{% url %}``) walks the URL patterns for every link: on an issue of 20
articles that is some 80 links a page. Here each pattern is reversed once with stand-ins for its
slug and number, and the real values are put in their place. A value the pattern's converter
might refuse goes through ``reverse()`` itself, so it fails the same way it always did.
"""

import re
from collections.abc import Iterable

from django.urls import reverse

from .models import Article, Issue

_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")  # what <slug:…> accepts: needs no quoting
_SLUG_STAND_IN = "slugstandin"
_NUMBER_STAND_IN = 987654321


class _Link:
    """``reverse(viewname, args=[*fixed, *values])`` for many ``values`` (slugs or numbers)."""

    def __init__(self, viewname: str, fixed: list, kinds: tuple[type, ...]):
        self.viewname, self.fixed, self.kinds = viewname, fixed, kinds
        stand_ins = [_SLUG_STAND_IN if kind is str else _NUMBER_STAND_IN for kind in kinds]
        url = reverse(viewname, args=[*fixed, *stand_ins])
        pieces = []
        for stand_in in reversed(stand_ins):
            url, _, tail = url.rpartition(str(stand_in))
            pieces.append(tail)
        self.head, self.tails = url, pieces[::-1]

    def _plain(self, value, kind: type) -> bool:
        if kind is str:
            return isinstance(value, str) and _SLUG.match(value) is not None
        return type(value) is int and value >= 0

    def __call__(self, *values) -> str:
        if not all(self._plain(value, kind) for value, kind in zip(values, self.kinds, strict=True)):
            return reverse(self.viewname, args=[*self.fixed, *values])
        return self.head + "".join(f"{value}{tail}" for value, tail in zip(values, self.tails, strict=True))


def add_reading_links(issue: Issue, articles: Iterable[Article], *, preview: bool) -> None:
    """Give each article ``reading_url`` (its page, or its preview), each document in its
    ``attachment_list`` a ``download_url`` and each topic in its ``topic_list`` a ``topic_url``."""
    if preview:
        article_link = _Link("newsletters:preview_article", [issue.pk], (str,))
    else:
        article_link = _Link("newsletters:article", [issue.series.slug, issue.number], (str,))
    document_link = _Link("newsletters:attachment", [issue.series.slug, issue.number], (str, int))
    topic_link = _Link("newsletters:topic", [], (str,))
    for article in articles:
        article.reading_url = article_link(article.slug)
        for document in getattr(article, "attachment_list", ()):
            document.download_url = document_link(article.slug, document.pk)
        for tag in getattr(article, "topic_list", ()):
            tag.topic_url = topic_link(tag.slug)
