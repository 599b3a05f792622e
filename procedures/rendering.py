"""Glossary links in chapter text. (The comparison of two versions is the base's ``core.textdiff``.)"""

import re
from html import escape

_OPEN_TAG = re.compile(r"<\s*([a-z0-9]+)", re.I)
_CLOSE_TAG = re.compile(r"<\s*/\s*([a-z0-9]+)", re.I)


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
