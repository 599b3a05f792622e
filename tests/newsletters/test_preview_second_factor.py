"""Previews and draft attachments need a verified staff session: the password alone is not enough."""

import pytest

from lscb_portal.core.roles import BOARD_MANAGERS
from tests.core.factories import StaffUserFactory, TOTPDeviceFactory
from tests.core.test_staff_security_two_factor import code_for
from tests.newsletters.factories import AttachmentFactory, read_streamed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


@pytest.fixture
def board_manager():
    user = StaffUserFactory(username="board-manager", role=BOARD_MANAGERS)
    TOTPDeviceFactory(user=user)
    return user


def test_a_password_only_session_gets_neither_the_preview_nor_a_draft_s_attachment(client, board_manager):
    document = AttachmentFactory(title="Draft neglect toolkit")
    issue = document.article.issue
    client.force_login(board_manager)

    preview = client.get(issue.get_preview_url())
    article = client.get(f"/newsletters/preview/{issue.pk}/{document.article.slug}/")
    attachment = client.get(document.get_absolute_url())

    for response in (preview, article, attachment):
        assert response.status_code == 302
        assert response.url.startswith("/admin/two-factor/?next=")
    assert b"%PDF" not in b"".join(attachment)


def test_a_verified_session_sees_the_preview_and_the_draft_s_attachment(client, board_manager):
    document = AttachmentFactory(title="Draft neglect toolkit")
    client.force_login(board_manager)
    client.post("/admin/two-factor/", {"token": code_for(board_manager.totpdevice_set.get())})

    preview = client.get(document.article.issue.get_preview_url())
    attachment = client.get(document.get_absolute_url())

    assert preview.status_code == 200
    assert attachment.status_code == 200
    assert read_streamed(attachment).startswith(b"%PDF-")
    assert "no-store" in attachment["Cache-Control"]
