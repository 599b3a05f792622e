"""Template filters for the PDF documents (lscb_portal/core/pdf.py): ``{% load documents %}``."""

import re
from html import unescape

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from lscb_portal.core import pdf
from lscb_portal.core.richtext import sanitize

register = template.Library()

_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)="([^"]*)"')
_HEADING = re.compile(r"<(/?)h([2-6])\b")
_HEADING_ID = re.compile(r'(<h[2-6]) id="[^"]*"')


def _picture(match: re.Match) -> str:
    attributes = {name: unescape(value) for name, value in _ATTRIBUTE.findall(match.group(1))}
    src = attributes.get("src", "")
    if pdf.is_own_address(src):
        return match.group(0)
    return format_html(
        '<span class="picture-elsewhere">Picture: {} (<a href="{}">{}</a>)</span>', attributes.get("alt", ""), src, src
    )


@register.filter
def document_prose(html: str, demote: int = 0) -> SafeString:
    """Rich text for a document. A picture kept outside the portal becomes its description and address
    (documents load nothing from elsewhere); with ``demote`` the headings step down that many levels.
    Headings lose their anchors: a document holds many articles, whose headings often share words."""
    html = _HEADING_ID.sub(r"\1", _IMG.sub(_picture, sanitize(str(html or ""))))
    if demote:
        html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + int(demote), 6)}", html)
    return mark_safe(html)  # noqa: S308  (cleaned by the rich-text policy just above)
