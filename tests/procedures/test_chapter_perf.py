"""The chapter page does the same few queries however long the chapter's history, and reads no search columns."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import publish_change, publish_new_chapter

pytestmark = pytest.mark.django_db

START = datetime(2012, 4, 1, 9, tzinfo=UTC)


def chapter_with_versions(count, *, title, start=START):
    chapter = publish_new_chapter(title=title, at=start)
    for number in range(1, count):
        publish_change(
            chapter,
            at=start + timedelta(days=91 * number),
            details=f"Section {number} of {title} has been updated.",
            body=f"<h2>Introduction</h2><p>Version {number + 1} of the text.</p>",
        )
    return chapter


def test_queries_do_not_grow_with_the_chapters_history(client, django_assert_max_num_queries):
    short = chapter_with_versions(2, title="Neglect")
    long = chapter_with_versions(12, title="Domestic abuse", start=START + timedelta(days=365))

    with django_assert_max_num_queries(6) as short_queries:
        short_html = client.get(short.get_absolute_url()).content.decode()
    with django_assert_max_num_queries(6) as long_queries:
        long_html = client.get(long.get_absolute_url()).content.decode()

    assert len(long_queries.captured_queries) == len(short_queries.captured_queries)
    assert "Version 12 of the text." in long_html
    assert "Section 11 of Domestic abuse has been updated." in long_html
    assert "Section 10 of Domestic abuse" not in long_html
    assert "Version 2 of the text." in short_html


def test_the_page_does_not_read_the_search_columns(client):
    chapter = chapter_with_versions(2, title="Neglect")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(chapter.get_absolute_url())
    assert response.status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"procedures_chapterversion"."body"' in sql
    for column in ("search_vector", "body_text", "headings_text", "old_titles"):
        assert f'"procedures_chapterversion"."{column}"' not in sql
