"""Signed links: one helper for every link the portal emails.

A token carries a purpose (so a booking link can never confirm a subscription),
a value, and optionally an expiry. Confirmation links expire within days; a
booking's link lasts until its session ends. Pages reached through a token use
``signed_link_page`` so they are never cached or indexed.
"""

from datetime import datetime, timedelta
from functools import wraps

from django.core import signing
from django.utils import timezone
from django.views.decorators.cache import never_cache


class BadLink(Exception):
    """A link that was tampered with, is for something else, or has expired."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def _salt(purpose: str) -> str:
    return f"lscb.link.{purpose}"


def sign(purpose: str, value, *, expires_at: datetime | None = None, max_age: timedelta | None = None) -> str:
    """A URL-safe token for ``value`` (anything JSON can hold) valid for ``purpose``."""
    if max_age is not None:
        expires_at = timezone.now() + max_age
    payload = {"v": value}
    if expires_at is not None:
        payload["e"] = int(expires_at.timestamp())
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def unsign(purpose: str, token: str):
    """The value inside a token, or BadLink if it is not genuine or has expired."""
    try:
        payload = signing.loads(token, salt=_salt(purpose))
    except signing.BadSignature as exc:
        raise BadLink("This link is not valid. Check you copied the whole link from the email.") from exc
    if not isinstance(payload, dict) or "v" not in payload:
        raise BadLink("This link is not valid.")
    expires = payload.get("e")
    if expires is not None and timezone.now().timestamp() > expires:
        raise BadLink("This link has expired.", expired=True)
    return payload["v"]


def signed_link_page(view):
    """For views reached through a token: no caching anywhere, no indexing."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = never_cache(view)(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper
