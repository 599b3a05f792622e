"""Editors type topics with spaces and get suggestions from the topics already used."""

import pytest
from taggit.models import Tag

from tests.newsletters.factories import ArticleFactory

SUGGEST = "/admin/newsletters/article/topics/"


def article_data(article, topics):
    return {
        "issue": article.issue_id,
        "position": article.position,
        "kind": article.kind,
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "tags": topics,
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
    }


def test_a_topic_with_a_space_stays_one_topic(manager_client):
    article = ArticleFactory()
    response = manager_client.post(
        f"/admin/newsletters/article/{article.pk}/change/", article_data(article, "Domestic abuse, Early help")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(article.tags.names()) == ["Domestic abuse", "Early help"]
    assert not Tag.objects.filter(name__in=["Domestic", "abuse"]).exists()
    page = manager_client.get(f"/admin/newsletters/article/{article.pk}/change/").content.decode()
    assert 'value="Domestic abuse, Early help"' in page
    assert f'data-topics-suggest="{SUGGEST}"' in page


def test_a_run_on_topic_is_refused_with_a_message_not_a_500(manager_client):
    article = ArticleFactory()
    response = manager_client.post(
        f"/admin/newsletters/article/{article.pk}/change/", article_data(article, "Neglect " * 30)
    )
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    assert list(article.tags.names()) == []


def test_suggestions_match_anywhere_with_starts_first(manager_client):
    for name in ("Domestic abuse", "Child abuse online", "Abuse of trust", "Neglect"):
        Tag.objects.create(name=name)
    response = manager_client.get(SUGGEST, {"q": "abuse"})
    assert response.json() == {"topics": ["Abuse of trust", "Child abuse online", "Domestic abuse"]}
    assert manager_client.get(SUGGEST, {"q": "  "}).json() == {"topics": []}


@pytest.mark.parametrize("q", ["\x00", "%", "'; drop table taggit_tag; --", "x" * 5000, "<script>"])
def test_hostile_queries_get_an_answer(manager_client, q):
    Tag.objects.create(name="Neglect")
    response = manager_client.get(SUGGEST, {"q": q})
    assert response.status_code == 200
    assert response.json() == {"topics": []}
    assert Tag.objects.count() == 1


def test_suggestions_are_for_staff_only(client, db):
    Tag.objects.create(name="Neglect")
    response = client.get(SUGGEST, {"q": "neg"})
    assert response.status_code == 302
    assert "/admin/login/" in response.url
