"""The issue composed on one page: articles as rows that open and close, each with its topics, resource
lines and attachments, added, reordered and saved together."""

import re

import pytest

from newsletters.models import Article, Issue
from tests.newsletters.factories import (
    ArticleFactory,
    IssueFactory,
    ResourceFactory,
    SeriesFactory,
    management,
    office_bytes,
    pdf_bytes,
    upload,
)

ADD = "/admin/newsletters/issue/add/"


def issue_fields(series, **extra):
    return {
        "series": series.pk,
        "number": "12",
        "title": "Winter 2026",
        "issue_date": "2026-12-01",
        "issue_date_shown": "month",
        "foreword": "<p>Welcome.</p>",
        "foreword_by": "Jane Okafor",
        "foreword_role": "Independent Chair",
        **management("blocks"),
        **extra,
    }


def article_row(index, *, title, position, topics="", resources=(), attachments=(), **extra):
    row = {
        f"articles-{index}-position": str(position),
        f"articles-{index}-kind": "article",
        f"articles-{index}-title": title,
        f"articles-{index}-slug": "",
        f"articles-{index}-summary": "",
        f"articles-{index}-body": f"<p>{title}.</p>",
        f"articles-{index}-tags": topics,
        **management(f"articles-{index}-resources", total=len(resources)),
        **management(f"articles-{index}-attachments", total=len(attachments)),
    }
    for number, (organisation, offers, url) in enumerate(resources):
        prefix = f"articles-{index}-resources-{number}"
        row |= {f"{prefix}-position": str(number), f"{prefix}-organisation": organisation}
        row |= {f"{prefix}-offers": offers, f"{prefix}-url": url}
    for number, (title_, file) in enumerate(attachments):
        prefix = f"articles-{index}-attachments-{number}"
        row |= {f"{prefix}-position": str(number), f"{prefix}-title": title_, f"{prefix}-file": file}
    row.update({f"articles-{index}-{key}": value for key, value in extra.items()})
    return row


def test_a_whole_issue_with_topics_resources_and_attachments_is_saved_from_one_page(manager_client):
    series = SeriesFactory()
    data = issue_fields(series, **management("articles", total=2))
    data |= article_row(
        0,
        title="Domestic abuse and the toxic trio",
        position=1,
        topics="Domestic abuse, Neglect",
        resources=[("Refuge", "24-hour helpline", "https://www.refuge.org.uk/")],
        attachments=[("Toolkit (2018)", upload("toolkit.pdf", pdf_bytes()))],
    )
    data |= article_row(
        1,
        title="Private fostering",
        position=2,
        topics="Private fostering",
        attachments=[("Leaflet", upload("leaflet.docx", office_bytes()))],
    )
    response = manager_client.post(ADD, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    issue = Issue.objects.get(series=series, number=12)
    first, second = issue.articles.order_by("position")
    assert (first.title, first.slug) == ("Domestic abuse and the toxic trio", "domestic-abuse-and-the-toxic-trio")
    assert sorted(first.tags.names()) == ["Domestic abuse", "Neglect"]
    assert [resource.organisation for resource in first.resources.all()] == ["Refuge"]
    assert [(doc.title, doc.file_type) for doc in first.attachments.all()] == [("Toolkit (2018)", "pdf")]
    assert [(doc.title, doc.file_type) for doc in second.attachments.all()] == [("Leaflet", "docx")]


def test_saved_articles_are_closed_rows_in_order_and_new_ones_open(manager_client):
    issue = IssueFactory()
    for position, title in enumerate(["Neglect", "County lines", "Early help"], start=1):
        ArticleFactory(issue=issue, position=4 - position, title=title)
    ResourceFactory(article=issue.articles.get(title="Neglect"))
    html = manager_client.get(f"/admin/newsletters/issue/{issue.pk}/change/").content.decode()
    summaries = re.findall(r'lscb-composer__title">\s*([^<]+?)\s*<', html)
    assert summaries[:3] == ["Early help", "County lines", "Neglect"]
    rows = re.findall(r"<details class=\"lscb-composer__details\"([^>]*)>", html)
    assert [row.strip() for row in rows[:3]] == ["", "", ""]  # saved rows start closed
    assert rows[3].strip() == "open"  # the template for a new row opens
    assert 'name="articles-2-resources-0-organisation"' in html
    assert 'name="articles-0-attachments-TOTAL_FORMS"' in html
    # Table rows have no <label>s: each input is named after its column.
    assert re.search(r'aria-label="Organisation"[^>]*name="articles-2-resources-0-organisation"', html) or re.search(
        r'name="articles-2-resources-0-organisation"[^>]*aria-label="Organisation"', html
    )
    assert "js/composer.mjs" in html


def test_rows_are_reordered_by_their_positions(manager_client):
    issue = IssueFactory()
    first = ArticleFactory(issue=issue, position=1, title="First")
    second = ArticleFactory(issue=issue, position=2, title="Second")
    data = issue_fields(issue.series, number=str(issue.number), **management("articles", total=2, initial=2))
    for index, (article, position) in enumerate([(first, 2), (second, 1)]):
        data |= article_row(index, title=article.title, position=position, id=str(article.pk), issue=str(issue.pk))
        data[f"articles-{index}-slug"] = article.slug
    response = manager_client.post(f"/admin/newsletters/issue/{issue.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(issue.articles.order_by("position").values_list("title", flat=True)) == ["Second", "First"]


def test_two_articles_with_the_same_title_get_a_message_not_a_500(manager_client):
    series = SeriesFactory()
    data = issue_fields(series, **management("articles", total=2))
    data |= article_row(0, title="Neglect", position=1)
    data |= article_row(1, title="Neglect", position=2)
    response = manager_client.post(ADD, data)
    assert response.status_code == 200
    assert "Please correct the duplicate" in response.content.decode()
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("toolkit.pdf", b"MZ\x90\x00 this is a program, not a PDF"),
        ("notes.docx", b"PK\x03\x04 broken zip"),
        ("empty.pdf", b""),
        ("<script>.pdf", b"<script>alert(1)</script>"),
    ],
)
def test_junk_attachments_are_refused_on_the_page(manager_client, name, content):
    series = SeriesFactory()
    data = issue_fields(series, **management("articles", total=1))
    data |= article_row(0, title="Neglect", position=1, attachments=[("Toolkit", upload(name, content))])
    response = manager_client.post(ADD, data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Article.objects.exists()


def test_hostile_text_in_a_row_is_kept_as_text(manager_client):
    series = SeriesFactory()
    data = issue_fields(series, **management("articles", total=1))
    data |= article_row(0, title="<script>alert(1)</script> Neglect", position=1, topics="<b>x</b>, \u202e")
    data["articles-0-body"] = '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:x()">y</a></p>'
    response = manager_client.post(ADD, data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "<script>alert(1)</script> Neglect"
    assert "<script" not in article.body
    assert "javascript:" not in article.body
    assert "onclick" not in article.body
    html = manager_client.get(f"/admin/newsletters/issue/{article.issue_id}/change/").content.decode()
    assert "<script>alert(1)</script> Neglect" not in html
