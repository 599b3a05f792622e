"""Training's share of the security review: the booked page, the report's CSV, "my training" links, erasure."""

import csv
import io
import re
import zlib

import pytest
from django.contrib.auth.models import Group, User
from django.core import signing

from lscb_portal.core import privacy
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from lscb_portal.core.signing import sign
from training import links, services
from training.models import Booking, BookingStatus

from .factories import BookingFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_the_booked_page_is_never_stored(client, make_attendee):
    session = SessionFactory()
    booking = services.booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)
    browser_session = client.session
    browser_session["training_booked"] = booking.reference
    browser_session.save()

    response = client.get(f"/training/sessions/{session.pk}/booked/")

    assert response.status_code == 200
    assert booking.reference in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_yearly_report_csv_cannot_carry_a_spreadsheet_formula(client):
    user = User.objects.create_user("reportreader", is_staff=True)
    user.groups.add(Group.objects.get(name=TRAINING_ADMINISTRATORS))
    client.force_login(user)
    import datetime as dt

    session = SessionFactory(starts_at=dt.datetime(2026, 6, 10, 9, 30, tzinfo=dt.UTC))
    BookingFactory(
        session=session,
        organisation=OrganisationFactory(name='=HYPERLINK("https://evil.example.com","Riverside")'),
        status=BookingStatus.ATTENDED,
    )

    rows = list(csv.reader(io.StringIO(client.get("/admin/training/session/report/2026/report.csv").content.decode())))

    organisation_rows = [row for row in rows if row[0] == "Attended by organisation"]
    assert organisation_rows == [
        ["Attended by organisation", '\'=HYPERLINK("https://evil.example.com","Riverside")', "1", "0"]
    ]


def test_the_my_training_link_does_not_carry_the_email_address(make_attendee):
    booking = services.booking_create(
        session=SessionFactory(),
        attendee=make_attendee(email="helen.marsh@riverside.example.org"),
        eligibility_confirmed=False,
    )

    token = links.my_training_token(booking.email)
    payload = token.split(":")[0]
    decoded = signing.b64_decode(payload.lstrip(".").encode())
    if payload.startswith("."):
        decoded = zlib.decompress(decoded)

    assert "helen" not in token.lower()
    assert b"helen" not in decoded.lower()
    assert links.email_from_my_training_token(token) == "helen.marsh@riverside.example.org"


def test_an_old_email_token_is_refused():
    old = sign(links.MY_TRAINING, "helen.marsh@riverside.example.org")

    with pytest.raises(links.BadLink):
        links.email_from_my_training_token(old)


def test_erasing_a_person_frees_the_places_they_held_and_offers_them(make_attendee, jobs):
    session = SessionFactory(capacity=1)
    held = services.booking_create(
        session=session, attendee=make_attendee(email="erase.me@riverside.example.org"), eligibility_confirmed=False
    )
    waiting = services.booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)
    assert (held.status, waiting.status) == (BookingStatus.CONFIRMED, BookingStatus.WAITING)

    privacy.erase_personal_data(email="erase.me@riverside.example.org")

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == BookingStatus.CANCELLED
    assert held.email.endswith("@erased.invalid")
    assert waiting.status == BookingStatus.OFFERED
    assert not re.search("erase.me", str(list(Booking.history.values_list("email", flat=True))))
