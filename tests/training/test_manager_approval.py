import datetime

import pytest
from django.utils import timezone

from training import links, services
from training.models import BookingStatus, EndReason

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval_session():
    return SessionFactory(capacity=1, course=CourseFactory(requires_manager_approval=True, approval_hold_hours=72))


def _book(session, make_attendee, **overrides):
    attendee = make_attendee(manager_name="Mo Khan", manager_email="mo.khan@riverside.example.org", **overrides)
    return services.booking_create(session=session, attendee=attendee, eligibility_confirmed=False)


def test_the_place_is_held_and_the_manager_emailed_a_signed_link(approval_session, make_attendee, outbox):
    now = timezone.now()
    booking = _book(approval_session, make_attendee)

    assert booking.status == BookingStatus.PENDING_APPROVAL
    assert (
        now + datetime.timedelta(hours=71) < booking.hold_expires_at <= now + datetime.timedelta(hours=72, minutes=1)
    )
    [request] = outbox(to="mo.khan@riverside.example.org")
    assert "/training/approvals/" in request.body_text
    assert "has asked to attend" in request.body_text
    assert "Waiting for your manager" in outbox(to=booking.email)[0].subject


def test_the_manager_approves_and_the_delegate_is_confirmed(client, approval_session, make_attendee, outbox):
    booking = _book(approval_session, make_attendee)
    url = f"/training/approvals/{links.approval_token(booking)}/"

    page = client.get(url).content.decode()
    response = client.post(url, {"decision": "approve"}, follow=True)

    booking.refresh_from_db()
    assert "Approve the booking" in page
    assert booking.status == BookingStatus.CONFIRMED
    assert "You have approved the booking" in response.content.decode()
    assert outbox(to=booking.email)[-1].subject.startswith("Booking confirmed")


def test_the_manager_declines_and_the_place_goes_to_the_waiting_list(client, approval_session, make_attendee, outbox):
    booking = _book(approval_session, make_attendee)
    waiting = BookingFactory(session=approval_session, status=BookingStatus.WAITING)

    client.post(f"/training/approvals/{links.approval_token(booking)}/", {"decision": "decline"})

    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == EndReason.MANAGER_DECLINED
    assert waiting.status == BookingStatus.OFFERED
    assert "did not approve" in outbox(to=booking.email)[-1].body_text


def test_a_second_decision_is_refused(client, approval_session, make_attendee):
    booking = _book(approval_session, make_attendee)
    url = f"/training/approvals/{links.approval_token(booking)}/"
    client.post(url, {"decision": "approve"})

    response = client.post(url, {"decision": "decline"}, follow=True)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert "already been decided" in response.content.decode()


def test_an_unanswered_approval_releases_the_place(approval_session, make_attendee, outbox):
    booking = _book(approval_session, make_attendee)

    assert services.holds_expire(now=booking.hold_expires_at) == 1

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == EndReason.APPROVAL_EXPIRED
    assert "did not reply in time" in outbox(to=booking.email)[-1].body_text


def test_accepting_an_offer_on_an_approval_course_asks_the_manager(approval_session, make_attendee):
    holder = _book(approval_session, make_attendee)
    waiting = _book(approval_session, make_attendee)
    services.approval_decide(booking=holder, approve=False)
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED

    services.offer_accept(booking=waiting)

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.PENDING_APPROVAL
