"""How chapter text is shown: the comparison of two versions and glossary links.

Both work on the stored, already sanitised HTML and return HTML that is
sanitised again before it is marked safe.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape

import nh3
from django.utils.safestring import SafeString, mark_safe

from lscb_portal.core.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

# A word keeps the spaces after it, so that changed phrases come out whole ("poor hygiene" → "a cold home").
_TOKEN = re.compile(r"<[^>]+>|[^<\s]+\s*|\s+")
_OPEN_TAG = re.compile(r"<\s*([a-z0-9]+)", re.I)
_CLOSE_TAG = re.compile(r"<\s*/\s*([a-z0-9]+)", re.I)

_DISPLAY_TAGS = ALLOWED_TAGS | {"ins", "del", "span"}
_DISPLAY_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "a": {"href", "title", "class"},
    "span": {"class"},
    "ins": {"class"},
    "del": {"class"},
}
_display_cleaner = nh3.Cleaner(
    tags=_DISPLAY_TAGS,
    attributes=_DISPLAY_ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "tel"},
    strip_comments=True,
)


_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_TABLE_BOX = '<div class="lscb-table-wrapper" role="region" aria-label="Table" tabindex="0">{}</div>'


def display_html(html: str) -> SafeString:
    """Mark HTML built from stored rich text safe, after one more pass of the portal's policy.

    Tables go in a focusable box that scrolls sideways on a narrow screen.
    """
    cleaned = _display_cleaner.clean(html or "")
    return mark_safe(_TABLE.sub(lambda match: _TABLE_BOX.format(match.group(0)), cleaned))


def _is_tag(token: str) -> bool:
    return token.startswith("<")


@dataclass(frozen=True)
class Comparison:
    html: SafeString
    insertions: int  # words added
    deletions: int  # words removed

    @property
    def changed(self) -> bool:
        return bool(self.insertions or self.deletions)


def _wrap_text(tokens: list[str], wrapper: str, *, keep_tags: bool) -> tuple[list[str], int]:
    """Wrap each run of words in <ins>/<del>; keep tags (insertions) or drop them (deletions)."""
    out: list[str] = []
    run: list[str] = []
    words = 0

    def flush():
        text = "".join(run)
        words_only = text.rstrip()
        if words_only:
            out.append(f'<{wrapper} class="lscb-diff-{wrapper}">{words_only}</{wrapper}>')
        out.append(text[len(words_only) :])
        run.clear()

    for token in tokens:
        if _is_tag(token):
            flush()
            if keep_tags:
                out.append(token)
            continue
        if not token.isspace():
            words += 1
        run.append(token)
    flush()
    return out, words


def compare(old_html: str, new_html: str) -> Comparison:
    """The new text with removed words in <del> and added words in <ins>, word by word."""
    old, new = _TOKEN.findall(old_html or ""), _TOKEN.findall(new_html or "")
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    out: list[str] = []
    insertions = deletions = 0
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            out.extend(new[j1:j2])
            continue
        if operation in ("delete", "replace"):
            wrapped, count = _wrap_text(old[i1:i2], "del", keep_tags=False)
            out.extend(wrapped)
            deletions += count
        if operation in ("insert", "replace"):
            wrapped, count = _wrap_text(new[j1:j2], "ins", keep_tags=True)
            out.extend(wrapped)
            insertions += count
    return Comparison(html=display_html("".join(out)), insertions=insertions, deletions=deletions)


def link_glossary(html: str, terms) -> tuple[str, list]:
    """Link the first use of each glossary term in the text (never inside a link or heading).

    Returns the HTML and the terms that were found, in the order they appear.
    """
    names: dict[str, object] = {}
    for term in terms:
        for name in term.names():
            if len(name) >= 2:
                names.setdefault(escape(name, quote=False).lower(), term)
    if not names or not html:
        return html or "", []
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)) + r")(?![\w-])",
        re.I,
    )
    linked: list = []
    blocked = 0  # depth inside <a> and headings
    out: list[str] = []
    for token in re.findall(r"<[^>]+>|[^<]+", html):
        if token.startswith("<"):
            closing = _CLOSE_TAG.match(token)
            opening = _OPEN_TAG.match(token)
            name = (closing or opening).group(1).lower() if (closing or opening) else ""
            if name in {"a", "h2", "h3", "h4"}:
                blocked += -1 if closing else 1
            out.append(token)
            continue
        if blocked > 0:
            out.append(token)
            continue

        def replace(match: re.Match) -> str:
            term = names[match.group(1).lower()]
            if term in linked:
                return match.group(0)
            linked.append(term)
            return (
                f'<a class="govuk-link lscb-glossary-link" href="{term.get_absolute_url()}" '
                f'title="Glossary: {escape(term.term)}">{match.group(0)}</a>'
            )

        out.append(pattern.sub(replace, token))
    return "".join(out), linked
