"""What readers can find in the manual: chapters in force and glossary terms, as ``core.search.SearchSource``s.

The site search and the manual's own search page both read these. A chapter found links to the
section where the words matched: a heading holding them, else the first section whose text does.
"""

import re
from dataclasses import replace
from html import unescape

from django.db.models import F, TextField, Value
from django.db.models.functions import Concat

from lscb_portal.core.richtext import plain_text
from lscb_portal.core.search import SearchResult, SearchSource, Snippet, search_query
from lscb_portal.core.templatetags.portal import ukdate

from .anchors import Heading, headings
from .models import ChapterVersion, GlossaryTerm

_MARKED = re.compile(r"<mark>(.*?)</mark>", re.S)
_SECTION_SPLIT = re.compile(r"(?=<h[2-4][\s>])", re.I)


def _marked_words(snippet: str) -> list[str]:
    return [unescape(word).lower() for word in _MARKED.findall(snippet or "")]


def _section_matched(body: str, *, heading_snippet: str, snippet: str) -> Heading | None:
    """The section of ``body`` where the words marked in the snippets matched: a heading holding a word
    marked among the headings, else the first section whose text holds a word marked in ``snippet``."""
    found = headings(body)
    for word in _marked_words(heading_snippet):
        for heading in found:
            if word in heading.text.lower():
                return heading
    words = _marked_words(snippet)
    if not words:
        return None
    # parts[0] is the text before the first heading; parts[i] starts with heading i - 1.
    for index, part in enumerate(_SECTION_SPLIT.split(body)):
        if any(word in plain_text(part).lower() for word in words):
            return found[index - 1] if 0 < index <= len(found) else None
    return None


class ChapterSource(SearchSource):
    """Chapters in force, each result linking to the section that matched (its text is read for that)."""

    def page_rows(self, q: str, pks: list):
        return super().page_rows(q, pks).annotate(heading_snippet=Snippet(F("headings_text"), search_query(q)))

    def to_result(self, obj: ChapterVersion) -> SearchResult:
        result = super().to_result(obj)
        section = _section_matched(obj.body, heading_snippet=obj.heading_snippet, snippet=result.snippet)
        if section is None:
            return result
        return replace(
            result,
            url=f"{result.url}#{section.anchor}",
            context=f"section {section.number_shown} {section.text}"
            if section.number_shown
            else f"section {section.text}",
        )


def chapter_source() -> SearchSource:
    """The version in force of each current chapter: the snippet from its summary and text."""
    return ChapterSource(
        kind="Procedure",
        queryset=lambda: ChapterVersion.objects.searchable().select_related("chapter"),
        statement_key="procedures.chapters",
        date="chapter__updated_at",
        date_label=lambda version: f"updated {ukdate(version.chapter.updated_at, 'short')}",
        url=lambda version: version.chapter.get_absolute_url(),
        headline_field=Concat("summary", Value(" "), "body_text", output_field=TextField()),
        also_read=("body",),
    )


def glossary_source() -> SearchSource:
    """Glossary terms: the snippet from the definition."""
    return SearchSource(
        kind="Glossary term",
        queryset=lambda: GlossaryTerm.objects.all(),
        title="term",
        headline_field="definition",
        statement_key="procedures.glossary",
    )


def sources() -> list[SearchSource]:
    """Everything the manual's search page looks through, chapters first."""
    return [chapter_source(), glossary_source()]
