"""Attachments: the type is judged by content, the size is limited, and files are streamed from storage."""

import pytest
from django.core.exceptions import ValidationError

from newsletters.documents import DocumentType, validate_document
from newsletters.models import Attachment
from tests.newsletters.factories import (
    ArticleFactory,
    AttachmentFactory,
    IssueFactory,
    office_bytes,
    pdf_bytes,
    read_streamed,
    upload,
)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("guidance.pdf", pdf_bytes(), DocumentType.PDF),
        ("booking-form.docx", office_bytes("word/"), DocumentType.DOCX),
        ("briefing.pptx", office_bytes("ppt/"), DocumentType.PPTX),
        ("indicators.XLSX", office_bytes("xl/"), DocumentType.XLSX),
    ],
)
def test_genuine_documents_are_accepted(db, name, content, kind):
    assert validate_document(upload(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("flyer.docx", pdf_bytes(), "ends in .docx but it is a PDF"),
        ("flyer.pdf", office_bytes("word/"), "ends in .pdf but it is a Word document"),
        ("slides.pptx", office_bytes("xl/"), "Excel spreadsheet"),
        ("notes.pdf", b"<html><script>alert(1)</script></html>", "not a genuine"),
        ("archive.docx", b"PK\x03\x04 not really a zip", "not a genuine"),
        ("program.exe", b"MZ\x90\x00", "must be a PDF, DOCX, PPTX or XLSX"),
    ],
)
def test_content_that_does_not_match_its_extension_is_refused(db, name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_document(upload(name, content))


def test_a_zip_without_office_parts_is_refused(db):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="not a genuine"):
        validate_document(upload("report.docx", buffer.getvalue()))


def test_files_over_the_size_limit_are_refused(db, settings):
    settings.NEWSLETTER_ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="must be smaller than 50"):
        validate_document(upload("big.pdf", pdf_bytes() + b" " * 100))


def test_the_model_refuses_a_mismatched_upload_on_full_clean(db):
    attachment = Attachment(article=ArticleFactory(), title="Flyer", file=upload("flyer.pdf", office_bytes()))
    with pytest.raises(ValidationError) as error:
        attachment.full_clean()
    assert "file" in error.value.message_dict


def test_a_published_attachment_is_streamed_with_its_type_and_name(client, db):
    document = AttachmentFactory(
        title="Booking form 2018",
        file=upload("form.docx", office_bytes()),
        article__issue=IssueFactory(published=True),
    )
    assert document.file_type == DocumentType.DOCX
    assert document.size == len(office_bytes())
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == DocumentType.DOCX.mimetype
    assert response["Content-Disposition"] == 'attachment; filename="booking-form-2018.docx"'
    assert read_streamed(response) == office_bytes()


def test_a_pdf_opens_in_the_browser(client, db):
    document = AttachmentFactory(article__issue=IssueFactory(published=True))
    response = client.get(document.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert read_streamed(response).startswith(b"%PDF-")


def test_a_draft_issue_s_attachment_is_not_found(client, db):
    document = AttachmentFactory()
    assert client.get(document.get_absolute_url()).status_code == 404


def test_the_issue_page_shows_the_type_and_size(client, db):
    document = AttachmentFactory(title="Neglect toolkit", article__issue=IssueFactory(published=True))
    html = client.get(document.article.issue.get_absolute_url()).content.decode()
    assert "Neglect toolkit" in html
    assert "(PDF, 77\xa0bytes)" in html


@pytest.mark.parametrize(
    "active",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/AA << /O << /S /JavaScript /JS (x) >> >>",
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /JavaScript 3 0 R >>",
        b"/OpenAction<</S/URI/URI(https://evil.example.com/)>>",
    ],
)
def test_a_pdf_that_runs_something_when_opened_is_refused(db, active):
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog " + active + b" >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

    with pytest.raises(ValidationError, match="runs actions when it is opened"):
        validate_document(upload("guidance.pdf", content))


def test_pdfs_are_sent_sandboxed(client, db):
    document = AttachmentFactory(article__issue=IssueFactory(published=True))

    response = client.get(document.get_absolute_url())

    assert read_streamed(response).startswith(b"%PDF-")
    assert response["Content-Security-Policy"] == "sandbox"
