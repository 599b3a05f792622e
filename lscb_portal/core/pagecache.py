"""Public pages kept rendered, and set aside the moment anything they show changes.

Most requests are practitioners reading the same issue, chapter or programme, with no
account and no cookies. Rendering those pages costs far more than serving them, so
``cached_page`` keeps each one's rendered bytes for ``PAGE_CACHE_SECONDS`` under a key that
holds the **content version**: the sum of ``core_contentchange.weight``.

The version changes with every committed transaction that writes a watched table: a
deferred constraint trigger on each of them (installed after every migrate by
``install_triggers``) adds one row at commit. So a booking, a publication or an edit in
the admin is on every page at once, on every app server, however it was written (a
service, the admin, ``QuerySet.update()``, ``bulk_create()`` or SQL). The version is read
before the page is built: a change committed while a page renders leaves that copy under a
version that is already old, never a stale copy under the new one. Firing at commit, the
trigger takes its only lock after every other one in the transaction, so it adds no lock
order that could deadlock. What changes with time alone (a scheduled issue going live, a
booking closing) shows within ``PAGE_CACHE_SECONDS``.

Only anonymous GET and HEAD requests without the session or messages cookie are served
from the cache, and only 200 responses that set no cookie and may be stored are kept. The
per-request parts of a page are kept as markers and filled in for each reader: the CSP
nonce (the page keeps its ``script-src 'nonce-…'`` policy) and the CSRF token of a form,
which is then valid for that reader's own cookie.
"""

import functools
import hashlib
import re

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token

CACHE_ALIAS = "pages"
TRIGGER_NAME = "core_content_changed"
MESSAGES_COOKIE_NAME = "messages"
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')

# (app label, names of models whose tables the public pages never show)
_WATCHED: dict[str, frozenset[str]] = {}


def watch(app_label: str, *, exclude: list[str] = ()) -> None:
    """Declare that the public pages show this app's tables, all but the excluded models'. Call from ``ready()``.

    A model added to the app later is watched without anyone remembering to: at worst a
    change to it sets pages aside that did not need it.
    """
    _WATCHED[app_label] = frozenset(name.lower() for name in exclude)


def watched_tables() -> list[str]:
    """The tables whose changes set the cached pages aside: every watched model's, and its many-to-many tables.

    History tables are left out: they change only with the rows they record.
    """
    from simple_history.models import HistoricalChanges

    tables = set()
    for app_label, excluded in _WATCHED.items():
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            meta = model._meta
            owner = meta.auto_created._meta if meta.auto_created else meta
            historical = issubclass(model, HistoricalChanges)
            if meta.managed and not meta.proxy and not historical and owner.model_name not in excluded:
                tables.add(meta.db_table)
    return sorted(tables)


def install_triggers(sender=None, using="default", **kwargs) -> None:
    """post_migrate (also sent by flush): put the change trigger on every watched table that lacks it.

    Also empties this process's page cache, since a flush can bring the version back to an earlier number.
    """
    from django.db import connections

    caches[CACHE_ALIAS].clear()
    db = connections[using]
    existing_tables = set(db.introspection.table_names())
    with db.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('core_note_content_change()') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # core's migrations have not reached it yet (migrating backwards, or a partial migrate)
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER_NAME])
        with_trigger = {row[0].strip('"') for row in cursor.fetchall()}
        quote = db.ops.quote_name
        with transaction.atomic(using=using):
            for table in watched_tables():
                if table in existing_tables and table not in with_trigger:
                    cursor.execute(
                        f"CREATE CONSTRAINT TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE ON {quote(table)} "
                        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_note_content_change()"
                    )


def content_version() -> int:
    """The number of committed changes to what the public pages show. One query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(weight), 0) FROM core_contentchange")
        return int(cursor.fetchone()[0])


def compact() -> int:
    """Fold every recorded change into one row; the version (their sum) stays the same. Returns rows removed."""
    with connection.cursor() as cursor:
        # Both statements run, once, whatever the outer query reads; the sum is the same before and after.
        cursor.execute(
            "WITH gone AS (DELETE FROM core_contentchange RETURNING weight), "
            "folded AS (INSERT INTO core_contentchange (weight, changed_at) "
            "SELECT SUM(weight), now() FROM gone HAVING COUNT(*) > 0) "
            "SELECT COUNT(*) FROM gone"
        )
        removed = int(cursor.fetchone()[0])
    return max(removed - 1, 0)


def _marker(name: str) -> bytes:
    return _marker_for(settings.SECRET_KEY, name)


@functools.lru_cache(maxsize=8)
def _marker_for(secret_key: str, name: str) -> bytes:
    # Derived from the secret key: the same on every server sharing a cache, unguessable from outside,
    # so text a contributor writes can never contain one.
    digest = hashlib.sha256(f"{secret_key}:pagecache:{name}".encode()).hexdigest()[:24]
    return f"@@{name}-{digest}@@".encode()


def _may_serve_from_cache(request) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE_NAME not in cookies


def _may_store(request, response) -> bool:
    """A plain 200 page that sets no cookie, may be stored, and left nothing in the session or messages."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    if (session is not None and session.modified) or (messages is not None and messages.added_new):
        return False
    cache_control = response.get("Cache-Control", "")
    return "no-store" not in cache_control and "private" not in cache_control


def _cache_key(request, version: int) -> str:
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    digest = hashlib.sha256(repr((request.path, query)).encode()).hexdigest()
    return f"page:{version}:{digest}"


class _StoredPage:
    __slots__ = ("content", "status", "headers", "has_csrf_token")

    def __init__(self, *, content: bytes, status: int, headers: list, has_csrf_token: bool):
        self.content, self.status, self.headers, self.has_csrf_token = content, status, headers, has_csrf_token

    @classmethod
    def from_response(cls, request, response, *, nonce: str) -> "_StoredPage | None":
        """The page with this reader's nonce and CSRF token as markers; None if a token is where we cannot see it.

        One render uses one masked token wherever it appears (the ``csrf_token`` context
        value is computed once), so every copy of the form's token is replaced. A token
        used with no form to find it by (in a script, say) would hand this reader's secret
        to the next: such a page is not kept.
        """
        content = response.content.replace(nonce.encode(), _marker("nonce"))
        form_token = _CSRF_INPUT.search(content)
        if form_token:
            content = content.replace(form_token.group(1), _marker("csrf"))
        elif request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return None
        return cls(
            content=content,
            status=response.status_code,
            headers=list(response.headers.items()),
            has_csrf_token=form_token is not None,
        )

    def response_for(self, request):
        content = self.content.replace(_marker("nonce"), str(request.csp_nonce).encode())
        if self.has_csrf_token:
            content = content.replace(_marker("csrf"), get_token(request).encode())
        response = HttpResponse(content, status=self.status)
        for header, value in self.headers:
            response.headers[header] = value
        return response


def cached_page(view):
    """Serve this public view's page from the cache (see the module's docstring); the view is unchanged."""

    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _may_serve_from_cache(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = _cache_key(request, content_version())
        stored = cache.get(key)
        if stored is not None:
            return stored.response_for(request)
        nonce = str(request.csp_nonce)
        response = view(request, *args, **kwargs)

        def store(rendered):
            page = _StoredPage.from_response(request, rendered, nonce=nonce) if _may_store(request, rendered) else None
            if page is not None:
                cache.set(key, page, settings.PAGE_CACHE_SECONDS)
            return rendered

        if getattr(response, "is_rendered", True):
            store(response)
        else:
            response.add_post_render_callback(store)
        return response

    return cached_view
