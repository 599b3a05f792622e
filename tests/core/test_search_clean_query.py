"""``clean_query``: whatever is typed in a search box becomes a query Postgres's websearch_to_tsquery accepts."""

import re

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lscb_portal.core.search import CONFIG, MAX_QUERY_LENGTH, clean_query

# What websearch_to_tsquery reads as syntax (quotes, "-" for not, "or") or skips (!&|()<:*), the
# spaces Postgres and Python count differently, and a few words.
SYNTAX = st.sampled_from(
    ['"', "-", " ", "!", "&", "|", "(", ")", "<", ">", ":", "*", "'", "\\", "\x00", "\t", "\n", "\u00a0"]
    + ["\u2003", "\u3000", "\u180e", "\u200b", "\u2028", "\ud800", "or", "OR", "neglect", "the", "é", "🙂"]
)
# Rows of syntax, like the 33 hyphens that once made every search box answer 500.
ROWS = st.builds(
    lambda unit, times: unit * times,
    st.sampled_from(["-", "- ", "-!", "-(", "\u3000-", '"-', "or -"]),
    st.integers(1, 80),
)
TYPED = st.lists(st.one_of(SYNTAX, ROWS, st.text(max_size=3)), max_size=60).map("".join)


def websearch_to_tsquery(query: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [CONFIG, query])
        return cursor.fetchone()[0]


def words(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=TYPED)
@example(typed="-" * 33)
@example(typed="- " * 40 + "neglect")
@example(typed="neglect " + "-!" * 40 + "abuse")
@example(typed='"' + "-" * 40 + '" ' + "\u3000-" * 40 + "x")
def test_any_typed_query_cleans_to_one_postgres_accepts(typed):
    cleaned = clean_query(typed)

    websearch_to_tsquery(cleaned)  # raises on what Postgres refuses
    assert len(cleaned) <= MAX_QUERY_LENGTH
    assert clean_query(cleaned) == cleaned
    # Only syntax and control characters go: the words typed stay, in order, as far as the cut.
    assert words(typed).startswith(words(cleaned))


@pytest.mark.django_db
def test_rows_of_hyphens_failed_in_postgres_before_cleaning():
    """The property above proves something: without the cleaner, Postgres refuses these."""
    with pytest.raises(Exception, match="tsquery stack too small"):
        websearch_to_tsquery("-" * 33)


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("-" * 33, "-"),
        ("- " * 40 + "neglect", "neglect"),
        ("--neglect", "neglect"),
        ("---neglect", "-neglect"),
        ("neglect -abuse", "neglect -abuse"),
        ("well-being", "well-being"),
        ("a--b", "a--b"),
        ('"county lines" -"county council"', '"county lines" -"county council"'),
        ("neglect -", "neglect -"),
    ],
)
def test_a_row_of_nots_keeps_its_meaning_in_one_or_none(typed, cleaned):
    assert clean_query(typed) == cleaned


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["neglect --abuse", "neglect ---abuse", "well-being -toolkit", '"early help" -(neglect)']
)
def test_cleaning_keeps_what_postgres_understood(typed):
    def without_double_nots(tsquery: str) -> str:
        return re.sub(r"(!\s*!\s*)+", "", tsquery)

    assert websearch_to_tsquery(clean_query(typed)) == without_double_nots(websearch_to_tsquery(typed))
