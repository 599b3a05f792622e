"""The admin's history pages list, for each entry, the fields that changed with old and new text compared."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from lscb_portal.core.history import HistoryAdmin
from newsletters import services as newsletter_services
from newsletters.models import Article
from procedures.models import ChapterVersion
from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.procedures.factories import ChapterVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("history-reader", password="x"))
    return client


def history(client, obj) -> str:
    opts = obj._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def entries(html: str) -> list[str]:
    return re.findall(
        r'<li class="lscb-history__entry">(.*?)</li>\s*(?=<li class="lscb-history__entry">|</ol>)', html, re.S
    )


def test_an_edited_article_lists_each_changed_field_with_the_words_compared(superuser_client):
    article = ArticleFactory(
        title="Safer sleep for babies",
        body="<p>Babies should sleep on their backs in a cot in their parents' room.</p>",
    )
    article.title = "Safer sleep for every baby"
    article.body = (
        "<p>Babies should sleep on their backs in a clear cot in their parents' room.</p>"
        "<p>Ask the health visitor.</p>"
    )
    article.save()

    html = history(superuser_client, article)
    newest, created = entries(html)
    assert "Changed on" in newest
    assert "Created on" in created
    assert "<dt>Title" in newest
    assert "<dt>Body" in newest
    assert '<del class="lscb-diff-del">babies</del><ins class="lscb-diff-ins">every baby</ins>' in newest
    assert '<ins class="lscb-diff-ins">clear</ins>' in newest
    assert '<ins class="lscb-diff-ins">Ask the health visitor.</ins>' in newest
    assert "(5 words added, 0 removed)" in newest
    # Unchanged fields and the plain-text copies kept for search are not listed.
    assert "<dt>Summary" not in newest
    assert "Body text" not in html
    assert "Headings text" not in html
    assert "<dt>" not in created


def test_publishing_shows_the_status_and_time_people_cannot_edit(superuser_client):
    issue = IssueFactory(title="March 2018")
    ArticleFactory(issue=issue)
    newsletter_services.issue_publish(issue=issue)

    emailed, published, created = entries(history(superuser_client, issue))
    assert "<dt>Status" in published
    assert (
        'from <del class="lscb-diff-del">Draft</del> to <ins class="lscb-diff-ins">Published or scheduled</ins>'
        in (published)
    )
    assert "<dt>Publication time</dt>" in published
    assert "<dt>Subscribers notified at</dt>" in emailed
    assert "Foreword text" not in published + emailed


def test_a_changed_link_to_another_record_names_both_records(superuser_client):
    first, second = IssueFactory(title="Spring 2018"), IssueFactory(title="Summer 2018")
    article = ArticleFactory(issue=first)
    article.issue = second
    article.save()

    newest = entries(history(superuser_client, article))[0]
    assert "<dt>Issue" in newest
    assert f"{first}" in newest
    assert f"{second}" in newest


def test_a_chapter_text_history_compares_the_draft_word_by_word(superuser_client):
    version = ChapterVersionFactory(body="<h2>Referrals</h2><p>Refer within five working days.</p>")
    version.body = "<h2>Referrals</h2><p>Refer within three working days.</p>"
    version.save()

    newest = entries(history(superuser_client, version))[0]
    assert (
        'Refer within <del class="lscb-diff-del">five</del> <ins class="lscb-diff-ins">three</ins> working' in newest
    )


def test_hostile_text_in_any_field_is_shown_as_text(superuser_client):
    article = ArticleFactory(title="Ordinary title", author_agency="Riverside")
    article.title = '<img src=x onerror="alert(1)">Title'
    article.author_agency = "<script>alert('agency')</script>"
    article.body = '<p onclick="steal()">Text<script>bad()</script></p>'
    article.save()

    html = history(superuser_client, article)
    assert "<script>alert" not in html
    assert "<script>bad" not in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=" in html
    assert "&lt;script&gt;alert(&#x27;agency&#x27;)" in html or "&lt;script&gt;alert('agency')" in html
    assert "onclick" not in html


def test_a_long_history_is_read_in_a_fixed_number_of_queries(superuser_client, django_assert_max_num_queries):
    article = ArticleFactory()
    for number in range(3):
        article.summary = f"Summary {number}"
        article.save()
    with django_assert_max_num_queries(15) as few:
        history(superuser_client, article)
    for number in range(3, 40):
        article.summary = f"Summary {number}"
        article.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = history(superuser_client, article)
    assert len(entries(html)) == 41


def test_every_model_people_edit_shows_its_history_with_the_changes():
    with_history = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if hasattr(model, "history") and model._meta.app_label in {"core", "newsletters", "procedures", "training"}
    ]
    assert {Article, ChapterVersion} <= {model for model, _ in with_history}
    missing = [model._meta.label for model, model_admin in with_history if not isinstance(model_admin, HistoryAdmin)]
    assert missing == []


@pytest.mark.parametrize(
    "path",
    [
        "/admin/newsletters/article/abc/history/",
        "/admin/newsletters/article/%00/history/",
        "/admin/newsletters/article/999999/history/",
        "/admin/newsletters/article/{pk}/history/abc/",
        "/admin/newsletters/article/{pk}/history/99999/",
        "/admin/procedures/chapterversion/1%20OR%201=1/history/",
    ],
)
def test_a_history_address_that_names_no_record_is_not_found(superuser_client, path):
    article = ArticleFactory()
    response = superuser_client.get(path.format(pk=article.pk))
    assert response.status_code == 404
