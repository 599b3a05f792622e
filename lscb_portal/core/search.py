"""Full-text search helpers: one stored-vector recipe, one ranking and one result shape for every app.

Each searchable model keeps a generated, stored ``tsvector`` (english
configuration; weight A its title, B headings and summary, C body) with a GIN
index, and plain-text copies of its rich text for the vector and the snippets.

``search(queryset, q)`` filters, ranks and annotates a queryset: matches in the
title, headings or summary (tier 1) come before matches in the body only
(tier 0), then by ``ts_rank``. Each app exports a ``SearchSource`` for each kind
of thing it lets readers find; ``SearchResults`` merges any of them into one
ordered list of ``SearchResult``, computing snippets only for the rows shown.
The site search and each app's own search page read the same sources through
it, so a thing is found, ranked and shown alike wherever it is searched for.

A source named by a ``statement_key`` has its ranking query, and the query
reading a page's rows with their snippets, compiled once per process, with
stand-ins for the words searched for, the time its queryset was built for and
the page's ids, which each search fills in: building and compiling a query
through the ORM cost several times what Postgres takes to run it.
"""

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, reduce
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Case, Count, F, Func, IntegerField, QuerySet, Value, When, Window
from django.db.models.functions import Replace
from django.db.models.query import get_related_populators
from django.utils.safestring import mark_safe

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# ts_rank's weights, in Postgres's order {D, C, B, A}: A title, B headings and summary, C body.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
SNIPPET_WORDS = 35
# Snippets come from the opening characters of a text (about 250 words) when they hold a match...
SNIPPET_OPENING_CHARS = 1500
# ...read in these steps, each only when the shorter holds no match: the summary and first paragraph hold it for
# most results, and a headline costs about 0.15 ms for each thousand characters it reads (a page shows 20).
SNIPPET_OPENINGS = (500, SNIPPET_OPENING_CHARS)
# ...and otherwise from at most this many after the opening: a very long chapter is not read whole (a match
# further on still finds the result; its snippet is then the opening, unmarked).
SNIPPET_SCAN_CHARS = 12000
# The site search lists at most this many results (50 pages of 20): nobody reads further,
# and each deeper page costs more.
MAX_RESULTS = 1000

# Postgres puts these around matched words in a headline; the text is escaped and
# they become <mark>. Control characters, removed from queries and from the text
# before the headline is made, so they can only come from Postgres.
_START, _STOP = "\x02", "\x03"
# Postgres's headline parser reads "<…>" as markup: it drops "<script>" and what follows it, so a text
# that speaks of "<script>" lost its words and its highlight. Angle brackets stand in as these
# (which its parser counts as spaces) while the headline is made, and come back escaped.
_LT, _GT = "\x04", "\x05"


def _angle_brackets_as_spaces(field: str) -> Replace:
    # Postgres's parser reads "<…>" as markup: "<script>" and every word after it would be left out.
    without_lt = Replace(F(field), Value("<"), Value(" "), output_field=models.TextField())
    return Replace(without_lt, Value(">"), Value(" "), output_field=models.TextField())


def weighted_vector(*, a: list[str], b: list[str] = (), c: list[str] = ()):
    """setweight(to_tsvector('english', …)) for each field, A title, B headings/summary, C body.

    Angle brackets count as spaces, so a text that speaks of "<script>" keeps its words.
    """
    parts = [
        SearchVector(_angle_brackets_as_spaces(field), weight=weight, config=CONFIG)
        for weight, fields in (("A", a), ("B", b), ("C", c))
        for field in fields
    ]
    return reduce(lambda vector, part: vector + part, parts)


def search_vector_field(*, a: list[str], b: list[str] = (), c: list[str] = ()) -> models.GeneratedField:
    """A stored generated tsvector column; add ``search_vector_index(name=…)`` to Meta.indexes.

    The columns must hold plain text: keep e.g. ``body_text`` and ``headings_text``
    filled from the rich text (``plain_text``, ``heading_text``) in ``save()``.
    """
    return models.GeneratedField(
        expression=weighted_vector(a=a, b=b, c=c),
        output_field=SearchVectorField(),
        db_persist=True,
    )


def search_vector_index(*, name: str, field: str = "search_vector") -> GinIndex:
    """The GIN index of a search vector, updated as each row is written (no pending list).

    With GIN's default ``fastupdate``, new rows wait in an unsorted pending list
    until a vacuum, and every search reads the whole list: on a board just
    loaded, or after a busy day of edits, that costs more than reading the
    table, so Postgres stops using the index. Searches far outnumber edits here.
    """
    return GinIndex(fields=[field], name=name, fastupdate=False)


@dataclass(frozen=True)
class SearchResult:
    """One hit, in the one shape every search page shows, whichever app it comes from."""

    kind: str  # "Newsletter article", "Procedure", "Training course"…
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matches
    date: date | datetime | None
    rank: float
    tier: int = 0  # 1 when the title, headings or summary matched; sorts before rank
    context: str = ""  # where it is: the issue an article is in, the section of a chapter that matched
    date_label: str = ""  # the date as readers know it ("March 2018"), when not the date itself


# websearch_to_tsquery reads a "-" where a word may start as "not", skipping spaces and the characters
# !&|()< that follow, so "- - -x" is "not not not x"; its parser keeps at most 32 of them in a row and
# answers more with an error ("tsquery stack too small"). Such a row, starting at the beginning or after
# a space, one of those characters or a quote.
_NOT_ROW = re.compile(r'(?<![^\s!&|()<"])-[-\s!&|()<]*')


def _one_not_at_most(row: re.Match) -> str:
    # Two nots cancel out: an even row says nothing, an odd one is a single "-".
    return " -" if row.group().count("-") % 2 else " "


def _tidy_query(q: Any) -> str:
    if q is None:
        return ""
    text = "".join(" " if unicodedata.category(char) in {"Cc", "Cs"} else char for char in str(q))
    text = _NOT_ROW.sub(_one_not_at_most, " ".join(text.split()))
    return " ".join(text.split())


def clean_query(q: Any) -> str:
    """Any input as a query Postgres accepts: no NUL or control characters, single spaces, no row of more
    than one "-" before a word, 200 characters."""
    return " ".join(_tidy_query(q)[:MAX_QUERY_LENGTH].split())


def query_was_cut(q: Any) -> bool:
    """Whether ``clean_query`` kept only the first 200 characters of ``q`` (a page should say so)."""
    return len(_tidy_query(q)) > MAX_QUERY_LENGTH


def search_query(q: str) -> SearchQuery:
    """websearch_to_tsquery('english', q): "quoted phrases", or, -not; never a syntax error."""
    return SearchQuery(clean_query(q), search_type="websearch", config=CONFIG)


class SafeHTMLField(models.TextField):
    """An annotation holding HTML built safely in SQL: read back as a SafeString."""

    def from_db_value(self, value, expression, connection):
        return value if value is None else mark_safe(value)


class _WeightsAB(Func):
    """ts_filter(vector, '{a,b}'): the part of a vector from titles, headings and summaries."""

    function = "ts_filter"
    template = "%(function)s(%(expressions)s, '{a,b}'::\"char\"[])"
    output_field = SearchVectorField()


class _AnyOf(Func):
    """``expression = ANY(%s)``, the values one array parameter: the query reads the same whatever their number,
    so a page's rows are read by one statement, compiled and prepared once, however many a source has on it."""

    output_field = models.BooleanField()

    def __init__(self, expression, values: list, *, of: models.Field):
        super().__init__(expression)
        self.values, self.of = values, of

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"{sql} = ANY(%s::{self.of.cast_db_type(connection)}[])", (*params, self.values)


class Snippet(Func):
    """ts_headline of a plain-text column (about ``words`` words), escaped, with <mark> around the matches.

    The escaping happens in SQL, so the value is safe HTML even when the text
    holds markup ("<script>" typed as words).

    Postgres parses the whole text to make a headline, which costs more than
    anything else on a page of results, so the headline comes from the
    text's opening 500 characters, else its opening ``SNIPPET_OPENING_CHARS``
    (each cut at a word), and from the ``SNIPPET_SCAN_CHARS`` after that only
    when neither holds a match.
    """

    output_field = SafeHTMLField()

    def __init__(self, expression, query: SearchQuery, *, words: int = SNIPPET_WORDS):
        super().__init__(expression, query)
        self.words = max(5, int(words))

    def as_sql(self, compiler, connection, **extra_context):
        text, query = self.get_source_expressions()
        text_sql, text_params = compiler.compile(text)
        query_sql, query_params = compiler.compile(query)
        # Up to two passages around the matches, each half the words, so the whole
        # snippet stays within ``words``.
        per_passage = max(3, self.words // 2)
        options = _sql_constant(
            f"StartSel={_START}, StopSel={_STOP}, MaxWords={per_passage}, "
            f"MinWords={max(1, per_passage // 2)}, ShortWord=3, MaxFragments=2, "
            'FragmentDelimiter=" … "'
        )
        start, stop, lt, gt = (_sql_constant(marker) for marker in (_START, _STOP, _LT, _GT))
        # The text as the headline reads it (control characters out, angle brackets as stand-ins, see _LT), made
        # only as long as each pass reads: each opening in turn, and the scan, only for a row whose shorter
        # openings hold no match. Only compiled SQL and the module's constants are interpolated; the text and
        # the words searched for are parameters. The constants are written into the SQL, so a page's query
        # has few parameters and the driver reuses its parsed form from one search to the next.
        # OFFSET 0 keeps Postgres from folding each subquery into the expressions above it, which would make the
        # text, or a headline, again for every use.
        # (regexp_replace and replace, each a tenth of the time translate() takes over the same text)
        markers = _sql_constant(f"[{_START}{_STOP}{_LT}{_GT}]")
        config = _sql_constant(CONFIG)

        def headline(plain_sql: str) -> tuple[str, tuple]:
            plain = f"replace(replace(regexp_replace({plain_sql}, {markers}, '', 'g'), '<', {lt}), '>', {gt})"
            return f"ts_headline({config}::regconfig, {plain}, {query_sql}, {options})", tuple(query_params)

        def passes(level: int) -> tuple[str, tuple]:
            if level == len(SNIPPET_OPENINGS):
                # The scan reads on from where the longest opening stopped (before the word its limit cut), and
                # gives way to that opening when it finds no match either (a match in the title only, or further on).
                scan_sql, scan_params = headline(f"substr(source.text, length(opening.cut) + 1, {SNIPPET_SCAN_CHARS})")
                return (
                    f"(SELECT CASE WHEN strpos(scan.headline, {start}) > 0 THEN scan.headline "  # noqa: S608
                    f"ELSE opening.headline END FROM (SELECT {scan_sql} AS headline OFFSET 0) AS scan)",
                    scan_params,
                )
            limit = SNIPPET_OPENINGS[level]
            cut_sql = (
                f"CASE WHEN length(source.text) > {limit} "
                f"THEN regexp_replace(left(source.text, {limit + 1}), '\\S*$', '') ELSE source.text END"
            )
            opening_sql, opening_params = headline("cut.cut")
            longer_sql, longer_params = passes(level + 1)
            return (
                f"(SELECT CASE WHEN strpos(opening.headline, {start}) > 0 OR length(source.text) <= {limit} "  # noqa: S608
                f"THEN opening.headline ELSE {longer_sql} END "
                f"FROM (SELECT {opening_sql} AS headline, cut.cut "
                f"FROM (SELECT {cut_sql} AS cut OFFSET 0) AS cut OFFSET 0) AS opening)",
                (*longer_params, *opening_params),
            )

        passes_sql, passes_params = passes(0)
        sql = f"(SELECT {passes_sql} FROM (SELECT COALESCE({text_sql}, '') AS text OFFSET 0) AS source)"  # noqa: S608
        params = (*passes_params, *text_params)
        for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("''", "&#x27;")):
            sql = f"replace({sql}, '{character}', '{entity}')"
        sql = f"replace(replace({sql}, {start}, '<mark>'), {stop}, '</mark>')"
        sql = f"replace(replace({sql}, {lt}, '&lt;'), {gt}, '&gt;')"
        return sql, params


def _sql_constant(value: str) -> str:
    """One of this module's constant strings as SQL: quoted, each control character as chr(n) (folded by the
    planner), "%" doubled for the driver's placeholders. Never for what a reader typed: that is a parameter."""
    parts = []
    for piece in re.split(r"([\x00-\x1f])", value):
        if len(piece) == 1 and ord(piece) < 0x20:
            parts.append(f"chr({ord(piece)})")
        elif piece:
            parts.append("'" + piece.replace("'", "''").replace("%", "%%") + "'")
    return "(" + " || ".join(parts or ["''"]) + ")"


def search(
    queryset: QuerySet,
    q: str,
    *,
    vector: str = "search_vector",
    headline_field: str | Any | None = "body_text",
    snippet_words: int = SNIPPET_WORDS,
) -> QuerySet:
    """The rows of ``queryset`` matching ``q``, best first.

    Annotated with ``rank`` (ts_rank, weights A 1.0, B 0.4, C 0.2, D 0.1),
    ``tier`` (1 when the title, headings or summary match, else 0) and
    ``snippet`` (safe HTML from ``headline_field``, a column name or an
    expression; "" when None), ordered by tier, rank, then primary key. Postgres
    makes the snippets after sorting and slicing, so only for the rows
    returned. Any input is answered: an empty or stopword-only query matches
    nothing.
    """
    q = clean_query(q)
    query = SearchQuery(q, search_type="websearch", config=CONFIG)
    snippet = _snippet(headline_field, query, words=snippet_words)
    if not q:
        return queryset.annotate(
            rank=Value(0.0, output_field=models.FloatField()),
            tier=Value(0, output_field=IntegerField()),
            snippet=Value("", output_field=SafeHTMLField()),
        ).none()
    return (
        queryset.filter(**{vector: query})
        .annotate(
            rank=SearchRank(F(vector), query, weights=RANK_WEIGHTS),
            tier=Case(
                When(SearchVectorExact(_WeightsAB(F(vector)), query), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            snippet=snippet,
        )
        .order_by("-tier", "-rank", "pk")
    )


def _snippet(headline_field: str | Any | None, query: SearchQuery, *, words: int):
    if headline_field is None:
        return Value("", output_field=SafeHTMLField())
    text = F(headline_field) if isinstance(headline_field, str) else headline_field
    return Snippet(text, query, words=words)


def _value(obj, path: str | Callable | None):
    if path is None:
        return None
    if callable(path):
        return path(obj)
    for name in path.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


# What a kept query holds in place of the words searched for while it is compiled: a private-use character
# (which a query keeps) around a word, so it equals no other parameter; and in place of a page's ids, a list
# holding one id no row has.
_QUERY_STANDIN = "\ue000query\ue000"
_IDS_STANDIN = [-7_301_964]
_QUERY, _NOW, _IDS = object(), object(), object()


@dataclass(frozen=True)
class _Statement:
    """A source's query compiled once: its SQL, and each parameter a constant or a stand-in; for a page's rows,
    how they become model instances."""

    sql: str
    slots: tuple
    reader: "_RowReader | None" = None

    @classmethod
    def made(cls, sql: str, params: list, *, now: datetime | None, reader=None) -> "_Statement | bool":
        """The statement, or False when a parameter holds a value it could not fill in (another time)."""
        slots = []
        for param in params:
            if isinstance(param, str) and param == _QUERY_STANDIN:
                slots.append(_QUERY)
            elif isinstance(param, datetime) and now is not None and param == now:
                slots.append(_NOW)
            elif isinstance(param, list) and param == _IDS_STANDIN:
                slots.append(_IDS)
            elif isinstance(param, date) or (isinstance(param, str) and _QUERY_STANDIN in param):
                return False
            else:
                slots.append(param)
        return cls(sql=sql, slots=tuple(slots), reader=reader)

    def filled(self, *, q: str, now: datetime | None, ids: list | None = None) -> list:
        return [q if slot is _QUERY else now if slot is _NOW else ids if slot is _IDS else slot for slot in self.slots]


class _RowReader:
    """How the columns of a kept page-rows query become model instances, with the rows selected with them and the
    annotations (the snippets): worked out once from its compiler, as Django's ModelIterable works it out for every
    query it runs. Columns a query adds after its own (a distinct query ordered by an expression) come last, unread."""

    def __init__(self, compiler, using: str):
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model, self.using, self.own = klass_info["model"], using, slice(first, last)
        self.names = [column[0].target.attname for column in select[first:last]]
        self.related = get_related_populators(klass_info, select, using)
        self.annotations = list(compiler.annotation_col_map.items())
        self.converters = list(compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items())

    def objects(self, rows: list[tuple], connection) -> list:
        objects = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (functions, expression) in self.converters:
                    for convert in functions:
                        row[position] = convert(row[position], expression, connection)
            obj = self.model.from_db(self.using, self.names, row[self.own])
            for populator in self.related:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class _Kept(OrderedDict):
    """The statements compiled, the most recently used kept (a source's kinds and depths are few)."""

    limit = 500

    def keep(self, key, statement) -> None:
        self[key] = statement
        while len(self) > self.limit:
            self.popitem(last=False)


_statements = _Kept()


@dataclass(frozen=True)
class SearchSource:
    """One kind of thing readers can search for, exported by the app that owns it, e.g.::

        SearchSource(
            kind="Newsletter article",
            queryset=Article.objects.published().select_related("issue__series"),
            date="issue__issue_date",
        )

    ``queryset`` is "what the public may see", or a function that makes it: a source
    whose ranking query is kept (below) then builds it only for a page that shows its
    rows. ``title``, ``date``, ``context`` and
    ``date_label`` are attribute paths ("issue__issue_date") or callables; ``url`` a
    callable, by default ``get_absolute_url()``. ``also_read`` names long columns a
    subclass's ``to_result`` needs, which the rows shown are otherwise read without.

    ``statement_key`` names the queryset's shape: give one only when the queryset is
    built the same way for every search, depending on nothing but ``now`` (the time
    it was built for, e.g. ``published(now=now)``). Its ranking query and its page
    rows query are then compiled once per process and filled in for each search
    (``ranking_sql``, ``page_objects``).
    """

    kind: str
    queryset: QuerySet | Callable[[], QuerySet]
    title: str | Callable[[Any], str] = "title"
    date: str | Callable[[Any], date | datetime | None] | None = None
    url: Callable[[Any], str] | None = None
    context: str | Callable[[Any], str] | None = None
    date_label: str | Callable[[Any], str] | None = None
    vector: str = "search_vector"
    headline_field: str | Any | None = "body_text"
    snippet_words: int = SNIPPET_WORDS
    also_read: tuple[str, ...] = ()
    statement_key: str = ""
    now: datetime | None = None

    @cached_property
    def rows(self) -> QuerySet:
        """``queryset``, made on first use when it was given as a function."""
        return self.queryset() if callable(self.queryset) else self.queryset

    def ranking(self, q: str, *, index: int, depth: int) -> QuerySet:
        """Rows ``(index, pk, tier, rank, total)``: the best ``depth`` matches, each with the number of matches.

        With ``depth=0``, one row (any match, tier and rank 0) for the count only.
        Made to be one branch of a UNION ALL across sources.
        """
        total = Window(Count("pk"))
        if depth:
            ranked = search(self.rows, q, vector=self.vector, headline_field=None)
            rows = ranked.annotate(source=Value(index), total=total)
        else:
            rows = (
                self.rows.filter(**{self.vector: search_query(q)})
                .annotate(
                    source=Value(index),
                    tier=Value(0, output_field=IntegerField()),
                    rank=Value(0.0, output_field=models.FloatField()),
                    total=total,
                )
                .order_by()
            )
        return rows.values_list("source", "pk", "tier", "rank", "total")[: depth or 1]

    def ranking_sql(self, q: str, *, index: int, depth: int) -> tuple[str, list]:
        """The SQL and parameters of ``ranking()``: for a source with a ``statement_key``, compiled once per
        process and filled in with ``q`` and ``now``; compiled afresh otherwise."""
        statement = self._kept(
            (index, depth),
            lambda: _Statement.made(*self._compiled_ranking(_QUERY_STANDIN, index=index, depth=depth), now=self.now),
        )
        if not statement:
            return self._compiled_ranking(q, index=index, depth=depth)
        params = self._filled(
            statement, "ranking", q=q, fresh=lambda: self._compiled_ranking(q, index=index, depth=depth)
        )
        return statement.sql, params

    def _kept(self, shape: tuple, compile_statement: Callable[[], "_Statement | bool"]) -> "_Statement | bool":
        """The statement of one of this source's queries, compiled on first use; False without a ``statement_key``
        or when it holds a value it could not fill in."""
        if not self.statement_key:
            return False
        key = (self.statement_key, *shape)
        statement = _statements.get(key)
        if statement is None:
            statement = compile_statement()
            _statements.keep(key, statement)
        return statement

    def _filled(self, statement: "_Statement", what: str, *, q: str, fresh: Callable, ids: list | None = None) -> list:
        """A kept statement's parameters for this search; with ``SEARCH_CHECK_STATEMENTS`` (every test), an error
        unless ``fresh()`` compiles the same SQL and parameters, so a source changed under its key is caught."""
        params = statement.filled(q=clean_query(q), now=self.now, ids=ids)
        if getattr(settings, "SEARCH_CHECK_STATEMENTS", False) and (statement.sql, params) != tuple(fresh()):
            raise AssertionError(f"the kept {what} query of {self.statement_key!r} no longer matches its source")
        return params

    def _compiled_ranking(self, q: str, *, index: int, depth: int) -> tuple[str, list]:
        rows = self.ranking(q, index=index, depth=depth)
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
        return sql, list(params)

    def page_rows(self, q: str, pks: list) -> QuerySet:
        """The rows ``pks`` with their snippets, for a page of results (no ranking: it is known already)."""
        rows = self.rows.filter(_AnyOf(F("pk"), pks, of=self.rows.model._meta.pk)).order_by()
        snippet = _snippet(self.headline_field, search_query(q), words=self.snippet_words)
        return rows.annotate(snippet=snippet).defer(*self._unshown_fields(rows))

    def page_objects(self, q: str, pks: list, *, using: str) -> list:
        """The objects of ``page_rows()``: for a source with a ``statement_key``, read by its query compiled once
        per process and filled in with ``q``, ``now`` and ``pks``; through the ORM otherwise."""
        statement = self._kept(("rows", using), lambda: self._page_rows_statement(using))
        if not statement:
            return list(self.page_rows(q, pks).using(using))
        params = self._filled(
            statement, "rows", q=q, ids=pks, fresh=lambda: self._compiled_page_rows(q, pks, using)[:2]
        )
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        return statement.reader.objects(rows, connection)

    def _page_rows_statement(self, using: str) -> "_Statement | bool":
        sql, params, compiler = self._compiled_page_rows(_QUERY_STANDIN, _IDS_STANDIN, using)
        return _Statement.made(sql, params, now=self.now, reader=_RowReader(compiler, using))

    def _compiled_page_rows(self, q: str, pks: list, using: str) -> tuple[str, list, Any]:
        rows = self.page_rows(q, pks).using(using)
        compiler = rows.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return sql, list(params), compiler

    def _unshown_fields(self, queryset: QuerySet) -> list[str]:
        """The long columns of the rows read (text, JSON, vectors), of their model and the ones selected with it.

        A result shows a title, a date and a link, never these; the snippet is
        made from them in SQL. What is given as a path, and ``also_read``, is still read.
        """
        wanted = {path for path in (self.title, self.date, self.context, self.date_label) if isinstance(path, str)}
        wanted.update(self.also_read)
        unshown = []

        def walk(model, prefix: str, related) -> None:
            for model_field in model._meta.concrete_fields:
                path = prefix + model_field.name
                if path not in wanted and isinstance(
                    model_field, models.TextField | models.JSONField | models.GeneratedField | SearchVectorField
                ):
                    unshown.append(path)
            if isinstance(related, dict):
                for name, deeper in related.items():
                    walk(model._meta.get_field(name).related_model, f"{prefix}{name}__", deeper)

        walk(queryset.model, "", queryset.query.select_related)
        return unshown

    def to_result(self, obj) -> SearchResult:
        """A row from ``page_rows()`` (with its snippet, and its rank and tier set) as a SearchResult."""
        return SearchResult(
            kind=self.kind,
            title=str(_value(obj, self.title) or ""),
            url=self.url(obj) if self.url else obj.get_absolute_url(),
            snippet=mark_safe(getattr(obj, "snippet", "") or ""),
            date=_value(obj, self.date),
            rank=float(getattr(obj, "rank", 0.0) or 0.0),
            tier=int(getattr(obj, "tier", 0) or 0),
            context=str(_value(obj, self.context) or ""),
            date_label=str(_value(obj, self.date_label) or ""),
        )


class SearchResults(Sequence):
    """Every match for ``q`` across ``sources``, best first, as a lazy sequence of SearchResult.

    Made for Django's Paginator (or a slice of the best few), in two queries whatever the number of sources
    and of matches, plus one per source on the page: one ranking query (a
    UNION ALL of every source's best ``depth`` rows, ranked without snippets,
    each row carrying its source's number of matches, so counting costs no
    query of its own), then, for the slice shown, one fetch per source of its
    rows with their snippets: a page of 20 makes 20 snippets whatever the
    number of matches. ``counted`` sources are only counted, in the same
    ranking query (the site search's kinds filtered out, whose counts the
    filter still shows); ``counts()`` gives every source's number of matches.

    ``depth`` is how many rows of each source the first ranking reads: the last
    row the page shown needs (``depth_for_page`` works it out from the page
    number). A slice deeper than that ranks again, once, as deep as it needs.
    """

    def __init__(
        self,
        q: str,
        sources: Sequence[SearchSource],
        *,
        counted: Sequence[SearchSource] = (),
        limit: int = MAX_RESULTS,
        depth: int = 20,
        using: str = DEFAULT_DB_ALIAS,
    ):
        self.q = clean_query(q)
        self.using = using
        self.sources = list(sources)
        self.counted = list(counted)
        self.limit = limit
        self.depth = max(1, min(depth, limit))
        self._ranked: list[tuple] | None = None  # (-tier, -rank, source index, pk), sorted
        self._ranked_depth = 0
        self._totals: list[int] = []

    def _rank(self, depth: int) -> None:
        branches = [source.ranking_sql(self.q, index=index, depth=depth) for index, source in enumerate(self.sources)]
        branches += [
            source.ranking_sql(self.q, index=index, depth=0)
            for index, source in enumerate(self.counted, start=len(self.sources))
        ]
        # UNION ALL of the branches, each in brackets (each has its own ORDER BY and LIMIT), as Django writes it.
        sql = " UNION ALL ".join(f"({branch_sql})" for branch_sql, _ in branches)
        params = [param for _, branch_params in branches for param in branch_params]
        with _bound_by_postgres(self.using) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        totals = [0] * len(branches)
        ranked = []
        for index, pk, tier, rank, total in rows:
            totals[index] = total
            if index < len(self.sources):
                ranked.append((-tier, -rank, index, pk))
        ranked.sort()
        self._ranked, self._ranked_depth, self._totals = ranked, depth, totals

    def _ranking(self, stop: int) -> list[tuple]:
        """The merged ranking, deep enough for the rows before ``stop``."""
        if self._ranked is None:
            self._rank(max(self.depth, min(stop, self.limit)))
        elif stop > self._ranked_depth and any(
            total > self._ranked_depth for total in self._totals[: len(self.sources)]
        ):
            self._rank(min(stop, self.limit))
        return self._ranked

    def counts(self) -> list[int]:
        """The number of matches of each source, ``sources`` then ``counted`` (not capped)."""
        if not self.q:
            return [0] * (len(self.sources) + len(self.counted))
        self._ranking(self.depth)
        return list(self._totals)

    def found(self) -> int:
        """How many matches ``sources`` hold in all (not capped at ``limit``)."""
        return sum(self.counts()[: len(self.sources)])

    def count(self) -> int:
        return min(self.found(), self.limit)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, key):
        if isinstance(key, int):
            if key < 0:
                key += len(self)
            page = self[key : key + 1]
            if not page:
                raise IndexError("search result index out of range")
            return page[0]
        start, stop, step = key.indices(len(self))
        if step != 1:
            raise ValueError("search results can only be sliced with step 1")
        return self._fetch(start, stop)

    def _fetch(self, start: int, stop: int) -> list[SearchResult]:
        if not self.q or start >= stop:
            return []
        wanted = self._ranking(stop)[start:stop]
        by_source: dict[int, dict[Any, tuple[int, float]]] = {}
        for minus_tier, minus_rank, index, pk in wanted:
            by_source.setdefault(index, {})[pk] = (-minus_tier, -minus_rank)
        found: dict[tuple[int, Any], SearchResult] = {}
        for index, ranks in by_source.items():
            source = self.sources[index]
            with _bound_by_postgres(self.using):
                rows = source.page_objects(self.q, list(ranks), using=self.using)
            for obj in rows:
                obj.tier, obj.rank = ranks[obj.pk]
                found[(index, obj.pk)] = source.to_result(obj)
        return [found[(index, pk)] for *_order, index, pk in wanted if (index, pk) in found]


@contextmanager
def _bound_by_postgres(using: str):
    """Queries made inside bind their parameters on the server rather than writing them into the SQL.

    So psycopg prepares a statement once a connection has run it ``prepare_threshold`` times (settings: DATABASES
    OPTIONS), and Postgres parses and plans a search's ranking and its page of rows once per connection instead of
    for every search: their SQL is the same text each time, only the parameters differ. Django's own queries bind on
    the client and are never prepared. Only the connection's cursor class changes, so errors, transactions and
    query logging stay Django's.
    """
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    previous, raw.cursor_factory = raw.cursor_factory, ServerBindingCursor
    try:
        yield connection
    finally:
        raw.cursor_factory = previous


def depth_for_page(page: Any, per_page: int) -> int:
    """The last row the page numbered ``page`` shows (page 1's for anything not a number)."""
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    return max(number, 1) * per_page
