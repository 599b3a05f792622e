"""Addresses: absolute ones for emails, paths for lists that link every row, and hiding the secrets in
links wherever links are shown or logged.

``reverse()`` walks the URL patterns for every link it builds: a programme of 25 sessions, an issue
of 20 articles with their documents and topics, a page of search results each cost tens of them.
``path_to`` reverses each pattern once, with stand-ins for its slugs and numbers, and puts the real
values in their place; a value the pattern's converter might refuse goes through ``reverse()``
itself, so it fails the same way it always did.
"""

import functools
import logging
import re
from datetime import date
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve, reverse

_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")  # what <slug:…> accepts: needs no quoting
_SLUG_STAND_IN = "slugstandin"
_NUMBER_STAND_IN = 987654321
_DAY_STAND_IN = date(9876, 5, 4)  # written as 9876-05-04, which no real address holds
_STAND_INS = {str: _SLUG_STAND_IN, int: _NUMBER_STAND_IN, date: _DAY_STAND_IN}


def free_slug(base: str, taken) -> str:
    """``base``, or the first of ``base-2``, ``base-3``, … not in ``taken`` (anything that answers ``in``)."""
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def absolute_url(path_or_obj) -> str:
    """The public address of a path, or of an object with get_absolute_url (for emails)."""
    path = path_or_obj if isinstance(path_or_obj, str) else path_or_obj.get_absolute_url()
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


class _Pattern:
    """One URL pattern reversed with stand-ins: the text before the first value and after each."""

    def __init__(self, viewname: str, kinds: tuple[type, ...], urlconf):
        stand_ins = [_STAND_INS[kind] for kind in kinds]
        url = reverse(viewname, args=stand_ins, urlconf=urlconf)
        tails = []
        for stand_in in reversed(stand_ins):
            url, _, tail = url.rpartition(str(stand_in))
            tails.append(tail)
        self.head, self.tails = url, tails[::-1]

    def path(self, values: tuple) -> str:
        return self.head + "".join(f"{value}{tail}" for value, tail in zip(values, self.tails, strict=True))


@functools.lru_cache(maxsize=128)
def _pattern(viewname: str, kinds: tuple[type, ...], script_prefix: str, urlconf) -> _Pattern:
    return _Pattern(viewname, kinds, urlconf)


def _plain(value) -> bool:
    if isinstance(value, str):
        return _SLUG.match(value) is not None
    return (type(value) is int and value >= 0) or type(value) is date


def path_to(viewname: str, *args: str | int | date) -> str:
    """``reverse(viewname, args=args)`` for addresses made of slugs, numbers and days (written YYYY-MM-DD), without
    walking the patterns."""
    if not all(_plain(value) for value in args):
        return reverse(viewname, args=args)
    kinds = tuple(str if isinstance(value, str) else type(value) for value in args)
    return _pattern(viewname, kinds, get_script_prefix(), get_urlconf()).path(args)


# URL arguments that grant access to whoever holds the link.
SECRET_URL_KWARGS = frozenset({"token", "uidb64"})
HIDDEN = "[link hidden]"
# An absolute URL, or a path as a log line shows it.
_LINK = re.compile(r"(?:https?://[^\s/<>\"']+)?/[^\s<>\"'?#]*")
# A Django signing token (value:signature, or value:timestamp:signature) as one path segment.
_SIGNED = re.compile(r"^\.?[A-Za-z0-9_-]{8,}(?::[A-Za-z0-9_-]{4,}){1,2}$")


def redact_secret_links(text: str) -> str:
    """``text`` with the secret part of every link to one of the portal's token pages replaced by HIDDEN.

    A link is resolved against the URL patterns: arguments named in ``SECRET_URL_KWARGS`` are
    hidden. Any path segment shaped like a signed token is hidden too, so a mistyped address
    (a 404) or a page added later leaks nothing either.
    """

    def hide(match: re.Match) -> str:
        link = match.group(0)
        parts = urlsplit(link)
        segments = parts.path.split("/")
        try:
            kwargs = resolve(parts.path).kwargs
        except Resolver404:
            kwargs = {}
        secrets = {str(value) for name, value in kwargs.items() if name in SECRET_URL_KWARGS and value}
        hidden = [HIDDEN if segment in secrets or _SIGNED.match(segment) else segment for segment in segments]
        if hidden == segments:
            return link
        return urlunsplit((parts.scheme, parts.netloc, "/".join(hidden), "", ""))

    return _LINK.sub(hide, text)


class RedactTokensFilter(logging.Filter):
    """Hides signed tokens in log lines (``Not Found: /training/bookings/<token>/``, the dev server's log).

    Set on the handlers and the request loggers in ``settings.LOGGING``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/" in message:
            redacted = redact_secret_links(message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        return True
