"""Importing newsletter files from the back office: several files at once, the split shown before anything
is saved, articles merged or split by ticking headings, bad files named with the reason."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from newsletters.models import Issue, IssueStatus
from tests.core.factories import StaffUserFactory
from tests.newsletters import newsletter_files as files
from tests.newsletters.factories import IssueFactory, SeriesFactory, subscribe

UPLOAD = "/admin/newsletters/issue/import/"
REVIEW = "/admin/newsletters/issue/import/review/"


@pytest.fixture
def series(db):
    return SeriesFactory(title="Frontline News", slug="frontline-news")


def upload(client, series, *named, archive=False):
    data = {"series": series.pk, "files": [SimpleUploadedFile(name, content) for name, content in named]}
    if archive:
        data["archive"] = "on"
    return client.post(UPLOAD, data)


def ticked(html: str, index: int = 0) -> list[str]:
    return re.findall(rf'name="starts-{index}"\s+value="(\d+)"\s+checked', html)


def review_data(html: str, files_count: int) -> dict:
    """What the review page would post back as it stands."""
    data = {}
    for index in range(files_count):
        for name in ("number", "title", "issue_date", "issue_date_shown"):
            match = re.search(rf'name="file{index}-{name}"[^>]*value="([^"]*)"', html)
            if match:
                data[f"file{index}-{name}"] = match.group(1)
        data[f"file{index}-issue_date_shown"] = "month"
        data[f"starts-{index}"] = ticked(html, index)
    return data


def test_upload_several_files_see_the_split_then_create_drafts(manager_client, series):
    response = upload(
        manager_client, series, ("spring.docx", files.docx_bytes()), ("summer.md", files.markdown_text().encode())
    )
    assert response["Location"] == REVIEW
    html = manager_client.get(REVIEW).content.decode()
    for title in files.TITLES:
        assert title in html
    assert "3 tables" not in html
    assert "1 table" in html
    assert len(ticked(html, 0)) == 4
    assert not Issue.objects.exists()  # nothing saved yet

    data = review_data(html, 2)
    data["file1-number"] = "5"
    data["_create"] = "1"
    response = manager_client.post(REVIEW, data, follow=True)
    assert "2 issues created as drafts" in response.content.decode()
    issues = list(Issue.objects.order_by("number"))
    assert [(issue.number, issue.status) for issue in issues] == [(4, IssueStatus.DRAFT), (5, IssueStatus.DRAFT)]
    assert list(issues[0].articles.values_list("title", flat=True)) == files.TITLES
    assert issues[0].issue_date == date(2018, 3, 1)
    assert "Welcome to the spring edition" in issues[0].foreword
    assert "<table>" in issues[0].articles.get(title=files.TABLE_ARTICLE).body
    assert manager_client.get(REVIEW).status_code == 302  # the session's copy is gone


def test_merge_and_split_articles_before_saving(manager_client, series):
    upload(manager_client, series, ("spring.docx", files.docx_bytes()))
    html = manager_client.get(REVIEW).content.decode()
    starts = ticked(html)
    find_out_more = re.search(r'value="(\d+)"\s*>\s*Find out more', html).group(1)
    data = review_data(html, 1)
    # Join the second article to the first, and start a new one at the first "Find out more".
    data["starts-0"] = [starts[0], find_out_more, *starts[2:]]
    response = manager_client.post(REVIEW, {**data, "_update": "1"})
    updated = response.content.decode()
    assert ticked(updated) == [starts[0], find_out_more, *starts[2:]]
    manager_client.post(REVIEW, {**data, "_create": "1"})
    issue = Issue.objects.get()
    titles = list(issue.articles.order_by("position").values_list("title", flat=True))
    assert titles == [files.TITLES[0], "Find out more", files.TITLES[2], files.TITLES[3]]
    assert "Children as young as twelve" in issue.articles.get(title="Find out more").body


def test_archive_publishes_under_the_issues_own_date_emailing_nobody(manager_client, series, jobs):
    subscribe(series)
    upload(manager_client, series, ("spring.pdf", files.pdf_bytes()), archive=True)
    html = manager_client.get(REVIEW).content.decode()
    response = manager_client.post(REVIEW, {**review_data(html, 1), "_create": "1"}, follow=True)
    assert "published under their own dates; nobody was emailed" in response.content.decode()
    issue = Issue.objects.get()
    assert issue.is_public
    assert issue.issue_date == date(2018, 3, 1)
    assert not OutboxMessage.objects.filter(category=series.list_key).exists()


def test_junk_files_are_named_with_the_reason_and_the_others_go_on(manager_client, series):
    response = upload(
        manager_client,
        series,
        ("virus.exe", b"MZ\x90\x00"),
        ("fake.docx", b"not a word file"),
        ("empty.pdf", b""),
        ("notes.txt", files.plain_text().encode()),
    )
    assert response.status_code == 302
    page = manager_client.get(REVIEW).content.decode()
    assert "virus.exe" in page
    assert "could not be read as Word" in page
    assert "notes.txt" in page


def test_only_junk_stays_on_the_upload_page(manager_client, series):
    response = upload(manager_client, series, ("fake.pdf", b"%PDF-1.4 broken"))
    assert response.status_code == 200
    assert "could not be read as PDF" in response.content.decode()
    assert manager_client.get(REVIEW).status_code == 302


def test_no_files_or_no_series_is_a_message(manager_client, series):
    response = manager_client.post(UPLOAD, {"series": series.pk})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = manager_client.post(UPLOAD, {"series": "999999", "files": SimpleUploadedFile("a.md", b"# A")})
    assert "Select a valid choice" in response.content.decode()


def test_a_number_already_taken_is_refused_on_the_page_and_nothing_is_created(manager_client, series):
    IssueFactory(series=series, number=4)
    upload(manager_client, series, ("a.md", files.markdown_text().encode()), ("b.txt", files.plain_text().encode()))
    html = manager_client.get(REVIEW).content.decode()
    data = review_data(html, 2)
    data["file0-number"] = "30"
    data["file1-number"] = "4"
    response = manager_client.post(REVIEW, {**data, "_create": "1"})
    assert response.status_code == 200
    assert "already has an Issue 4" in response.content.decode()
    assert Issue.objects.count() == 1


@pytest.mark.parametrize(
    "tampered",
    [
        {"starts-0": ["999", "-1", "abc", "\x00"]},
        {"file0-number": "-3"},
        {"file0-issue_date": "2018-02-30"},
        {"file0-title": ""},
        {"file0-issue_date_shown": "century"},
    ],
)
def test_tampered_review_posts_get_messages_not_500s(manager_client, series, tampered):
    upload(manager_client, series, ("a.md", files.markdown_text().encode()))
    html = manager_client.get(REVIEW).content.decode()
    response = manager_client.post(REVIEW, {**review_data(html, 1), **tampered, "_create": "1"})
    assert response.status_code == 200
    if "starts-0" in tampered:
        assert "No articles yet" in response.content.decode() or "no articles" in response.content.decode()
    assert not Issue.objects.exists()


def test_other_roles_cannot_import(client, series):
    client.force_login(StaffUserFactory(role=TRAINING_ADMINISTRATORS))
    assert client.get(UPLOAD).status_code == 403
    assert client.get(REVIEW).status_code == 403


def test_the_issue_list_links_to_the_importer(manager_client):
    html = manager_client.get("/admin/newsletters/issue/").content.decode()
    assert f'href="{UPLOAD}"' in html


def test_the_same_file_twice_gets_two_free_numbers(manager_client, series):
    IssueFactory(series=series, number=4)
    content = files.markdown_text().encode()
    upload(manager_client, series, ("a.md", content), ("b.md", content))
    html = manager_client.get(REVIEW).content.decode()
    assert 'name="file0-number" value="5"' in html
    assert 'name="file1-number" value="6"' in html
    manager_client.post(REVIEW, {**review_data(html, 2), "_create": "1"})
    assert sorted(Issue.objects.values_list("number", flat=True)) == [4, 5, 6]
