"""Rendering stored rich text inside newsletter pages."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_HEADING = re.compile(r"<(/?)h([2-5])([^>]*)>", re.I)
_TABLE_OPEN = re.compile(r"<table\b", re.I)
_TABLE_CLOSE = re.compile(r"</table>", re.I)


@register.filter
def prose(html: str, demote: int = 0) -> SafeString:
    """Sanitised rich text ready for a page.

    Wide tables scroll inside their own focusable box (so a phone's page never
    scrolls sideways); with ``demote`` the headings step down a level, so an
    article's own headings sit under its title on the issue page.
    """
    html = str(html or "")
    if demote:
        html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + int(demote), 6)}{m[3]}>", html)
    html = _TABLE_OPEN.sub(
        '<div class="lscb-table-wrapper" role="region" aria-label="Table" tabindex="0"><table', html
    )
    html = _TABLE_CLOSE.sub("</table></div>", html)
    # The value was cleaned by the rich-text policy when it was saved.
    return mark_safe(html)  # noqa: S308


@register.filter
def file_type_label(attachment) -> str:
    return attachment.get_file_type_display() if attachment.file_type else "Document"
