"""The links built once per pattern are the ones reverse() gives, and fail where reverse() fails."""

import pytest
from django.urls import reverse

from newsletters import links, selectors
from tests.newsletters.factories import ArticleFactory, AttachmentFactory, IssueFactory, SeriesFactory


@pytest.fixture
def issue(db):
    issue = IssueFactory(series=SeriesFactory(slug="quarterly-9"), number=12, published=True)
    for position in range(3):
        article = ArticleFactory(issue=issue, position=position, slug=f"case-review_{position}")
        article.tags.add("Neglect", "Early help")
        AttachmentFactory(article=article)
    return issue


def _articles(issue, *, preview):
    if preview:
        prepared = selectors.issue_for_preview(issue_id=issue.pk)
    else:
        prepared = selectors.issue_for_reading(series_slug=issue.series.slug, number=issue.number)
    articles = selectors.issue_articles(issue=prepared)
    links.add_reading_links(prepared, articles, preview=preview)
    return articles


def test_reading_links_are_what_reverse_gives(issue):
    articles = _articles(issue, preview=False)

    assert [article.reading_url for article in articles] == [
        reverse("newsletters:article", args=["quarterly-9", 12, f"case-review_{position}"]) for position in range(3)
    ]
    assert articles[0].reading_url == "/newsletters/quarterly-9/12/case-review_0/"
    document = articles[1].attachment_list[0]
    assert document.download_url == reverse(
        "newsletters:attachment", args=["quarterly-9", 12, "case-review_1", document.pk]
    )
    assert document.download_url == f"/newsletters/quarterly-9/12/case-review_1/files/{document.pk}/"
    assert sorted(tag.topic_url for tag in articles[2].topic_list) == [
        "/newsletters/topics/early-help/",
        "/newsletters/topics/neglect/",
    ]


def test_preview_links_lead_to_the_preview(issue):
    articles = _articles(issue, preview=True)

    assert articles[2].reading_url == f"/newsletters/preview/{issue.pk}/case-review_2/"
    assert articles[2].reading_url == reverse("newsletters:preview_article", args=[issue.pk, "case-review_2"])
