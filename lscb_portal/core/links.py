"""Absolute addresses for emails, and hiding the secrets in links wherever links are shown or logged."""

import logging
import re
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import Resolver404, resolve


def absolute_url(path_or_obj) -> str:
    """The public address of a path, or of an object with get_absolute_url (for emails)."""
    path = path_or_obj if isinstance(path_or_obj, str) else path_or_obj.get_absolute_url()
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


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
