"""The privacy notice states what is kept, why, for how long (from the settings) and how to ask."""

import pytest
from django.urls import reverse

from lscb_portal.core.models import BoardSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db):
    board = BoardSettings.get_solo()
    board.data_protection_email = "dpo@board.example.org"
    board.save()
    return board


def test_states_each_period_from_the_defaults(client, board):
    html = client.get(reverse("pages:privacy")).content.decode()
    assert "removed 6 years after the session" in html
    assert "Deleted 1 week after the session" in html
    assert "never confirmed are deleted after 1 week" in html
    assert "Deleted after 1 year" in html
    assert "Why" in html
    assert 'href="mailto:dpo@board.example.org"' in html
    assert "govuk-summary-card" in html


def test_follows_the_settings(client, board, settings):
    settings.PRIVACY_BOOKINGS_KEPT_YEARS = 3
    settings.PRIVACY_NEEDS_KEPT_DAYS = 14
    settings.PRIVACY_UNCONFIRMED_SUBSCRIBERS_KEPT_DAYS = 10
    settings.PRIVACY_CONTRIBUTIONS_KEPT_DAYS = 730
    html = client.get(reverse("pages:privacy")).content.decode()
    assert "removed 3 years after the session" in html
    assert "Deleted 2 weeks after the session" in html
    assert "never confirmed are deleted after 10 days" in html
    assert "Deleted after 2 years" in html
