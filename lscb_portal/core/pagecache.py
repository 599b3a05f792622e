"""Public pages kept rendered, and set aside the moment anything they show changes.

Most requests are practitioners reading the same issue, chapter or programme, with no
account and no cookies. Rendering those pages costs far more than serving them, so
``cached_page`` keeps each one's rendered bytes for ``PAGE_CACHE_SECONDS``.

**Areas.** What the pages show is divided into areas (the board's shell, newsletters,
courses and sessions, their places, procedures, topics, organisations' names). Each app
says in ``ready()`` which area each of its tables belongs to (``watch``), and each page
says which areas it shows (``cached_page(view, shows=[…])``; every page shows the board's
shell). An area's **version** is the sum of ``core_contentchange.weight`` over its rows.

A kept page is served while the versions of its areas are those it was rendered under. A
deferred constraint trigger on each watched table (installed after every migrate by
``install_triggers``) adds one row for the table's area when a transaction that changed
what the pages show of that table commits. So a booking, a publication or an edit in the
admin is on every page that shows it at once, on every app server, however it was written
(a service, the admin, ``QuerySet.update()``, ``bulk_create()`` or SQL), and a booking
leaves the newsletters and the manual alone. A trigger only fires for the columns and rows
a page shows (``Rows``): stamping a reminder as sent, or a booker typing an organisation
that is not on the list, sets nothing aside. The versions are read before the page is
built: a change committed while a page renders leaves that copy under versions that are
already old, never a stale copy under the new ones. Firing at commit, the trigger takes its
only lock after every other one in the transaction, and inserts rather than updates, so it
adds no lock order that could deadlock. What changes with time alone (a scheduled issue
going live, a booking closing) shows within ``PAGE_CACHE_SECONDS``.

**Keys.** A copy is kept for the scheme, host, path and the query parameters the page
reads (``query=[…]``); the view sees only those, so tracking parameters neither make new
copies nor reach the page's links. Pages asked for with parameters (searches, filters,
later pages of a list) are kept in a small cache of their own (``PAGE_CACHE_QUERY_ENTRIES``),
so that crawlers asking for ever new ones cannot push the pages everyone reads out.

**Readers.** Only anonymous GET and HEAD requests without the session or messages cookie
are served from the cache, and only 200 responses that set no cookie and may be stored are
kept. The per-request parts of a page are kept as markers and filled in for each reader:
the CSP nonce (the page keeps its ``script-src 'nonce-…'`` policy) and the CSRF token of a
form, which is then valid for that reader's own cookie. Kept pages carry a weak ``ETag``
(their bytes, and for a page with a form the reader's CSRF secret): a browser asking again
with ``If-None-Match`` gets ``304 Not Modified`` without the page, and without a new
policy header, so the copy it holds keeps the policy matching its nonce.
"""

import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.http import parse_etags

CACHE_ALIAS = "pages"
QUERY_CACHE_ALIAS = "page_queries"
TRIGGER_PREFIX = "core_content_changed"
MESSAGES_COOKIE_NAME = "messages"
# The area of the board's identity and contacts, which the shell of every page shows.
BOARD = "board"
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
T = TypeVar("T")


@dataclass(frozen=True)
class Rows:
    """What the public pages show of one model's rows, when that is less than every column of every row.

    ``shown``: the only fields a page shows (a booking's session and status, which the
    places count); or ``ignored``: fields no page shows (stamps of emails sent). ``where``:
    the field values of rows a page shows at all (verified organisations), e.g.
    ``{"verified": True, "merged_into": None}``. ``area`` puts the model in another area
    than its app's.
    """

    area: str = ""
    shown: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    where: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Watch:
    area: str
    excluded: frozenset[str]
    rows: dict[str, Rows]


_WATCHED: dict[str, _Watch] = {}
# (view, the areas it shows) for each cached page, as declared by cached_page (see ``check_page_areas``).
_PAGES: list[tuple[str, tuple[str, ...]]] = []


def watch(app_label: str, *, area: str, exclude: Iterable[str] = (), rows: dict[str, Rows] | None = None) -> None:
    """Declare that the public pages show this app's tables, in ``area``, all but the excluded models'.

    Call from ``ready()``. ``rows`` narrows what is watched of some models (see ``Rows``).
    A model added to the app later is watched, in full, without anyone remembering to: at
    worst a change to it sets pages aside that did not need it.
    """
    _WATCHED[app_label] = _Watch(
        area=area,
        excluded=frozenset(name.lower() for name in exclude),
        rows={name.lower(): spec for name, spec in (rows or {}).items()},
    )


def declared_areas() -> set[str]:
    return {BOARD} | {w.area for w in _WATCHED.values()} | {r.area for w in _WATCHED.values() for r in w.rows.values()}


@dataclass(frozen=True)
class WatchedTable:
    table: str
    area: str
    model: type
    rows: Rows | None  # None: every column of every row


def watched() -> list[WatchedTable]:
    """The tables whose changes set cached pages aside: every watched model's, and its many-to-many tables.

    History tables are left out: they change only with the rows they record.
    """
    from simple_history.models import HistoricalChanges

    found = {}
    for app_label, spec in _WATCHED.items():
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            meta = model._meta
            owner = meta.auto_created._meta if meta.auto_created else meta
            historical = issubclass(model, HistoricalChanges)
            if not meta.managed or meta.proxy or historical or owner.model_name in spec.excluded:
                continue
            rows = spec.rows.get(owner.model_name)
            area = (rows.area if rows else "") or spec.area
            found[meta.db_table] = WatchedTable(
                table=meta.db_table, area=area, model=model, rows=None if meta.auto_created else rows
            )
    return [found[table] for table in sorted(found)]


def watched_tables() -> list[str]:
    return [item.table for item in watched()]


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"Rows.where takes None, booleans and integers, not {value!r}")


def _shown_image(item: WatchedTable, row: str) -> str:
    """SQL for what the pages show of ``row`` (OLD or NEW): a jsonb value, NULL for a row no page shows."""
    quote = connection.ops.quote_name
    meta = item.model._meta
    rows = item.rows or Rows()
    if rows.shown:
        columns = [meta.get_field(name).column for name in rows.shown]
        image = "jsonb_build_object({})".format(", ".join(f"'{column}', {row}.{quote(column)}" for column in columns))
    else:
        image = f"to_jsonb({row}.*)"
        if rows.ignored:
            columns = ", ".join(f"'{meta.get_field(name).column}'" for name in rows.ignored)
            image = f"({image} - ARRAY[{columns}]::text[])"
    if rows.where:
        condition = " AND ".join(
            f"{row}.{quote(meta.get_field(name).column)} IS NOT DISTINCT FROM {_literal(value)}"
            for name, value in rows.where.items()
        )
        image = f"CASE WHEN {condition} THEN {image} END"
    return image


def trigger_statements(item: WatchedTable) -> dict[str, str]:
    """The CREATE statements of the table's triggers, by trigger name (the name holds a digest of the statement).

    A deferred trigger fires at commit, once for each changed row (the function records
    the area once per transaction). The WHEN condition is checked as the row is written,
    so a change to columns or rows no page shows is not even queued.
    """
    new, old = _shown_image(item, "NEW"), _shown_image(item, "OLD")
    shows_every_row = not (item.rows and item.rows.where)
    conditions = {
        "insert": "" if shows_every_row else f"{new} IS NOT NULL",
        "update": f"{old} IS DISTINCT FROM {new}",
        "delete": "" if shows_every_row else f"{old} IS NOT NULL",
    }
    statements = {}
    for event, condition in conditions.items():
        when = f"WHEN ({condition}) " if condition else ""
        body = (
            f"AFTER {event.upper()} ON {connection.ops.quote_name(item.table)} DEFERRABLE INITIALLY DEFERRED "
            f"FOR EACH ROW {when}EXECUTE FUNCTION core_note_content_change('{item.area}')"
        )
        name = f"{TRIGGER_PREFIX}_{event}_{hashlib.sha256(body.encode()).hexdigest()[:10]}"
        statements[name] = f"CREATE CONSTRAINT TRIGGER {name} {body}"
    return statements


def _present_triggers(cursor) -> set[tuple[str, str]]:
    cursor.execute(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal",
        [TRIGGER_PREFIX + "%"],
    )
    return {(table.strip('"'), name) for table, name in cursor.fetchall()}


def remove_triggers(sender=None, using="default", plan=None, **kwargs) -> None:
    """pre_migrate: take the triggers off while migrations run (``install_triggers`` puts them back after).

    A migration that writes rows and then alters the same table in one transaction (a data
    migration before an index) would otherwise fail: Postgres refuses to alter a table with
    trigger events still pending.
    """
    from django.db import connections

    if not plan:
        return
    db = connections[using]
    quote = db.ops.quote_name
    with db.cursor() as cursor, transaction.atomic(using=using):
        for table, name in sorted(_present_triggers(cursor)):
            cursor.execute(f"DROP TRIGGER {quote(name)} ON {quote(table)}")


def install_triggers(sender=None, using="default", plan=None, **kwargs) -> None:
    """post_migrate (also sent by flush): give every watched table the triggers it should have, and no others.

    After migrations have run, every area moves once: they may have changed anything, with the
    triggers off. Also empties this process's page caches, since a flush can bring versions back
    to earlier numbers.
    """
    from django.db import connections

    for alias in (CACHE_ALIAS, QUERY_CACHE_ALIAS):
        caches[alias].clear()
    _fragments.clear()
    db = connections[using]
    existing_tables = set(db.introspection.table_names())
    with db.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('core_note_content_change()') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # core's migrations have not reached it yet (migrating backwards, or a partial migrate)
        present = _present_triggers(cursor)
        wanted = {}
        for item in watched():
            if item.table in existing_tables:
                for name, statement in trigger_statements(item).items():
                    wanted[(item.table, name)] = statement
        quote = db.ops.quote_name
        with transaction.atomic(using=using):
            for table, name in sorted(present - wanted.keys()):
                cursor.execute(f"DROP TRIGGER {quote(name)} ON {quote(table)}")
            for key in sorted(wanted.keys() - present):
                cursor.execute(wanted[key])
            if plan:
                cursor.execute(
                    "INSERT INTO core_contentchange (area, weight, changed_at) SELECT unnest(%s::text[]), 1, now()",
                    [sorted(declared_areas())],
                )


def versions(areas: Iterable[str], request=None) -> tuple[int, ...]:
    """Each area's version, in the order given: how many committed changes to what it shows.

    One query reads every area's; given the request, it is read once for the request (the page
    and its fragments are checked against the same versions).
    """
    found = getattr(request, "_content_versions", None)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT area, SUM(weight) FROM core_contentchange GROUP BY area")
            found = {area: int(total) for area, total in cursor.fetchall()}
        if request is not None:
            request._content_versions = found
    return tuple(found.get(area, 0) for area in areas)


def compact() -> int:
    """Fold each area's recorded changes into one row, keeping its version (their sum). Returns rows removed."""
    with connection.cursor() as cursor:
        # Both statements run, once, whatever the outer query reads; each area's sum is the same before and after.
        cursor.execute(
            "WITH gone AS (DELETE FROM core_contentchange RETURNING area, weight), "
            "folded AS (INSERT INTO core_contentchange (area, weight, changed_at) "
            "SELECT area, SUM(weight), now() FROM gone GROUP BY area) "
            "SELECT COUNT(*) - COUNT(DISTINCT area) FROM gone"
        )
        return int(cursor.fetchone()[0])


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


def _only(query: QueryDict, names: tuple[str, ...]) -> QueryDict:
    """``query`` with only the parameters a page reads (the same object when it has no others)."""
    if all(key in names for key in query):
        return query
    kept = QueryDict(mutable=True)
    for name in names:
        if name in query:
            kept.setlist(name, query.getlist(name))
    kept._mutable = False
    return kept


def _cache_key(request) -> str:
    """The copy's key: scheme, host, path and the parameters the page reads (in any order)."""
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    digest = hashlib.sha256(repr((request.scheme, request.get_host(), request.path, query)).encode()).hexdigest()
    return f"page:{digest}"


def _cache_for(request):
    """The small cache for pages asked for with parameters; the main one for the rest."""
    return caches[QUERY_CACHE_ALIAS if request.GET else CACHE_ALIAS]


def _csrf_tag(request) -> str:
    # Ties a page with a form to the reader's CSRF secret (its cookie), without showing the secret.
    secret = request.META.get("CSRF_COOKIE") or ""
    return salted_hmac("lscb.pagecache.etag", secret).hexdigest()[:16] if secret else ""


class _StoredPage:
    __slots__ = ("content", "status", "headers", "has_csrf_token", "versions", "digest")

    def __init__(self, *, content: bytes, status: int, headers: list, has_csrf_token: bool, versions: tuple):
        self.content, self.status, self.headers = content, status, headers
        self.has_csrf_token, self.versions = has_csrf_token, versions
        self.digest = hashlib.sha256(content).hexdigest()[:20]

    @classmethod
    def from_response(cls, request, response, *, nonce: str, versions: tuple) -> "_StoredPage | None":
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
            versions=versions,
        )

    def etag(self, request) -> str:
        """Weak: the bytes differ for each reader (nonce, token) but mean the same."""
        tag = f"{self.digest}-{_csrf_tag(request)}" if self.has_csrf_token else self.digest
        return f'W/"{tag}"'

    def is_held_by(self, request) -> bool:
        wanted = request.headers.get("If-None-Match")
        if not wanted or (self.has_csrf_token and not request.META.get("CSRF_COOKIE")):
            return False
        ours = self.etag(request).removeprefix("W/")
        return any(tag.removeprefix("W/") == ours for tag in parse_etags(wanted))

    def not_modified(self, request):
        response = HttpResponseNotModified()
        for header, value in self.headers:
            if header.lower() in ("vary", "cache-control"):
                response.headers[header] = value
        _mark_revalidate(response, self.etag(request))
        # The reader keeps the copy it holds, whose nonce matches the policy that came with it.
        response._csp_exempt = response._csp_exempt_ro = True
        return response

    def response_for(self, request):
        content = self.content.replace(_marker("nonce"), str(request.csp_nonce).encode())
        if self.has_csrf_token:
            content = content.replace(_marker("csrf"), get_token(request).encode())
        response = HttpResponse(content, status=self.status)
        for header, value in self.headers:
            response.headers[header] = value
        _mark_revalidate(response, self.etag(request))
        return response


def _mark_revalidate(response, etag: str) -> None:
    # Each copy carries its reader's nonce and token: browsers may keep it and ask again, shared caches may not.
    response.headers["ETag"] = etag
    response.headers.setdefault("Cache-Control", "private, no-cache")


def cached_page(view=None, *, shows: Iterable[str], query: Iterable[str] = ()):
    """Serve this public view's page from the cache (see the module's docstring).

    ``shows``: the areas the page shows besides the board's shell; ``query``: the
    parameters it reads (the view sees no others). ``cached_page(view, shows=[…])`` or as
    a decorator with arguments.
    """
    areas = tuple(sorted({BOARD, *shows}))
    names = tuple(query)

    def decorate(view):
        _PAGES.append((f"{view.__module__}.{getattr(view, '__qualname__', type(view).__qualname__)}", areas))

        @functools.wraps(view)
        def cached_view(request, *args, **kwargs):
            request.GET = _only(request.GET, names)
            if not _may_serve_from_cache(request):
                return view(request, *args, **kwargs)
            cache = _cache_for(request)
            key = _cache_key(request)
            current = versions(areas, request)
            stored = cache.get(key)
            if stored is not None and stored.versions == current:
                if stored.is_held_by(request):
                    return stored.not_modified(request)
                return stored.response_for(request)
            nonce = str(request.csp_nonce)
            response = view(request, *args, **kwargs)

            def store(rendered):
                kept = _may_store(request, rendered)
                page = _StoredPage.from_response(request, rendered, nonce=nonce, versions=current) if kept else None
                if page is not None:
                    cache.set(key, page, settings.PAGE_CACHE_SECONDS)
                    _mark_revalidate(rendered, page.etag(request))
                return rendered

            if getattr(response, "is_rendered", True):
                store(response)
            else:
                response.add_post_render_callback(store)
            return response

        return cached_view

    return decorate(view) if view is not None else decorate


@checks.register(checks.Tags.urls)
def check_page_areas(app_configs=None, **kwargs) -> list:
    """Every area a cached page names is one that some app watches (a misspelt area would never change)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconfs, which declare the pages
    known = declared_areas()
    return [
        checks.Error(f"{page} shows the area {area!r}, which no app watches.", id="core.E101")
        for page, areas in _PAGES
        for area in areas
        if area not in known
    ]


class _Fragments:
    """This process's kept fragments: key → (versions, kept until, value), the least recently used dropped first."""

    def __init__(self):
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, current: tuple):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != current or entry[1] < time.time():
                return _MISSING
            self.entries.move_to_end(key)
            return entry[2]

    def set(self, key, current: tuple, value) -> None:
        with self.lock:
            self.entries[key] = (current, time.time() + settings.PAGE_FRAGMENT_SECONDS, value)
            self.entries.move_to_end(key)
            while len(self.entries) > settings.PAGE_FRAGMENT_ENTRIES:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_MISSING = object()
_fragments = _Fragments()


def fragment(request, key: tuple, *, shows: Iterable[str], build: Callable[[], T]) -> T:
    """``build()``, kept in this process while the versions of the areas it ``shows`` stay as they were.

    For the parts of a page that show fewer areas than the page: the board's shell on every page,
    an issue's articles beside its live training places, the programme's topics. When a write
    sets a page aside, its re-render builds again only the parts showing what changed. Kept at
    most ``PAGE_FRAGMENT_SECONDS`` (0 turns fragments off; off with ``DEBUG``), so what comes
    with time alone shows as late as on a kept page. The versions are read before ``build``
    runs, as for pages; nothing built inside an open transaction is kept (it may yet roll back).
    A value is shared by every request in the process that finds it: treat it as read-only.
    """
    if settings.PAGE_FRAGMENT_SECONDS <= 0:
        return build()
    current = versions(sorted(set(shows)), request)
    value = _fragments.get(key, current)
    if value is _MISSING:
        value = build()
        if not connection.in_atomic_block:
            _fragments.set(key, current, value)
    return value
