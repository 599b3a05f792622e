"""The README's "Security" checks, one test each, in the README's order. Run them with `pytest tests/security`."""

import datetime as dt
import json
import logging
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core.models import OutboxMessage, OutboxStatus, WorkerHeartbeat
from lscb_portal.core.privacy import erase_personal_data
from lscb_portal.core.roles import BOARD_MANAGERS
from newsletters.documents import validate_document
from tests.core.factories import StaffUserFactory, TOTPDeviceFactory
from tests.core.test_staff_security_two_factor import code_for
from tests.newsletters.factories import ArticleFactory
from tests.test_settings import run_django
from tests.training.factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory
from training import links
from training.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror="alert(1)">'


def booking_form(**overrides) -> dict:
    return {
        "attendee_name": "Helen Marsh",
        "email": "helen.marsh@riverside.example.org",
        "organisation": "Riverside Primary School",
        "role": "Designated safeguarding lead",
    } | overrides


def board_manager():
    user = StaffUserFactory(username="board-manager")
    user.groups.add(Group.objects.get(name=BOARD_MANAGERS))
    return user


# 1
def test_01_every_page_carries_the_security_headers_and_a_script_nonce(client):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert re.search(r"script-src [^;]*'nonce-[A-Za-z0-9+/=_-]+'", csp)
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


# 2
def test_02_production_cookies_are_secure_host_only_httponly_and_samesite():
    dump = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        "s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT]))"
    )

    values = json.loads(run_django(["-c", dump]).stdout.strip().splitlines()[-1])

    assert values == ["__Host-sessionid", True, True, "Lax", "__Host-csrftoken", True, True, True]


# 3
def test_03_a_form_posted_without_its_csrf_token_is_refused():
    session = SessionFactory()
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/training/sessions/{session.pk}/", booking_form())

    assert response.status_code == 403
    assert not Booking.objects.exists()


# 4
def test_04_following_a_link_changes_nothing_only_a_confirmed_post_does(client):
    booking = BookingFactory()
    cancel = f"/training/bookings/{links.booking_token(booking)}/cancel/"

    client.get(cancel)
    client.head(cancel)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    client.post(cancel)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


# 5
def test_05_a_tampered_or_expired_signed_link_is_refused_without_a_fault(client):
    booking = BookingFactory()
    token = links.booking_token(booking)

    tampered = client.get(f"/training/bookings/{token[:-4]}AAAA/")
    with time_machine.travel(booking.session.ends_at + dt.timedelta(minutes=1)):
        expired = client.get(f"/training/bookings/{token}/")

    assert tampered.status_code == 400
    assert expired.status_code == 410
    assert "no-store" in tampered["Cache-Control"]


# 6
def test_06_a_session_is_never_oversold(client):
    session = SessionFactory(capacity=5)

    for n in range(7):
        client.post(
            f"/training/sessions/{session.pk}/",
            booking_form(email=f"delegate{n}@riverside.example.org"),
            REMOTE_ADDR=f"192.0.2.{n}",
        )

    statuses = sorted(Booking.objects.values_list("status", flat=True))
    assert statuses.count(BookingStatus.CONFIRMED) == 5
    assert statuses.count(BookingStatus.WAITING) == 2


# 7
def test_07_uploads_are_judged_by_content_and_active_pdfs_refused():
    from django.core.exceptions import ValidationError

    disguised = SimpleUploadedFile("guidance.pdf", b"MZ\x90\x00 a program, not a document")
    active = SimpleUploadedFile("guidance.pdf", b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (x) >> >>\n%%EOF")

    for upload in (disguised, active):
        with pytest.raises(ValidationError):
            validate_document(upload)


# 8
def test_08_erasure_leaves_the_address_nowhere(jobs):
    booking = BookingFactory(email="erase.me@riverside.example.org")
    OutboxMessage.objects.create(to="erase.me@riverside.example.org", subject="Booked", body_text="Hello")

    erase_personal_data(email="erase.me@riverside.example.org")

    assert not Booking.objects.filter(email__icontains="erase.me").exists()
    assert not OutboxMessage.objects.filter(to__icontains="erase.me").exists()
    assert Booking.objects.filter(pk=booking.pk).exists()  # kept, anonymous, for the board's figures


# 9
def test_09_no_redirect_leads_off_the_site(client):
    device = TOTPDeviceFactory()
    client.force_login(device.user)

    response = client.post("/admin/two-factor/", {"token": code_for(device), "next": "https://evil.example.com/"})

    assert response.url == "/admin/"


# 10
def test_10_hostile_input_is_shown_as_text_and_never_faults(client):
    responses = [
        client.get("/search/", {"q": HOSTILE + " '); DROP TABLE training_booking;"}),
        client.get("/training/", {"topic": HOSTILE, "month": "9999-99"}),
        client.post("/alerts/", {"email": HOSTILE}),
    ]

    for response in responses:
        assert response.status_code in (200, 400)
        assert HOSTILE not in response.content.decode()
    assert Booking.objects.model._meta.db_table in connection.introspection.table_names()


# 11
def test_11_a_lost_database_answers_503_not_a_fault(client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


# 12
def test_12_the_outbox_never_shows_a_secret_link(client):
    StaffUserFactory(username="root", email="root@partnership.example.org", is_superuser=True)
    client.post("/admin/password-reset/", {"email": "root@partnership.example.org"})
    message = OutboxMessage.objects.get(category="staff.password_reset")
    token = re.search(r"/admin/password-reset/\S+/(\S+)/", message.body_text).group(1)
    manager = board_manager()
    TOTPDeviceFactory(user=manager)
    client.force_login(manager)
    client.post("/admin/two-factor/", {"token": code_for(manager.totpdevice_set.get())})

    page = client.get(reverse("admin:core_outboxmessage_change", args=[message.pk])).content.decode()

    assert token not in page


# 13
def test_13_a_password_alone_neither_opens_the_admin_nor_sets_up_a_second_factor(client):
    user = StaffUserFactory(username="new-starter", is_superuser=True)
    client.force_login(user)

    index = client.get("/admin/", follow=True)
    setup = client.get("/admin/two-factor/set-up/", follow=True)

    assert index.redirect_chain[-1][0].startswith("/admin/two-factor/enrol/")
    assert "data:image/svg+xml" not in setup.content.decode()


# 14
def test_14_repeated_wrong_passwords_lock_that_username_from_that_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    StaffUserFactory(username="target")
    for _ in range(3):
        client.post(reverse("admin:login"), {"username": "target", "password": "wrong"}, REMOTE_ADDR="203.0.113.4")

    locked = client.post(
        reverse("admin:login"),
        {"username": "target", "password": "harbour-lantern-meadow-42"},
        REMOTE_ADDR="203.0.113.4",
    )

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


# 15
def test_15_labels_show_typed_names_as_text(client):
    booking = BookingFactory(organisation=OrganisationFactory(name=HOSTILE))

    page = client.get(f"/training/bookings/{links.booking_token(booking)}/transfer/").content.decode()

    assert HOSTILE not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


# 16
def test_16_healthz_says_degraded_when_the_worker_stops_or_email_fails(client):
    WorkerHeartbeat.objects.create(worker="worker-1", seen_at=timezone.now() - dt.timedelta(minutes=5))
    OutboxMessage.objects.create(to="a@example.org", subject="x", body_text="x", status=OutboxStatus.FAILED)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert len(response.json()["problems"]) == 2


# 17
@pytest.mark.usefixtures("clock_held")
def test_17_anonymous_booking_is_limited_and_cannot_approve_itself(client):
    session = SessionFactory(capacity=100, course=CourseFactory(requires_manager_approval=True))

    self_approved = client.post(
        f"/training/sessions/{session.pk}/",
        booking_form(manager_name="Me", manager_email="helen.marsh+boss@riverside.example.org"),
    )
    burst = [
        client.post(
            f"/training/sessions/{session.pk}/",
            booking_form(email=f"d{n}@riverside.example.org", manager_name="Boss", manager_email="boss@example.org"),
        ).status_code
        for n in range(15)
    ]

    assert self_approved.status_code == 200
    assert 429 in burst
    assert Booking.objects.count() < 10


# 18
def test_18_drafts_need_a_verified_staff_session(client):
    article = ArticleFactory()
    manager = board_manager()
    TOTPDeviceFactory(user=manager)
    client.force_login(manager)

    response = client.get(article.issue.get_preview_url())

    assert response.status_code == 302
    assert response.url.startswith("/admin/two-factor/")


# 19
def test_19_only_get_head_and_post_and_no_oversized_bodies(client):
    assert client.options("/").status_code == 405
    assert client.generic("TRACE", "/").status_code == 405
    assert client.head("/alerts/").status_code == 200
    big = SimpleUploadedFile("big.pdf", b"0" * (2 * 1024 * 1024))
    assert client.post("/alerts/", {"email": "a@example.org", "file": big}).status_code == 413


# 20
def test_20_tokens_and_addresses_stay_out_of_logs_and_links(client, caplog):
    booking = BookingFactory(email="helen.marsh@riverside.example.org")
    token = links.booking_token(booking)
    caplog.set_level(logging.INFO)

    client.get(f"/training/bookings/{token}/no-such-page/")

    assert token not in caplog.text
    assert "helen" not in links.my_training_token(booking.email)
