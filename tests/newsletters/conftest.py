import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded documents go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def manager_client(client, db):
    """A client logged in as a board manager (named "editor", with an email address)."""
    from lscb_portal.core.roles import BOARD_MANAGERS
    from tests.core.factories import StaffUserFactory

    client.force_login(StaffUserFactory(username="editor", email="editor@board.example.org", role=BOARD_MANAGERS))
    return client
