"""The signed links: a booking's own page, cancel and transfer behind confirm pages, "my training"."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from training import links
from training.models import Booking, BookingStatus, EndReason

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _url(booking, action=""):
    return f"/training/bookings/{links.booking_token(booking)}/{action}"


def _snapshot():
    return list(Booking.objects.order_by("pk").values_list("pk", "status", "email", "cancelled_at"))


def test_the_booking_page_shows_the_booking_and_is_never_cached_or_indexed(client):
    booking = BookingFactory(attendee_name="Priya Shah")

    response = client.get(_url(booking))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Priya Shah" in html
    assert booking.reference in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Cancel your booking" in html
    assert "Pass your place to a colleague" in html


def test_a_tampered_link_is_refused_clearly(client):
    booking = BookingFactory()
    token = links.booking_token(booking)

    response = client.get(f"/training/bookings/{token[:-3]}abc/")

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_a_booking_link_cannot_be_used_as_an_approval_link(client):
    booking = BookingFactory(
        status=BookingStatus.PENDING_APPROVAL, hold_expires_at=timezone.now() + datetime.timedelta(days=1)
    )

    response = client.post(f"/training/approvals/{links.booking_token(booking)}/", {"decision": "approve"})

    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_APPROVAL


def test_a_link_for_another_reference_is_refused(client):
    booking = BookingFactory()
    forged = signing.dumps(
        {"v": {"b": booking.pk, "r": "TR-AAAAAA"}}, salt="lscb.link.training.booking", compress=True
    )

    assert client.get(f"/training/bookings/{forged}/").status_code == 400


def test_the_booking_link_expires_when_the_session_ends(client):
    booking = BookingFactory()
    url = _url(booking)

    with time_machine.travel(booking.session.ends_at + datetime.timedelta(minutes=1)):
        response = client.get(url)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_get_never_changes_anything(client):
    waiting = BookingFactory(status=BookingStatus.WAITING)
    confirmed = BookingFactory(session=waiting.session)
    offered = BookingFactory(
        session=waiting.session,
        status=BookingStatus.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=10),
    )
    pending = BookingFactory(
        status=BookingStatus.PENDING_APPROVAL, hold_expires_at=timezone.now() + datetime.timedelta(hours=10)
    )
    before = _snapshot()

    for url in [
        _url(confirmed),
        _url(confirmed, "cancel/"),
        _url(confirmed, "transfer/"),
        _url(waiting, "cancel/"),
        _url(confirmed, "calendar.ics"),
        f"/training/offers/{links.offer_token(offered)}/",
        f"/training/approvals/{links.approval_token(pending)}/",
        f"/training/my/{links.my_training_token(confirmed.email)}/",
    ]:
        assert client.get(url).status_code == 200, url

    assert _snapshot() == before


def test_cancelling_is_a_post_behind_a_confirm_page(client, outbox):
    booking = BookingFactory(session=SessionFactory(capacity=1))

    confirm = client.get(_url(booking, "cancel/")).content.decode()
    assert "Are you sure you want to cancel your booking?" in confirm
    response = client.post(_url(booking, "cancel/"), follow=True)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == EndReason.ATTENDEE
    assert booking.late_cancellation is False
    assert "Your booking has been cancelled" in response.content.decode()
    assert [message.subject for message in outbox(to=booking.email)] == [
        f"Booking cancelled: {booking.session.course.title} ({booking.reference})"
    ]


def test_after_booking_closes_the_cancel_page_says_the_charging_policy_applies(client):
    start = timezone.now() + datetime.timedelta(days=1)
    session = SessionFactory(
        starts_at=start,
        booking_closes_at=start - datetime.timedelta(days=1, hours=1),
        course=CourseFactory(non_attendance_charge="50.00"),
    )
    booking = BookingFactory(session=session)

    html = client.get(_url(booking, "cancel/")).content.decode()
    client.post(_url(booking, "cancel/"))

    assert "charged £50.00 for a place cancelled now" in html
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.late_cancellation is True


def test_a_place_passes_to_a_colleague_from_the_same_organisation(client, outbox):
    organisation = OrganisationFactory(name="Northbrook Police")
    booking = BookingFactory(organisation=organisation, email="dc.jones@police.example.org")

    response = client.post(
        _url(booking, "transfer/"),
        {
            "attendee_name": "DC Ana Lopes",
            "email": "ana.lopes@police.example.org",
            "role": "Detective constable",
            "same_organisation": "on",
        },
        follow=True,
    )

    booking.refresh_from_db()
    new = Booking.objects.get(email="ana.lopes@police.example.org")
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == EndReason.TRANSFERRED
    assert booking.transferred_to == new
    assert new.status == BookingStatus.CONFIRMED
    assert new.organisation == organisation
    assert "Your place has passed to DC Ana Lopes" in response.content.decode()
    assert len(outbox(to="ana.lopes@police.example.org")) == 1
    assert "passed to your colleague DC Ana Lopes" in outbox(to="dc.jones@police.example.org")[0].body_text
    assert "You passed this place to DC Ana Lopes" in client.get(_url(booking)).content.decode()


def test_a_transfer_to_someone_already_booked_is_refused_on_the_page(client):
    booking = BookingFactory()
    BookingFactory(session=booking.session, email="already@school.example.org")

    response = client.post(
        _url(booking, "transfer/"),
        {
            "attendee_name": "Al Ready",
            "email": "already@school.example.org",
            "role": "Teacher",
            "same_organisation": "on",
        },
    )

    assert "already@school.example.org already has a booking for this session" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_my_training_emails_a_link_only_when_there_are_bookings_and_says_the_same_either_way(client, outbox):
    BookingFactory(email="priya@riverside.example.org")

    known = client.post("/training/my/", {"email": "Priya@Riverside.example.org"}, follow=True).content.decode()
    unknown = client.post("/training/my/", {"email": "nobody@riverside.example.org"}, follow=True).content.decode()

    [message] = outbox()
    assert message.to == "priya@riverside.example.org"
    assert "/training/my/" in message.body_text
    assert "works for 3 days" in message.body_text
    assert "If there are bookings for Priya@Riverside.example.org" in known
    assert "If there are bookings for nobody@riverside.example.org" in unknown


def test_my_training_lists_upcoming_waiting_offered_and_past_bookings(client):
    email = "priya@riverside.example.org"
    BookingFactory(email=email, session=SessionFactory(course=CourseFactory(title="Upcoming course")))
    BookingFactory(
        email=email, status=BookingStatus.WAITING, session=SessionFactory(course=CourseFactory(title="Waiting course"))
    )
    BookingFactory(
        email=email,
        status=BookingStatus.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=5),
        session=SessionFactory(course=CourseFactory(title="Offered course")),
    )
    past_start = timezone.now() - datetime.timedelta(days=10)
    BookingFactory(
        email=email,
        status=BookingStatus.ATTENDED,
        session=SessionFactory(
            course=CourseFactory(title="Past course"),
            starts_at=past_start,
            booking_closes_at=past_start - datetime.timedelta(days=2),
        ),
    )
    BookingFactory(
        email="someone.else@riverside.example.org", session=SessionFactory(course=CourseFactory(title="Not mine"))
    )

    html = client.get(f"/training/my/{links.my_training_token(email)}/").content.decode()

    sections = ["Places offered to you", "Upcoming", "Waiting lists", "Past sessions"]
    positions = [html.index(f">{title}</h2>") for title in sections]
    assert positions == sorted(positions)
    for title in ["Upcoming course", "Waiting course", "Offered course", "Past course"]:
        assert title in html
    assert "Not mine" not in html


def test_the_my_training_link_expires_after_three_days(client):
    BookingFactory(email="priya@riverside.example.org")
    token = links.my_training_token("priya@riverside.example.org")

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, minutes=1)):
        response = client.get(f"/training/my/{token}/")

    assert response.status_code == 410
