"""Every published issue as a PDF: made by a job, kept in storage, linked from the issue page, never rendered
while a reader waits. Rendering is slow, so two tests render: one reads a whole issue back, one follows it from
publishing to the reader's download."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from lscb_portal.core import pdf
from lscb_portal.core.models import BoardSettings
from newsletters import issue_pdf
from newsletters.models import Issue
from newsletters.services import issue_publish, issue_unpublish
from tests.newsletters.factories import (
    ArticleFactory,
    AttachmentFactory,
    IssueFactory,
    ResourceFactory,
    SeriesFactory,
    issue_change_data,
)
from tests.pdfs import assert_accessible, read_pdf

TABLE = (
    "<table><thead><tr><th scope='col'>What are we worried about?</th><th scope='col'>What is going well?</th>"
    "<th scope='col'>What do we need to do?</th></tr></thead><tbody><tr><td>Missed health visits</td>"
    "<td>School attendance is good</td><td>A joint visit within 10 days</td></tr></tbody></table>"
)
TITLES = [
    "Child sexual exploitation: spotting the signs",
    "Neglect toolkit relaunched",
    "Learning from a case review",
    "County lines and criminal exploitation",
    "Modern slavery: what to do",
    "Training with places this autumn",
]


def make_issue(**kwargs) -> Issue:
    BoardSettings.objects.update(name="Northbrook Safeguarding Children Partnership", office_email="lscb@example.org")
    issue = IssueFactory(
        series=SeriesFactory(slug="frontline", title="Frontline News"),
        number=24,
        title="Summer 2018",
        foreword="<p>Welcome to our summer issue, with news from every partner.</p>",
        foreword_by="Zoë Ní Bhriain",
        foreword_role="Independent Chair",
        **kwargs,
    )
    for position, title in enumerate(TITLES, start=1):
        ArticleFactory(
            issue=issue,
            position=position,
            title=title,
            slug=f"article-{position}",
            body=f"<h2>What we found</h2><p>Agencies acted late.</p>{TABLE if position == 1 else ''}"
            '<p><img src="https://pictures.example.org/poster.png" alt="A poster about the helpline"></p>'
            '<p>See <a href="https://www.gov.uk/government/publications/working-together">Working Together</a>.</p>',
            author_name="Łukasz Wiśniewski-Öztürk" if position == 2 else "Sam Patel",
        )
    first = issue.articles.get(position=1)
    ResourceFactory(article=first, organisation="NSPCC", url="https://www.nspcc.org.uk/")
    AttachmentFactory(article=first, title="Neglect toolkit (2018)")
    return issue


@pytest.mark.django_db
def test_an_issue_pdf_holds_the_foreword_contents_and_every_article_in_order_tagged_with_live_links(settings):
    issue = make_issue(published=True)
    started = time.monotonic()
    document = read_pdf(issue_pdf.issue_pdf_bytes(issue))
    print(f"issue PDF rendered in {time.monotonic() - started:.2f} s")  # noqa: T201 (shown with -s)

    assert_accessible(document, title="Frontline News, Issue 24: Summer 2018")
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/LI", "/Link"} <= document.structure_tags
    lines = document.lines
    assert "Issue 24: Summer 2018" in lines
    assert "Zoë Ní Bhriain" in lines
    assert "By Łukasz Wiśniewski-Öztürk, Designated Safeguarding Lead, Riverside Primary School" in lines
    # The contents list every article in order, then each article follows in the same order.
    contents = lines.index("This issue includes")
    positions = [lines.index(title, contents + 1) for title in TITLES]
    bodies = [lines.index(title, positions[-1] + 1) for title in TITLES]
    assert positions == sorted(positions)
    assert bodies == sorted(bodies)
    assert "What are we worried about? What is going well? What do we need to do?" in document.text
    assert "Picture: A poster about the helpline (https://pictures.example.org/poster.png)" in document.text
    site = settings.SITE_URL.rstrip("/")
    assert "https://www.gov.uk/government/publications/working-together" in document.links
    assert f"{site}/newsletters/frontline/24/" in document.links
    assert any(link.startswith(f"{site}/newsletters/frontline/24/article-1/files/") for link in document.links)


@pytest.mark.django_db
def test_publishing_makes_the_pdf_in_a_job_and_the_issue_page_links_to_the_stored_copy(client, jobs):
    issue = make_issue()
    page = reverse("newsletters:issue", args=["frontline", 24])
    assert not jobs.pending("newsletters.make_issue_pdf")

    issue_publish(issue=issue, email_subscribers=False)
    assert len(jobs.pending("newsletters.make_issue_pdf")) == 1
    assert "Download this issue as a PDF" not in client.get(page).content.decode()
    jobs.run()

    issue.refresh_from_db()
    assert issue.pdf.name.startswith("newsletters/issues/frontline-issue-24")
    html = client.get(page).content.decode()
    link = 'href="/newsletters/frontline/24/issue.pdf" type="application/pdf">Download this issue as a PDF, {}</a>'
    assert link.format(issue.pdf_size_label) in html
    assert issue.pdf_size_label.endswith(" KB")

    response = client.get(issue.get_pdf_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    body = b"".join(response.streaming_content)
    assert len(body) == issue.pdf_size
    assert "Learning from a case review" in read_pdf(body).lines

    # Taken off the site, its PDF goes too; published again, the stored copy is served.
    issue_unpublish(issue=issue)
    assert client.get(issue.get_pdf_url()).status_code == 404


@pytest.mark.django_db
def test_saving_a_published_issue_in_the_admin_asks_for_its_pdf_once_however_often_it_is_saved(jobs):
    issue = make_issue(published=True)
    draft = make_draft()
    assert issue_pdf.request_issue_pdf(issue) is True
    assert issue_pdf.request_issue_pdf(issue) is False  # one waiting request covers the next change
    assert issue_pdf.request_issue_pdf(draft) is False
    assert [job["args"] for job in jobs.pending("newsletters.make_issue_pdf")] == [{"issue_id": issue.pk}]


def make_draft() -> Issue:
    return IssueFactory(series=SeriesFactory(slug="bulletin", title="Bulletin"), number=3)


@pytest.mark.django_db
def test_the_admin_save_of_a_published_issue_queues_its_pdf_and_shows_when_it_was_made(manager_client, jobs):
    issue = IssueFactory(series=SeriesFactory(slug="frontline"), number=5, published=True)
    article = ArticleFactory(issue=issue, position=1)
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    assert "Made by the worker a minute or so after the issue is published" in manager_client.get(url).content.decode()
    data = issue_change_data(issue, article, title="Autumn 2018")
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [job["args"] for job in jobs.pending("newsletters.make_issue_pdf")] == [{"issue_id": issue.pk}]
    jobs.run()
    issue.refresh_from_db()
    assert issue.title == "Autumn 2018"
    page = manager_client.get(url).content.decode()
    assert f'<a href="/newsletters/frontline/5/issue.pdf">{issue.pdf_size_label}</a>, made ' in page


@pytest.mark.django_db
def test_the_hourly_job_and_the_command_ask_for_missing_pdfs_and_the_command_can_render_at_once(jobs, capsys):
    issue = make_issue(published=True)
    make_draft()
    call_command("rebuild_issue_pdfs", "--missing")
    assert "Frontline News, Issue 24 (Summer 2018): queued" in capsys.readouterr().out
    assert len(jobs.pending("newsletters.make_issue_pdf")) == 1
    jobs.run()
    assert Issue.objects.get(pk=issue.pk).pdf
    assert issue_pdf.issues_without_pdf().count() == 0


@pytest.mark.django_db
def test_a_reader_never_waits_for_a_render_on_the_issue_page_or_the_download(
    client, monkeypatch, django_assert_max_num_queries
):
    issue = make_issue(published=True)
    stored = pdf.store_pdf(name=issue_pdf.storage_name(issue), content=b"%PDF-1.7 kept copy")
    Issue.objects.filter(pk=issue.pk).update(pdf=stored.name, pdf_size=stored.size)

    def no_render(*args, **kwargs):
        raise AssertionError("a document was rendered during a reader's request")

    monkeypatch.setattr(pdf, "html_to_pdf", no_render)
    started = time.monotonic()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("newsletters:issue", args=["frontline", 24]))
    with django_assert_max_num_queries(2):
        download = client.get(reverse("newsletters:issue_pdf", args=["frontline", 24]))
        body = b"".join(download.streaming_content)
    assert time.monotonic() - started < 2.0
    assert "Download this issue as a PDF, 1 KB" in page.content.decode()
    assert body == b"%PDF-1.7 kept copy"


@pytest.mark.django_db
def test_an_issue_without_a_pdf_yet_shows_no_link_and_its_address_is_not_found(client):
    make_issue(published=True)
    assert "as a PDF" not in client.get(reverse("newsletters:issue", args=["frontline", 24])).content.decode()
    assert client.get(reverse("newsletters:issue_pdf", args=["frontline", 24])).status_code == 404
