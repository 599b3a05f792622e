"""python manage.py import_issue FILE... --series SLUG [--number N] [--date YYYY-MM-DD] [--archive]"""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from lscb_portal.core.models import OutboxMessage
from newsletters.models import Issue, IssueStatus
from tests.newsletters import newsletter_files as files
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory, subscribe


@pytest.fixture
def series(db):
    return SeriesFactory(title="Frontline News", slug="frontline-news")


@pytest.fixture
def documents(tmp_path):
    made = {
        "spring-2018.md": files.markdown_text().encode(),
        "spring-2018.docx": files.docx_bytes(),
        "spring-2018.pdf": files.pdf_bytes(),
        "spring-2018.txt": files.plain_text().encode(),
    }
    for name, content in made.items():
        (tmp_path / name).write_bytes(content)
    return tmp_path


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_issue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", ["spring-2018.md", "spring-2018.docx", "spring-2018.pdf", "spring-2018.txt"])
def test_each_kind_of_file_gives_a_draft_with_the_right_articles(series, documents, name):
    out, _ = run(str(documents / name), "--series", "frontline-news")
    issue = Issue.objects.get(series=series)
    assert issue.status == IssueStatus.DRAFT
    assert (issue.number, issue.title, issue.issue_date) == (4, "March 2018", date(2018, 3, 1))
    assert list(issue.articles.order_by("position").values_list("title", flat=True)) == files.TITLES
    assert "Welcome to the spring edition" in issue.foreword
    assert f"http://127.0.0.1:8000/admin/newsletters/issue/{issue.pk}/change/" in out or (
        f"/admin/newsletters/issue/{issue.pk}/change/" in out
    )
    assert "/newsletters/frontline-news/4/" in out


def test_several_files_with_a_number_and_a_date(series, documents):
    out, _ = run(
        str(documents / "spring-2018.md"), str(documents / "spring-2018.docx"),
        "--series", "frontline-news", "--number", "20", "--date", "2018-05-14",
    )  # fmt: skip
    issues = list(Issue.objects.filter(series=series).order_by("number"))
    assert [issue.number for issue in issues] == [20, 21]
    assert {issue.issue_date for issue in issues} == {date(2018, 5, 14)}
    assert issues[0].date_label == "14 May 2018"
    assert out.count("admin:") == 2


def test_archive_publishes_under_its_own_date_and_emails_nobody(series, documents, jobs):
    ArticleFactory(issue=IssueFactory(series=series, number=30, issue_date=date(2026, 10, 1), published=True))
    subscribe(series)
    OutboxMessage.objects.all().delete()
    out, _ = run(str(documents / "spring-2018.docx"), "--series", "frontline-news", "--archive")
    issue = Issue.objects.get(series=series, number=4)
    assert issue.is_public
    assert issue.issue_date == date(2018, 3, 1)
    assert issue.mail_subscribers is False
    assert not OutboxMessage.objects.exists()
    assert "nobody emailed" in out
    from newsletters import selectors

    assert selectors.latest_issues(limit=1)[0].number == 30


def test_bad_input_is_reported_not_raised(series, documents, tmp_path):
    (tmp_path / "junk.docx").write_bytes(b"not a word file")
    (tmp_path / "virus.exe").write_bytes(b"MZ")
    with pytest.raises(CommandError, match="3 of 4 files not imported"):
        run(
            str(tmp_path / "junk.docx"), str(tmp_path / "virus.exe"), str(tmp_path / "missing.md"),
            str(documents / "spring-2018.md"), "--series", "frontline-news",
        )  # fmt: skip
    assert Issue.objects.count() == 1


def test_a_taken_number_and_an_unknown_series(series, documents):
    IssueFactory(series=series, number=4)
    with pytest.raises(CommandError):
        run(str(documents / "spring-2018.md"), "--series", "frontline-news")
    assert Issue.objects.count() == 1
    with pytest.raises(CommandError, match="No series"):
        run(str(documents / "spring-2018.md"), "--series", "nope")


def test_a_number_out_of_range_is_reported(series, documents):
    with pytest.raises(CommandError, match="1 of 1 file not imported"):
        run(str(documents / "spring-2018.md"), "--series", "frontline-news", "--number", "99999999999")
    assert not Issue.objects.exists()
