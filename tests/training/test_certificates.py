"""Certificates of attendance: a tagged A4 landscape PDF for a name in any script, made by a job once the
evaluation is in, downloaded from storage, and checked by an employer at /training/certificates/verify/."""

import datetime
import io
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from lscb_portal.core import pdf
from lscb_portal.core.models import BoardSettings
from tests.pdfs import assert_accessible, read_pdf
from training import certificates, links, services, tasks
from training.models import BookingStatus, Certificate, Length

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
A4_LANDSCAPE = (841.89, 595.28)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def board():
    board = BoardSettings.get_solo()
    board.name = "Northbrook Safeguarding Children Partnership"
    board.training_lead_name = "Bronagh McAleese"
    board.training_lead_role = "Learning and Development Manager"
    logo = io.BytesIO()
    Image.new("RGB", (240, 80), "#0b4f6c").save(logo, "PNG")
    board.logo.save("logo.png", ContentFile(logo.getvalue()), save=False)
    board.save()
    return board


def attended_booking(name: str, *, trainers: str = "Helen Marsh, Tomasz Nowak", **course):
    starts = datetime.datetime(2026, 10, 13, 9, 30, tzinfo=LONDON)
    session = SessionFactory(
        course=CourseFactory(title="Neglect: Recognising and Responding", **course),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        trainers=trainers,
    )
    return BookingFactory(session=session, status=BookingStatus.ATTENDED, attendee_name=name)


def issued(booking) -> Certificate:
    services.evaluation_submit(
        booking=booking, answers=services.EvaluationAnswers(2, 4, 2, 4, "Use the neglect toolkit with families.")
    )
    return Certificate.objects.get(booking=booking)


def test_a_certificate_says_who_what_when_how_long_who_trained_and_how_to_check_it(board, settings):
    booking = attended_booking("Łukasz Wiśniewski-Öztürk", trainers="Zoë Ní Bhriain, 王秀英")
    certificate = issued(booking)
    started = time.monotonic()
    document = read_pdf(certificates.certificate_pdf_bytes(certificate))
    print(f"certificate rendered in {time.monotonic() - started:.2f} s")  # noqa: T201 (shown with -s)

    assert_accessible(
        document, title="Certificate of attendance: Łukasz Wiśniewski-Öztürk, Neglect: Recognising and Responding"
    )
    assert len(document.pages) == 1
    assert document.page_sizes[0] == pytest.approx(A4_LANDSCAPE, abs=0.5)
    lines = document.lines
    for expected in [
        "Northbrook Safeguarding Children Partnership",
        "Certificate of attendance",
        "Łukasz Wiśniewski-Öztürk",
        "Neglect: Recognising and Responding",
        "Tuesday 13 October 2026, 9:30am to 12:30pm",
        "3 hours of continuing professional development (CPD)",
        "Recognise the signs of neglect",
        "Know how to make a referral",
        "Zoë Ní Bhriain, 王秀英",
        "Bronagh McAleese",
        "Learning and Development Manager",
    ]:
        assert expected in lines, expected
    code = certificate.printed_code
    assert f"Certificate code {code} · reference {booking.reference} · Check that it is genuine at" in document.text
    assert f"{settings.SITE_URL}/training/certificates/verify/?code={code}" in document.links
    assert "/Figure" in document.structure_tags  # the board's logo, with its alternative text


@pytest.mark.parametrize("name", ["Zoë Ní Bhriain", "فاطمة الزهراء", "王秀英", "Ștefan Țăranu-Gökçe"])
def test_a_name_in_any_script_comes_back_from_the_pdf_unchanged(name):
    document = read_pdf(certificates.certificate_pdf_bytes(issued(attended_booking(name))))
    assert name in document.lines
    assert document.title.startswith(f"Certificate of attendance: {name}, ")


@pytest.mark.parametrize(
    ("length", "hours", "minutes", "expected"),
    [(Length.HALF_DAY, None, 180, "3"), (Length.FULL_DAY, None, 6 * 60 + 10, "6"), (Length.HOURS, "2.5", 240, "2.5")],
)
def test_cpd_hours_are_the_courses_stated_hours_or_the_time_of_its_days_to_the_half_hour(
    length, hours, minutes, expected
):
    starts = datetime.datetime(2026, 10, 13, 9, 30, tzinfo=LONDON)
    course = CourseFactory(length=length, length_hours=Decimal(hours) if hours else None)
    session = SessionFactory(course=course, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=minutes))
    assert certificates.cpd_hours(session) == Decimal(expected)


def test_a_course_over_two_dates_lists_both_and_counts_the_hours_of_both():
    booking = attended_booking("Zoë Ní Bhriain")
    session = booking.session
    first = datetime.datetime(2026, 10, 23, 9, 30, tzinfo=LONDON)
    second = datetime.datetime(2026, 10, 30, 9, 30, tzinfo=LONDON)
    services.session_parts_set(
        session=session,
        parts=[
            services.PartDates(starts_at=first, ends_at=first + datetime.timedelta(hours=3)),
            services.PartDates(starts_at=second, ends_at=second + datetime.timedelta(hours=3, minutes=30)),
        ],
    )
    booking.refresh_from_db()
    facts = certificates.facts_for(issued(booking))
    assert facts.dates == ["Friday 23 October 2026, 9:30am to 12:30pm", "Friday 30 October 2026, 9:30am to 1pm"]
    assert facts.hours_label == "6.5 hours"


def test_the_evaluation_issues_the_certificate_and_a_job_makes_the_pdf_the_delegate_downloads(client, jobs):
    booking = attended_booking("Zoë Ní Bhriain")
    certificate = issued(booking)
    token = links.certificate_token(booking)
    page_url = reverse("training:certificate", kwargs={"token": token})
    download_url = reverse("training:certificate_pdf", kwargs={"token": token})

    assert len(certificate.code) == 8
    assert [job["args"] for job in jobs.pending("training.make_certificate_pdf")] == [
        {"certificate_id": certificate.pk}
    ]
    page = client.get(page_url).content.decode()
    assert "Your certificate's PDF is being made" in page
    assert certificate.printed_code in page
    assert client.get(download_url)["Location"] == page_url

    jobs.run()
    certificate.refresh_from_db()
    assert certificate.pdf.name.startswith(f"training/certificates/certificate-{booking.reference}")
    assert "Download the certificate (PDF, " in client.get(page_url).content.decode()
    response = client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    assert "Zoë Ní Bhriain" in read_pdf(b"".join(response.streaming_content)).lines


def test_the_download_serves_the_kept_copy_and_renders_nothing(client, monkeypatch, django_assert_max_num_queries):
    booking = attended_booking("Zoë Ní Bhriain")
    certificate = issued(booking)
    stored = pdf.store_pdf(name="training/certificates/kept.pdf", content=b"%PDF-1.7 kept certificate")
    Certificate.objects.filter(pk=certificate.pk).update(pdf=stored.name, pdf_size=stored.size)

    def no_render(*args, **kwargs):
        raise AssertionError("a document was rendered during a reader's request")

    monkeypatch.setattr(pdf, "html_to_pdf", no_render)
    url = reverse("training:certificate_pdf", kwargs={"token": links.certificate_token(booking)})
    started = time.monotonic()
    with django_assert_max_num_queries(5):
        response = client.get(url)
        body = b"".join(response.streaming_content)
    assert time.monotonic() - started < 1.0
    assert body == b"%PDF-1.7 kept certificate"


def test_the_hourly_job_asks_for_any_certificate_without_a_pdf(jobs):
    certificate = issued(attended_booking("Amira Begum"))
    jobs.connector.jobs.clear()  # as if the job made on issue had been lost
    assert tasks.make_missing_certificate_pdfs(timestamp=0) == 1
    assert tasks.make_missing_certificate_pdfs(timestamp=0) == 0  # one waiting request is enough
    jobs.run()
    certificate.refresh_from_db()
    assert certificate.pdf


def test_an_employer_checks_a_code_and_sees_only_what_the_certificate_says(client):
    booking = attended_booking("Łukasz Wiśniewski-Öztürk")
    certificate = issued(booking)
    typed = certificate.printed_code.lower().replace("-", " ")
    response = client.get(reverse("training:verify_certificate"), {"code": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Genuine certificate" in html
    assert "Łukasz Wiśniewski-Öztürk" in html
    assert "Neglect: Recognising and Responding" in html
    assert "Tuesday 13 October 2026, 9:30am to 12:30pm" in html
    assert "3 hours" in html
    assert booking.email not in html
    assert booking.organisation.name not in html
    assert booking.role not in html


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ABCD-EFGH", "No certificate has this code"),
        ("AB12", "Enter the 8 letters and numbers of the code"),
        ("<script>alert(1)</script>", "Enter the 8 letters and numbers of the code"),
        ("", "Enter the code printed at the foot of the certificate"),
    ],
)
def test_a_wrong_or_hostile_code_is_answered_on_the_form(client, code, message):
    issued(attended_booking("Amira Begum"))
    response = client.get(reverse("training:verify_certificate"), {"code": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Genuine certificate" not in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.usefixtures("clock_held")
def test_checking_codes_is_rate_limited_per_client_address(client):
    url = reverse("training:verify_certificate")
    assert client.get(url).status_code == 200  # the empty form counts nothing
    answers = [client.get(url, {"code": f"ABCD-EFG{n}"}).status_code for n in "23456789ABCD"]
    assert answers[:10] == [200] * 10
    assert answers[10:] == [429, 429]


def test_erasing_the_delegate_deletes_the_certificate_and_its_pdf(jobs, django_capture_on_commit_callbacks):
    booking = attended_booking("Amira Begum")
    certificate = issued(booking)
    jobs.run()
    certificate.refresh_from_db()
    kept = certificate.pdf.name
    assert certificate.pdf.storage.exists(kept)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_personal_data", booking.email, "--yes")
    assert not Certificate.objects.exists()
    assert not certificate.pdf.storage.exists(kept)
