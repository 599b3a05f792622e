"""After the session, in a real browser: an administrator marks everyone attended on the register, then the one
who did not come (the register checked with axe); four weeks
later the attendee completes the impact evaluation through the emailed link and downloads the certificate.
The evaluation and certificate pages are checked with axe at 1280 px and at 320 px.
"""

import datetime
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

from lscb_portal.core.models import Organisation, OutboxMessage
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.e2e.conftest import axe_check, check_both_widths
from training import services
from training.models import Booking, BookingStatus, Charge, Course, Evaluation, Length, LengthRate, Session

PASSWORD = "orchard-lantern-kestrel-91"


@pytest.fixture
def delivered_session(demo_board, settings):
    settings.STAFF_2FA_REQUIRED = False
    administrator = User.objects.create_user("training-admin", password=PASSWORD, is_staff=True)
    administrator.groups.add(Group.objects.get(name=TRAINING_ADMINISTRATORS))
    # Live-server tests flush the database between tests, taking the policy's default rates with it.
    LengthRate.objects.update_or_create(
        length=Length.HALF_DAY, defaults={"partner_rate": Decimal("50.00"), "non_partner_rate": Decimal("75.00")}
    )
    course = Course.objects.create(
        title="Child Sexual Exploitation: Spotting the Signs",
        slug="cse-spotting-the-signs",
        summary="How exploitation starts, the signs to look for and what to do when you are worried.",
        length=Length.HALF_DAY,
    )
    starts = timezone.now() - datetime.timedelta(days=29)
    session = Session.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        booking_closes_at=starts - datetime.timedelta(days=2),
        venue_name="Northminster House, 1st Floor",
        capacity=12,
    )
    session.parts.create(starts_at=session.starts_at, ends_at=session.ends_at)
    school, _ = Organisation.objects.get_or_create(name="Riverside Primary School", defaults={"verified": True})
    for n, name in enumerate(["Amira Begum", "Tom Price"]):
        Booking.objects.create(
            session=session,
            sequence=n + 1,
            attendee_name=name,
            email=f"{name.split()[0].lower()}@riverside.example.org",
            organisation=school,
            role="Class teacher",
            status=BookingStatus.CONFIRMED,
        )
    return session


def _send_evaluations() -> int:
    try:
        return services.evaluations_send()
    finally:
        connection.close()


def test_attendance_then_evaluation_then_certificate(live_server, delivered_session, page, jobs):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "training-admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/training/session/{delivered_session.pk}/register/")
    amira = Booking.objects.get(attendee_name="Amira Begum")
    tom = Booking.objects.get(attendee_name="Tom Price")
    page.get_by_role("button", name="Mark everyone attended").click()  # everyone came, then the exception
    assert "Marked 2 delegate(s) attended." in page.content()
    assert page.is_checked(f"#attended-{amira.pk}")
    assert page.is_checked(f"#attended-{tom.pk}")
    axe_check(page)
    page.check(f"#absent-{tom.pk}")
    page.get_by_role("button", name="Save attendance").click()
    assert "Attendance saved: 1 delegate(s) updated." in page.content()
    assert page.is_checked(f"#absent-{tom.pk}")
    amira.refresh_from_db()
    assert amira.status == BookingStatus.ATTENDED
    assert Charge.objects.get().booking == tom

    # Amira asks for her certificate today: the administrator sends her the evaluation now.
    page.get_by_role("button", name="Send the evaluation now").click()
    assert "Emailed the evaluation to 1 delegate(s) who attended." in page.content()
    assert page.get_by_role("button", name="Send the evaluation now").is_disabled()
    axe_check(page)
    # The daily job, four weeks after the session, asks nobody twice. It queues worker jobs, which Playwright's
    # event loop in this thread does not allow, so it runs in its own thread as the worker would.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(_send_evaluations).result() == 0
    message = OutboxMessage.objects.get(to="amira@riverside.example.org", category="training.evaluation_request")
    link = re.search(r"https?://\S*/training/evaluations/\S+", message.body_text).group(0)

    page.context.clear_cookies()
    page.goto(live_server.url + urlsplit(link).path)
    assert "Child Sexual Exploitation: Spotting the Signs" in page.locator("h1").inner_text()
    check_both_widths(page)
    page.click("text=Send the evaluation")  # nothing chosen: the errors are shown
    assert "There is a problem" in page.content()
    check_both_widths(page)
    page.check("#id_knowledge_before_2")
    page.check("#id_knowledge_after_4")
    page.check("#id_confidence_before_2")
    page.check("#id_confidence_after_5")
    page.fill("#id_practice_change", "I will ask young people who they spend time with, online and offline.")
    page.click("text=Send the evaluation")

    page.wait_for_url("**/training/certificates/**")
    assert "Certificate of attendance" in page.locator("h1").inner_text()
    assert "Amira Begum" in page.content()
    assert Evaluation.objects.get().booking == amira
    check_both_widths(page)
    assert "Your certificate's PDF is being made" in page.content()
    jobs.run()  # the worker makes the PDF
    page.reload()
    with page.expect_download() as download_info:
        page.click("text=Download the certificate (PDF")
    download = download_info.value
    assert download.suggested_filename == f"certificate-{amira.reference}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
