"""Word-level comparison of two texts: what was added and what was removed.

Used wherever the portal shows a change: a procedures chapter's "what changed" page and the admin's
history of every edited record. It works on stored, already sanitised HTML (plain text is escaped
first, see ``compare_text``) with Python's ``difflib``, and returns HTML cleaned again by the
rich-text policy plus ``<ins>``/``<del>``, so a comparison can never carry markup the policy refuses.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape

import nh3
from django.utils.safestring import SafeString, mark_safe

from .richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from .templatetags.richtext import wrap_tables

# A word keeps the spaces after it, so that changed phrases come out whole ("poor hygiene" → "a cold home").
_TOKEN = re.compile(r"<[^>]+>|[^<\s]+\s*|\s+")

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


def display_html(html: str) -> SafeString:
    """Mark HTML built from stored rich text safe, after one more pass of the portal's policy.

    Tables go in a focusable box that scrolls sideways on a narrow screen.
    """
    return mark_safe(wrap_tables(_display_cleaner.clean(html or "")))


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
        if token.startswith("<"):
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


def _text_as_html(text: str) -> str:
    return escape(text or "", quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def compare_text(old_text: str, new_text: str) -> Comparison:
    """``compare`` for plain text (a title, a note): escaped first, line breaks kept."""
    return compare(_text_as_html(old_text), _text_as_html(new_text))
