"""Rate limits on public forms, counted in Postgres (no cache server needed).

Call ``check(request, scope, email=...)`` at the top of a POST handler, before validating
the form, so that bad attempts count too::

    from lscb_portal.core import ratelimit

    ratelimit.check(request, "training.booking", email=request.POST.get("email"))

Each scope has a tight limit per email address and a generous one per IP address (a whole
council may reach the portal from one address). ``settings.RATE_LIMITS`` can set a scope's
limits, a kind taking one window ``(count, seconds)`` or several (``[(10, 60), (100, 3600)]``:
a burst limit beside an hourly one); ``settings.RATE_LIMIT_SCALE`` multiplies them all (load
tests raise it, 0 turns the limits off). A request over a limit raises ``RateLimited``; ``RateLimitMiddleware`` answers
it with the 429 page and a Retry-After header.

Counters live in fixed windows: one row per bucket and window, incremented with a single
``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, so concurrent requests never lose a hit.
Buckets hold a keyed hash of the address, never the address itself.
"""

import hashlib
import hmac
import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

security_log = logging.getLogger("lscb_portal.security")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


DEFAULT_LIMITS = {"email": Limit(5, 3600), "ip": Limit(300, 3600)}
# Counters older than this are deleted by the daily cleanup; no window is longer.
KEEP_COUNTERS_FOR = timedelta(days=2)


class RateLimited(Exception):
    """Too many attempts: ``retry_after`` seconds until the window ends."""

    def __init__(self, *, scope: str, kind: str, retry_after: int):
        super().__init__(f"Rate limit for {scope} ({kind}) exceeded; retry after {retry_after}s.")
        self.scope = scope
        self.kind = kind
        self.retry_after = retry_after


def limits_for(scope: str) -> dict[str, Limit | tuple[Limit, ...]]:
    """A scope's limits: the defaults, overridden by ``settings.RATE_LIMITS[scope]``.

    Each kind is ``(count, seconds)``, or a list of them for several windows at once.
    """
    configured = getattr(settings, "RATE_LIMITS", {}).get(scope, {})
    limits: dict[str, Limit | tuple[Limit, ...]] = dict(DEFAULT_LIMITS)
    for kind, value in configured.items():
        if isinstance(value, list):
            limits[kind] = tuple(window if isinstance(window, Limit) else Limit(*window) for window in value)
        else:
            limits[kind] = value if isinstance(value, Limit) else Limit(*value)
    return limits


def _windows(limit: Limit | tuple[Limit, ...]) -> tuple[Limit, ...]:
    return limit if isinstance(limit, tuple) else (limit,)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the outermost trusted proxy saw.

    With ``NUM_PROXIES`` proxies in front, each appends the address it received from to
    X-Forwarded-For, so the client is the NUM_PROXIES-th entry from the right. Entries to the
    left of it are whatever the client chose to send and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote or "unknown"


def mask_email(email: str) -> str:
    """j***@example.org: enough to spot a pattern in the log, not enough to identify someone."""
    local, _, domain = (email or "").strip().lower().rpartition("@")
    if not local:
        return "***"
    return f"{local[0]}***@{domain[:100]}"


def _bucket(scope: str, kind: str, value: str, seconds: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{scope[:140]}:{kind}:{seconds}:{digest}"


def _counter_model():
    # Imported when first used, not at import time: the admin site imports this module while
    # the app registry is still loading.
    from .models import RateLimitCounter

    return RateLimitCounter


def _hit(bucket: str, window_start: datetime) -> int:
    table = _counter_model()._meta.db_table
    sql = (
        f"INSERT INTO {table} (bucket, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608 (table name from the model)
        f"ON CONFLICT (bucket, window_start) DO UPDATE SET count = {table}.count + 1 "
        "RETURNING count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [bucket, window_start])
        return cursor.fetchone()[0]


def _count(*, scope: str, kind: str, value: str, limit, scale: float, now: datetime) -> None:
    for window in _windows(limit):
        allowed = max(1, math.ceil(window.count * scale))
        start = int(now.timestamp()) // window.seconds * window.seconds
        window_start = datetime.fromtimestamp(start, tz=UTC)
        if _hit(_bucket(scope, kind, value, window.seconds), window_start) > allowed:
            retry_after = max(1, start + window.seconds - math.floor(now.timestamp()))
            raise RateLimited(scope=scope, kind=kind, retry_after=retry_after)


def check(request, scope: str, *, email: str | None = None) -> None:
    """Count an attempt at ``scope`` from this client (and for ``email``); raise RateLimited if over a limit."""
    scale = float(getattr(settings, "RATE_LIMIT_SCALE", 1))
    if scale <= 0:
        return
    limits = limits_for(scope)
    now = timezone.now()
    ip = client_ip(request)
    normalised = (email or "").strip().lower()
    try:
        _count(scope=scope, kind="ip", value=ip, limit=limits["ip"], scale=scale, now=now)
        if normalised:
            _count(scope=scope, kind="email", value=normalised, limit=limits["email"], scale=scale, now=now)
    except RateLimited as exc:
        security_log.warning(
            "Rate limit hit: scope=%s limit=%s ip=%s email=%s retry_after=%ss",
            scope,
            exc.kind,
            ip,
            mask_email(normalised) if normalised else "-",
            exc.retry_after,
        )
        raise


def delete_old_counters(*, now: datetime | None = None) -> int:
    """Delete counters from windows long gone; the daily cleanup job calls this."""
    cutoff = (now or timezone.now()) - KEEP_COUNTERS_FOR
    deleted, _ = _counter_model().objects.filter(window_start__lt=cutoff).delete()
    return deleted
