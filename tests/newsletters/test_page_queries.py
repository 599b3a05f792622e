"""Every public newsletter page has a fixed query budget whatever the data size."""

import pytest

from tests.newsletters.factories import (
    ArticleFactory,
    AttachmentFactory,
    IssueFactory,
    ResourceFactory,
    SeriesFactory,
)

TAGS = ["Neglect", "Early help", "Domestic abuse", "County lines"]


@pytest.fixture
def big_issue(db):
    series = SeriesFactory(slug="quarterly")
    for number in range(1, 4):
        IssueFactory(series=series, number=number, published=True)
    issue = IssueFactory(series=series, number=4, published=True)
    IssueFactory(series=series, number=5, published=True)
    for position in range(20):
        article = ArticleFactory(issue=issue, position=position, title=f"Article {position} about neglect")
        article.tags.add(*TAGS)
        for _ in range(2):
            AttachmentFactory(article=article)
            ResourceFactory(article=article)
    return issue


def test_an_issue_of_20_articles_with_tags_and_attachments_takes_at_most_9_queries(
    client, big_issue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9):
        response = client.get(big_issue.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="lscb-article') == 20
    assert "Early help" in html
    assert "Neglect toolkit" in html
    assert "NSPCC" in html
    assert "Issue 3" in html
    assert "Issue 5" in html


@pytest.mark.parametrize(
    "url",
    [
        "/newsletters/",
        "/newsletters/quarterly/",
        "/newsletters/quarterly/archive/{year}/",
        "/newsletters/quarterly/4/article-0/",
        "/newsletters/topics/",
        "/newsletters/topics/neglect/",
        "/newsletters/search/?q=neglect",
        "/newsletters/quarterly/feed/",
        "/newsletters/topics/neglect/feed/atom/",
        "/newsletters/contribute/",
    ],
)
def test_other_pages_have_a_fixed_budget(client, big_issue, django_assert_max_num_queries, url):
    for article in big_issue.articles.all():
        article.slug = f"article-{article.position}"
        article.save()
    url = url.format(year=big_issue.published_at.year)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200


def test_an_article_page_reads_only_its_own_topics_and_documents(client, big_issue, django_assert_max_num_queries):
    article = big_issue.articles.get(position=7)
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('href="/newsletters/topics/') == len(TAGS)
    assert html.count("/files/") == 2
    assert html.count("NSPCC") == 2
    others = [other for other in big_issue.articles.all() if other.pk != article.pk]
    assert all(f'href="{other.get_absolute_url()}"' in html for other in others)
    assert f'href="{article.get_absolute_url()}"' not in html
