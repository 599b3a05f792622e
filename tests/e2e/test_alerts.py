"""Email alerts in a real browser: sign up, confirm from the emailed link, change preferences, unsubscribe.

Every page is checked with axe at 1280 px and at 320 px, where it must not scroll sideways.
"""

import re
from urllib.parse import urlsplit

import pytest

from lscb_portal.core.models import OutboxMessage, Subscriber
from lscb_portal.core.subscriptions import MailingList
from tests.e2e.conftest import check_both_widths


@pytest.fixture
def alert_lists(only_lists):
    only_lists(
        MailingList(
            key="newsletters.series.frontline",
            title="Frontline News",
            description="The board's newsletter for practitioners, about every two months.",
        ),
        MailingList(
            key="procedures.updates",
            title="Procedure updates",
            description="New, changed and withdrawn chapters of the procedures manual.",
            supports_major_only=True,
        ),
        MailingList(key="training.alerts", title="Training places", description="New courses and freed places."),
    )


def test_sign_up_confirm_and_change_preferences(live_server, demo_board, alert_lists, page):
    page.goto(f"{live_server.url}/alerts/")
    check_both_widths(page)

    page.get_by_label("Frontline News").check()
    page.get_by_label("Procedure updates").check()
    page.get_by_label("Weekly digest").check()
    page.get_by_label("Only tell me about major changes").check()
    page.get_by_label("Email address", exact=True).fill("dsl@riverside.example.org")
    page.get_by_label(re.compile("^I agree that Northbrook Safeguarding Children Partnership")).check()
    page.get_by_role("button", name="Subscribe").click()

    assert page.locator("h1").inner_text() == "Check your email"
    check_both_widths(page)

    message = OutboxMessage.objects.get(to="dsl@riverside.example.org")
    confirm_link = re.search(r"https?://\S+/alerts/confirm/\S+/", message.body_text).group(0)
    page.goto(f"{live_server.url}{urlsplit(confirm_link).path}")
    assert page.locator("h1").inner_text() == "Confirm your email alerts"
    check_both_widths(page)
    assert Subscriber.objects.get().confirmed_at is None

    page.get_by_role("button", name="Confirm my alerts").click()

    assert page.locator("h1").inner_text() == "Your email alerts"
    assert "You have subscribed to email alerts" in page.locator(".govuk-notification-banner").inner_text()
    check_both_widths(page)
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is not None

    page.get_by_label("Frontline News").uncheck()
    page.get_by_label("Training places").check()
    page.get_by_label("As it happens").check()
    page.get_by_role("button", name="Save").click()

    assert "Your email alerts have been updated" in page.locator(".govuk-notification-banner").inner_text()
    assert list(subscriber.subscriptions.values_list("list_key", "frequency", "major_only")) == [
        ("procedures.updates", "immediate", True),
        ("training.alerts", "immediate", False),
    ]

    page.get_by_role("link", name="Unsubscribe from Training places").click()
    assert page.locator("h1").inner_text() == "Unsubscribe from Training places"
    check_both_widths(page)
    page.get_by_role("button", name="Unsubscribe").click()

    assert "You have unsubscribed from Training places" in page.locator(".govuk-notification-banner").inner_text()
    assert list(subscriber.subscriptions.values_list("list_key", flat=True)) == ["procedures.updates"]


def test_the_error_summary_is_accessible_and_moves_focus_to_the_field(live_server, demo_board, alert_lists, page):
    page.goto(f"{live_server.url}/alerts/")
    page.get_by_role("button", name="Subscribe").click()

    summary = page.locator(".govuk-error-summary")
    assert "Select at least one email alert" in summary.inner_text()
    assert page.title().startswith("Error: ")
    check_both_widths(page)

    summary.get_by_role("link", name="Select at least one email alert").click()
    assert page.evaluate("document.activeElement.id") == "id_lists_newsletters_1"


def test_an_expired_link_page_is_accessible(live_server, demo_board, alert_lists, page):
    response = page.goto(f"{live_server.url}/alerts/confirm/not-a-real-token/")

    assert response.status == 400
    assert page.locator("h1").inner_text() == "This link is not valid"
    check_both_widths(page)
