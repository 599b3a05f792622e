"""A request body larger than the form could ever need is refused before anything is read or stored."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.newsletters.factories import IssueFactory

pytestmark = pytest.mark.django_db


def test_a_60_mb_file_posted_to_the_feedback_form_is_refused_and_never_written(client, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    issue = IssueFactory(published=True)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (60 * 1024 * 1024), content_type="application/pdf")

    response = client.post(f"{issue.get_absolute_url()}feedback/", {"useful": "yes", "file": big})

    assert response.status_code == 413
    assert list(Path(tmp_path).iterdir()) == []


def test_an_ordinary_form_still_posts(client):
    issue = IssueFactory(published=True)

    response = client.post(f"{issue.get_absolute_url()}feedback/", {"useful": "yes"})

    assert response.status_code == 302
