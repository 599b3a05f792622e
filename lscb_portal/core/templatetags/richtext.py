"""``{{ article.body|richtext }}``: a RichTextField's HTML, ready for the page.

A builtin (see TEMPLATES in settings), so templates need no ``{% load %}``.
"""

import re

from django import template
from django.utils.safestring import mark_safe

from lscb_portal.core.richtext import sanitize

register = template.Library()

TABLE_WRAPPER = '<div class="lscb-table-wrapper" role="region" aria-label="Table" tabindex="0">'
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>")


def wrap_tables(html: str) -> str:
    """Put each outermost table in a focusable box that scrolls sideways on a narrow screen."""
    pieces, position, depth = [], 0, 0
    for match in _TABLE_TAG.finditer(html):
        closing = bool(match.group(1))
        if not closing:
            if depth == 0:
                pieces += [html[position : match.start()], TABLE_WRAPPER]
                position = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                pieces += [html[position : match.end()], "</div>"]
                position = match.end()
    if depth:  # an unclosed table: close the box at the end
        pieces += [html[position:], "</div>"]
    else:
        pieces.append(html[position:])
    return "".join(pieces)


@register.filter(is_safe=True)
def richtext(value):
    """The stored HTML inside ``<div class="lscb-prose">``, tables made scrollable.

    The value was sanitised on save; it is sanitised again here (it is cheap) so
    that a row written around the model (``update()``, raw SQL) still renders
    harmlessly.
    """
    html = sanitize(str(value or ""))
    if not html:
        return ""
    return mark_safe(f'<div class="lscb-prose">{wrap_tables(html)}</div>')
