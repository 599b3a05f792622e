import pytest


@pytest.fixture(autouse=True)
def _security_settings(settings):
    """Production's staff rules: the second factor required, rate limits on, emails linking to one site."""
    settings.STAFF_2FA_REQUIRED = True
    settings.RATE_LIMIT_SCALE = 1
    settings.SITE_URL = "https://portal.example.org"
