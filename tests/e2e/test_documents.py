"""The documents in the browser: an employer checks a certificate's code by keyboard (axe at 1280 and 320 pixels),
and a reader finds the issue's PDF link on the issue page."""

import datetime

import pytest
from playwright.sync_api import expect

from lscb_portal.core import pdf
from newsletters.models import Issue
from tests.e2e.conftest import check_both_widths, tab_to
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
from training import certificates
from training.models import BookingStatus, Certificate


@pytest.fixture
def certificate(demo_board):
    starts = datetime.datetime(2026, 10, 13, 9, 30, tzinfo=datetime.UTC)
    session = SessionFactory(
        course=CourseFactory(title="Neglect: Recognising and Responding"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    booking = BookingFactory(session=session, status=BookingStatus.ATTENDED, attendee_name="Zoë Ní Bhriain")
    return Certificate.objects.create(booking=booking, code="K7PM4QXD")


def test_an_employer_checks_a_certificate_by_keyboard(live_server, certificate, page):
    page.goto(f"{live_server.url}/training/certificates/verify/")
    expect(page.locator("h1")).to_have_text("Check a certificate of attendance")
    check_both_widths(page)

    tab_to(page, "#id_code")
    page.keyboard.type("k7pm 4qxd")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Genuine certificate")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Zoë Ní Bhriain")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Neglect: Recognising and Responding")
    check_both_widths(page)

    page.locator("#id_code").fill("ABCD-EFGH")
    page.locator("#id_code").press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("No certificate has this code")
    check_both_widths(page)
    assert certificates.verify("K7PM-4QXD").name == "Zoë Ní Bhriain"


def test_the_issue_page_links_its_pdf_with_its_size(live_server, demo_board, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue = IssueFactory(series=SeriesFactory(slug="frontline", title="Frontline News"), number=7, published=True)
    ArticleFactory(issue=issue, position=1, title="Neglect toolkit relaunched")
    stored = pdf.store_pdf(name="newsletters/issues/frontline-issue-7.pdf", content=b"%PDF-1.7 " + b"x" * 3000)
    Issue.objects.filter(pk=issue.pk).update(pdf=stored.name, pdf_size=stored.size)

    page.goto(f"{live_server.url}/newsletters/frontline/7/")
    link = page.get_by_role("link", name="Download this issue as a PDF, 3 KB")
    expect(link).to_have_attribute("href", "/newsletters/frontline/7/issue.pdf")
    check_both_widths(page)
