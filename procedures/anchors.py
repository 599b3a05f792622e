"""Numbered sections and their anchors in a chapter's rich text.

An anchor, once given, stays: a heading keeps the id stored in the HTML, and a
heading that lost it (the editor may drop ids) takes back the id of the heading
with the same words in the previous version. Links such as
``/procedures/neglect/#recognising-neglect`` in old emails and printed copies
therefore keep working when sections are added or reworded around them.

Kept small so that it can give way to ``lscb_portal.core.richtext``'s own
``headings``/``add_heading_anchors`` when those land.
"""

import re
from dataclasses import dataclass
from html import unescape

from django.utils.text import slugify

_HEADING = re.compile(r"<h([2-4])([^>]*)>(.*?)</h\1>", re.S | re.I)
_ID = re.compile(r"""\sid\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
# A section number the editor typed (or pasted from Word): "1. Purpose", "3.2 Who to tell", "1) Scope".
# Up to three digits, so that a year ("1984 and after") is not taken for one.
_TYPED_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*[.)]?\s+\S")


@dataclass(frozen=True)
class Heading:
    level: int  # 2, 3 or 4
    text: str
    anchor: str
    number: str  # "3", "3.2", "3.2.1"

    @property
    def number_shown(self) -> str:
        """The number to print before the heading: none when the editor typed one into it."""
        return "" if _TYPED_NUMBER.match(self.text) else self.number


def _text(fragment: str) -> str:
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", fragment))).strip()


def _existing_anchor(attributes: str) -> str:
    match = _ID.search(attributes)
    return match.group(2).strip() if match else ""


def _numbers(levels: list[int]) -> list[str]:
    counters = [0, 0, 0]
    numbers = []
    for level in levels:
        depth = level - 2
        counters[depth] += 1
        for deeper in range(depth + 1, 3):
            counters[deeper] = 0
        numbers.append(".".join(str(count) for count in counters[: depth + 1] if count) or "1")
    return numbers


def headings(html: str) -> list[Heading]:
    """The chapter's headings in order, with their anchors and section numbers."""
    found = [
        (int(level), _text(inner), _existing_anchor(attributes))
        for level, attributes, inner in _HEADING.findall(html or "")
    ]
    numbers = _numbers([level for level, _, _ in found])
    return [
        Heading(level=level, text=text, anchor=anchor, number=number)
        for (level, text, anchor), number in zip(found, numbers, strict=True)
    ]


def heading_text(html: str) -> str:
    return " ".join(heading.text for heading in headings(html))


def _anchor_from(text: str) -> str:
    # The base's anchor format: a letter first, then letters, digits and hyphens.
    slug = slugify(text)[:70].strip("-")
    return slug if slug[:1].isalpha() else f"section-{slug}".strip("-")


def add_heading_anchors(html: str, *, previous: str = "") -> str:
    """Give every h2–h4 an id: its own, the previous version's for the same words, or one from its words."""
    reuse = {heading.text.lower(): heading.anchor for heading in headings(previous) if heading.anchor}
    taken: set[str] = {"main-content"}
    used: set[str] = {"main-content"}
    # Ids already present are kept first, so a new heading never steals one.
    for _level, attributes, _inner in _HEADING.findall(html or ""):
        if anchor := _existing_anchor(attributes):
            taken.add(anchor)

    def replace(match: re.Match) -> str:
        level, attributes, inner = match.groups()
        anchor = _existing_anchor(attributes)
        if anchor and anchor not in used:
            used.add(anchor)
        else:
            text = _text(inner)
            candidate = reuse.get(text.lower()) or _anchor_from(text)
            anchor, n = candidate, 2
            while anchor in taken:
                anchor, n = f"{candidate}-{n}", n + 1
            taken.add(anchor)
            used.add(anchor)
            attributes = f'{_ID.sub("", attributes)} id="{anchor}"'
        return f"<h{level}{attributes}>{inner}</h{level}>"

    return _HEADING.sub(replace, html or "")


def number_headings(html: str) -> str:
    """The body for display: each heading starts with its section number ("3.2"), unless one was typed."""
    numbers = iter(heading.number_shown for heading in headings(html))

    def replace(match: re.Match) -> str:
        level, attributes, inner = match.groups()
        number = next(numbers)
        if not number:
            return match.group(0)
        return f'<h{level}{attributes}><span class="lscb-section-number">{number}</span> {inner}</h{level}>'

    return _HEADING.sub(replace, html or "")
