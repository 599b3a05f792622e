"""``search()``: what matches, in which order, with which snippet, whatever is typed."""

import re

import pytest
from django.contrib.postgres.indexes import GinIndex
from django.db import connection, models
from django.db.models import Value
from django.db.models.functions import Concat
from django.test.utils import isolate_apps
from django.utils.safestring import SafeString

from lscb_portal.core.richtext import RichTextField, heading_text, plain_text
from lscb_portal.core.search import (
    MAX_QUERY_LENGTH,
    SNIPPET_OPENING_CHARS,
    SNIPPET_SCAN_CHARS,
    clean_query,
    search,
    search_vector_field,
)


@pytest.fixture
def page_model(db):
    """A searchable model as the apps build them, its table made inside the test's transaction."""
    with isolate_apps("tests.core"):

        class Page(models.Model):
            title = models.CharField(max_length=200)
            summary = models.TextField(blank=True)
            body = RichTextField(blank=True)
            body_text = models.TextField(blank=True, editable=False)
            headings_text = models.TextField(blank=True, editable=False)
            search_vector = search_vector_field(a=["title"], b=["summary", "headings_text"], c=["body_text"])

            class Meta:
                app_label = "core"
                db_table = "test_search_page"
                indexes = [GinIndex(fields=["search_vector"], name="test_search_page_vector")]

            def save(self, *args, **kwargs):
                self.body = self._meta.get_field("body").pre_save(self, add=self._state.adding)
                self.body_text = plain_text(self.body)
                self.headings_text = heading_text(self.body)
                super().save(*args, **kwargs)

        with connection.schema_editor() as editor:
            editor.create_model(Page)
        yield Page


FILLER = "<p>Practitioners from every agency meet each term to review cases and agree actions.</p>"


def titles(queryset) -> list[str]:
    return [page.title for page in queryset]


def test_a_title_match_comes_before_a_body_only_match(page_model):
    page_model.objects.create(title="Working with families", body=f"<p>Neglect, neglect and neglect.</p>{FILLER}")
    page_model.objects.create(title="Neglect", body=FILLER)

    results = list(search(page_model.objects.all(), "neglect"))

    assert titles(results) == ["Neglect", "Working with families"]
    assert [page.tier for page in results] == [1, 0]
    assert results[0].rank > results[1].rank


def test_a_heading_match_comes_before_a_body_match(page_model):
    page_model.objects.create(
        title="Body", body=f"<p>Neglect is harm. Neglect is common. Neglect matters.</p>{FILLER}"
    )
    page_model.objects.create(title="Heading", body=f"<h2>Recognising neglect</h2>{FILLER}")

    results = list(search(page_model.objects.all(), "neglect"))

    assert titles(results) == ["Heading", "Body"]
    assert [page.tier for page in results] == [1, 0]


def test_a_summary_match_counts_as_a_heading_match(page_model):
    page_model.objects.create(title="Body", body="<p>Private fostering arrangements must be notified.</p>")
    page_model.objects.create(title="Summary", summary="About private fostering.", body=FILLER)

    assert titles(search(page_model.objects.all(), "private fostering")) == ["Summary", "Body"]


def test_among_title_and_heading_matches_the_title_ranks_higher(page_model):
    page_model.objects.create(title="Heading", body=f"<h2>County lines</h2>{FILLER}")
    page_model.objects.create(title="County lines", body=FILLER)

    results = list(search(page_model.objects.all(), "county lines"))

    assert titles(results) == ["County lines", "Heading"]
    assert [page.tier for page in results] == [1, 1]


def test_websearch_syntax_works(page_model):
    page_model.objects.create(title="Domestic abuse", body="<p>Support for children living with abuse.</p>")
    page_model.objects.create(title="Online abuse", body="<p>Sexting and grooming online.</p>")

    assert titles(search(page_model.objects.all(), "abuse -online")) == ["Domestic abuse"]
    assert titles(search(page_model.objects.all(), '"online abuse"')) == ["Online abuse"]
    assert set(titles(search(page_model.objects.all(), "grooming or domestic"))) == {"Domestic abuse", "Online abuse"}


def test_the_snippet_marks_the_matches_and_escapes_the_text(page_model):
    page_model.objects.create(
        title="Fees",
        body="<p>Places cost &gt; £5 &amp; &lt; £10 for the &quot;neglect&quot; course, the trainer's choice.</p>",
    )

    (page,) = search(page_model.objects.all(), "neglect")

    assert isinstance(page.snippet, SafeString)
    assert "<mark>neglect</mark>" in page.snippet
    assert "&gt; £5 &amp; &lt; £10" in page.snippet
    assert "&quot;" in page.snippet
    assert "trainer&#x27;s" in page.snippet
    assert re.sub(r"</?mark>", "", page.snippet).count("<") == 0


def test_text_that_holds_markup_or_marker_characters_cannot_break_the_snippet(page_model):
    page = page_model.objects.create(title="Markup", body="<p>x</p>")
    page_model.objects.filter(pk=page.pk).update(
        body_text='neglect <img src=x onerror="alert(1)"> \x02 stray \x03 markers & <b>bold</b> neglect'
    )

    (found,) = search(page_model.objects.all(), "neglect")

    without_marks = re.sub(r"</?mark>", "", found.snippet)
    assert "<" not in without_marks
    assert ">" not in without_marks
    assert found.snippet.count("<mark>") == found.snippet.count("</mark>") == 2


def test_words_after_something_that_looks_like_a_tag_are_found_and_keep_their_highlight(page_model):
    # Postgres's parser reads "<script>" as markup and drops it and the words that follow, in the stored
    # vector and in the headline.
    page_model.objects.create(
        title="Online harms",
        body="<p>Young people told us that &lt;script&gt; sexting is common &amp; worrying &lt;b&gt;.</p>",
    )

    (found,) = search(page_model.objects.all(), "sexting")

    assert "Young people told us that &lt;script&gt; <mark>sexting</mark> is common &amp; worrying" in found.snippet
    assert "<" not in found.snippet.replace("<mark>", "").replace("</mark>", "")


def test_snippets_can_come_from_an_expression_or_be_left_out(page_model):
    page_model.objects.create(title="Early help", summary="Help for families early on.", body="<p>Assessments.</p>")

    (with_summary,) = search(
        page_model.objects.all(),
        "families",
        headline_field=Concat("summary", Value(" "), "body_text", output_field=models.TextField()),
    )
    (without,) = search(page_model.objects.all(), "families", headline_field=None)

    assert "<mark>families</mark>" in with_summary.snippet
    assert without.snippet == ""


def test_snippet_words_bound_the_snippet(page_model):
    page_model.objects.create(title="Long", body="<p>" + "word neglect " * 200 + "</p>")

    (default,) = search(page_model.objects.all(), "neglect")
    (short,) = search(page_model.objects.all(), "neglect", snippet_words=10)

    assert "<mark>neglect</mark>" in short.snippet
    assert len(short.snippet.replace(" … ", " ").split()) <= 10
    assert 20 <= len(default.snippet.replace(" … ", " ").split()) <= 35


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def test_a_long_text_gives_its_snippet_from_its_opening_when_that_holds_a_match(page_model):
    page_model.objects.create(
        title="Long", body=f"<p>Neglect comes first.</p>{FILLER * 40}<p>Neglect again, unmistakably.</p>"
    )

    (page,) = search(page_model.objects.all(), "neglect")

    assert len(page.body_text) > 2 * SNIPPET_OPENING_CHARS
    assert "<mark>Neglect</mark> comes first" in page.snippet
    assert "unmistakably" not in page.snippet


def test_a_match_only_past_the_opening_of_a_long_text_is_still_marked(page_model):
    page_model.objects.create(title="Long", body=f"{FILLER * 40}<p>Only here: county lines and exploitation.</p>")

    (page,) = search(page_model.objects.all(), "county lines")

    assert page.body_text.index("county") > 2 * SNIPPET_OPENING_CHARS
    assert "<mark>county</mark> <mark>lines</mark>" in page.snippet


@pytest.mark.parametrize("split_at", [2, 5, 11])
def test_a_word_the_opening_s_limit_cuts_in_two_is_still_marked(page_model, split_at):
    """The opening stops before a word the limit splits; the scan after it starts at that word."""
    words = "Practitioners review cases together. " * (2 * SNIPPET_OPENING_CHARS // 37)
    lead = words[: SNIPPET_OPENING_CHARS - split_at].rstrip() + " "
    page = page_model.objects.create(title="Long", body=f"<p>{lead}exploitation and more words after it.</p>")
    page.refresh_from_db()
    start = page.body_text.index("exploitation")
    assert start < SNIPPET_OPENING_CHARS < start + len("exploitation")

    (found,) = search(page_model.objects.all(), "exploitation")

    assert "<mark>exploitation</mark>" in found.snippet


def test_a_long_text_matched_only_in_its_title_shows_its_opening(page_model):
    page_model.objects.create(title="Neglect toolkit", body=FILLER * 40)

    (page,) = search(page_model.objects.all(), "neglect")

    assert len(page.body_text) > 2 * SNIPPET_OPENING_CHARS
    assert "<mark>" not in page.snippet
    assert page.snippet.startswith("Practitioners from every agency")


def test_a_very_long_text_is_found_by_a_late_match_but_read_only_so_far_for_its_snippet(page_model):
    filler = FILLER * (2 * SNIPPET_SCAN_CHARS // len(FILLER))
    page_model.objects.create(title="Very long", body=f"{filler}<p>Only here: county lines and exploitation.</p>")

    (page,) = search(page_model.objects.all(), "county lines")

    assert page.body_text.index("county") > SNIPPET_SCAN_CHARS
    assert "<mark>" not in page.snippet
    assert page.snippet.startswith("Practitioners from every agency")


def test_snippets_are_made_only_for_the_rows_returned(page_model):
    for number in range(30):
        page_model.objects.create(title=f"Page {number}", body="<p>Neglect training for practitioners.</p>")

    sql, params = search(page_model.objects.all(), "neglect")[:5].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) {sql}", params)
        (explained,) = cursor.fetchone()[0]

    # Postgres evaluates ts_headline above the sort (in the projection or a subplan of the
    # node that the LIMIT reads), so for the 5 rows returned, never for the 30 that match.
    headline_nodes = [
        node
        for node in _plan_nodes(explained["Plan"])
        if any("ts_headline" in output for output in node.get("Output", []))
    ]
    assert headline_nodes
    assert all(node["Actual Rows"] * node["Actual Loops"] <= 5 for node in headline_nodes)
    (sort,) = [node for node in _plan_nodes(explained["Plan"]) if node["Node Type"] == "Sort"]
    assert sort["Plans"][0]["Actual Rows"] == 30
    assert not any(node in headline_nodes for node in _plan_nodes(sort))


def test_the_search_uses_the_gin_index(page_model):
    for number in range(50):
        page_model.objects.create(title=f"Page {number}", body="<p>Early help assessments.</p>")

    sql, params = search(page_model.objects.all(), "assessments").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "test_search_page_vector" in plan


HOSTILE_QUERIES = [
    '"',
    '"unbalanced quote',
    "'; DROP TABLE test_search_page; --",
    "neglect & | ! : * ( )",
    "&",
    "|",
    "!",
    ":*",
    "(",
    ")",
    "-",
    "--",
    "- neglect",
    "neglect -",
    "or",
    "\x00neglect\x00",
    "neg\x00lect",
    "\x07\x1b[31mneglect",
    "neglect\ud800",
    "n" * 10_000,
    "neglect " * 2_000,
    "the and of a to",
    "🙂",
    "🙂 neglect 👨‍👩‍👧",
    "négligence café naïve",
    "ネグレクト",
    "<script>alert(1)</script>",
    "1 OR 1=1",
    "%",
    "_",
    "\\",
    "\\x00",
    "$$ $1 $$",
    "' or ''='",
    "neglect:A",
    "neglect:*",
    "<->",
    "!!neglect",
    "   ",
    "\t\n\r",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_any_query_is_answered_without_an_error(page_model, query):
    page_model.objects.create(title="Neglect", body="<p>Neglect training.</p>")

    results = search(page_model.objects.all(), query)

    assert isinstance(list(results[:10]), list)
    assert results.count() >= 0
    assert page_model.objects.count() == 1


@pytest.mark.parametrize("query", [None, "", "   ", "\x00", "the and of", "-"])
def test_empty_and_stopword_only_queries_match_nothing(page_model, query):
    page_model.objects.create(title="The and of", body="<p>Neglect.</p>")

    results = search(page_model.objects.all(), query)

    assert list(results) == []


def test_an_empty_query_still_gives_the_annotated_shape(page_model):
    results = search(page_model.objects.all(), "")

    assert list(results.values("rank", "tier", "snippet")) == []


def test_clean_query_tidies_anything_into_a_short_line():
    assert clean_query("  neglect \x00 and\tcounty\nlines  ") == "neglect and county lines"
    assert clean_query("\x07\x1b[1m") == "[1m"
    assert clean_query("a\ud800b") == "a b"
    assert clean_query(None) == ""
    assert clean_query(42) == "42"
    assert clean_query("ネグレクト 🙂") == "ネグレクト 🙂"
    long = clean_query("word " * 1000)
    assert len(long) <= MAX_QUERY_LENGTH
    assert not long.endswith(" ")
