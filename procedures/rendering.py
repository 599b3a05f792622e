"""Glossary links in chapter text. (The comparison of two versions is the base's ``core.textdiff``.)"""

import re
from html import escape

_OPEN_TAG = re.compile(r"<\s*([a-z0-9]+)", re.I)
_CLOSE_TAG = re.compile(r"<\s*/\s*([a-z0-9]+)", re.I)
_TOKEN = re.compile(r"<[^>]+>|[^<]+")


class GlossaryLinker:
    """Links the first use of each glossary term in a chapter's text to its definition (never inside a link or
    heading). Made once from the terms, its pattern and each term's link serve every chapter it links."""

    def __init__(self, terms):
        self.names: dict[str, object] = {}
        self.links: dict[object, str] = {}
        for term in terms:
            for name in term.names():
                if len(name) >= 2:
                    self.names.setdefault(escape(name, quote=False).lower(), term)
            self.links[term] = (
                f'<a class="govuk-link lscb-glossary-link" href="{escape(term.get_absolute_url())}" '
                f'title="Glossary: {escape(term.term)}">'
            )
        self.pattern = (
            re.compile(
                r"(?<![\w-])("
                + "|".join(re.escape(name) for name in sorted(self.names, key=len, reverse=True))
                + r")(?![\w-])",
                re.I,
            )
            if self.names
            else None
        )

    def link(self, html: str) -> tuple[str, list]:
        """The HTML with the first use of each term linked, and the terms found, in the order they appear."""
        if self.pattern is None or not html:
            return html or "", []
        linked: list = []

        def replace(match: re.Match) -> str:
            term = self.names[match.group(1).lower()]
            if term in linked:
                return match.group(0)
            linked.append(term)
            return f"{self.links[term]}{match.group(0)}</a>"

        blocked = 0  # depth inside <a> and headings
        out: list[str] = []
        for token in _TOKEN.findall(html):
            if token.startswith("<"):
                closing = _CLOSE_TAG.match(token)
                opening = _OPEN_TAG.match(token)
                name = (closing or opening).group(1).lower() if (closing or opening) else ""
                if name in {"a", "h2", "h3", "h4"}:
                    blocked += -1 if closing else 1
                out.append(token)
            elif blocked > 0:
                out.append(token)
            else:
                out.append(self.pattern.sub(replace, token))
        return "".join(out), linked
