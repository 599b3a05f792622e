"""A place passed to a colleague on a course that needs a manager's approval asks for approval again: the
colleague's place is held (not confirmed at once) and their manager gets the same request as for a new booking."""

import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.errors import Refused
from training import links, services
from training.models import Booking, BookingStatus, EndReason

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db

MANAGER = "mo.khan@police.example.org"


@pytest.fixture
def booking():
    session = SessionFactory(capacity=1, course=CourseFactory(requires_manager_approval=True, approval_hold_hours=48))
    return BookingFactory(
        session=session,
        organisation=OrganisationFactory(name="Northbrook Police"),
        email="dc.jones@police.example.org",
        manager_name="Mo Khan",
        manager_email=MANAGER,
    )


def _colleague(**overrides) -> services.Colleague:
    values = {"name": "DC Ana Lopes", "email": "ana.lopes@police.example.org", "role": "Detective constable"}
    return services.Colleague(**(values | overrides))


def test_the_colleague_s_place_is_held_and_the_manager_asked_again(booking, outbox):
    now = timezone.now()
    waiting = BookingFactory(session=booking.session, status=BookingStatus.WAITING)

    new = services.booking_transfer(booking=booking, colleague=_colleague(), now=now)

    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert new.status == BookingStatus.PENDING_APPROVAL
    assert new.confirmed_at is None
    assert new.hold_expires_at == now + datetime.timedelta(hours=48)
    assert (new.manager_name, new.manager_email) == ("Mo Khan", MANAGER)
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == EndReason.TRANSFERRED
    assert waiting.status == BookingStatus.WAITING  # the place stays with the colleague while the manager decides
    [request] = outbox(to=MANAGER)
    assert request.subject == "Please approve a training booking for DC Ana Lopes"
    assert "/training/approvals/" in request.body_text
    [pending] = outbox(to="ana.lopes@police.example.org")
    assert pending.subject.startswith("Waiting for your manager's approval")
    [passed_on] = outbox(to="dc.jones@police.example.org")
    assert "we have asked Mo Khan to approve their place" in passed_on.body_text
    assert not outbox(category="training.confirmed")


def test_the_manager_approves_the_colleague_and_the_place_is_confirmed(client, booking, outbox):
    new = services.booking_transfer(booking=booking, colleague=_colleague())

    client.post(f"/training/approvals/{links.approval_token(new)}/", {"decision": "approve"})

    new.refresh_from_db()
    assert new.status == BookingStatus.CONFIRMED
    assert outbox(to=new.email)[-1].subject.startswith("Booking confirmed")


def test_the_colleague_may_have_another_manager_but_never_be_their_own(booking):
    with pytest.raises(Refused, match="manager's own address") as refused:
        services.booking_transfer(
            booking=booking, colleague=_colleague(manager_email="Ana.Lopes+boss@police.example.org")
        )
    new = services.booking_transfer(
        booking=booking, colleague=_colleague(manager_name="Sam Reid", manager_email="sam.reid@police.example.org")
    )

    assert refused.value.field == "manager_email"
    assert (new.manager_name, new.manager_email) == ("Sam Reid", "sam.reid@police.example.org")


def test_a_booking_with_no_manager_needs_the_colleague_s_manager(booking):
    Booking.objects.filter(pk=booking.pk).update(manager_name="", manager_email="")

    with pytest.raises(Refused, match="colleague's manager's email address") as refused:
        services.booking_transfer(booking=booking, colleague=_colleague())

    assert refused.value.field == "manager_email"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_after_booking_closes_the_hold_lasts_until_the_session_starts_at_the_latest(booking):
    session = booking.session
    now = session.booking_closes_at + datetime.timedelta(hours=1)

    new = services.booking_transfer(booking=booking, colleague=_colleague(), now=now)

    assert new.status == BookingStatus.PENDING_APPROVAL
    assert new.hold_expires_at == min(now + datetime.timedelta(hours=48), session.starts_at)
    assert new.hold_expires_at > now


def test_a_course_without_approval_still_confirms_the_colleague_at_once(outbox):
    booking = BookingFactory(manager_email=MANAGER)

    new = services.booking_transfer(booking=booking, colleague=_colleague())

    assert new.status == BookingStatus.CONFIRMED
    assert not outbox(to=MANAGER)


def test_the_transfer_page_asks_for_the_colleague_s_manager_filled_in_with_the_booking_s(client, booking, outbox):
    url = f"/training/bookings/{links.booking_token(booking)}/transfer/"

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "attendee_name": "DC Ana Lopes",
            "email": "ana.lopes@police.example.org",
            "role": "Detective constable",
            "manager_name": "Sam Reid",
            "manager_email": "sam.reid@police.example.org",
            "same_organisation": "on",
        },
        follow=True,
    )

    assert 'name="manager_email"' in page
    assert f'value="{MANAGER}"' in page
    new = Booking.objects.get(email="ana.lopes@police.example.org")
    assert new.status == BookingStatus.PENDING_APPROVAL
    assert "We have asked Sam Reid to approve their place" in response.content.decode()
    assert len(outbox(to="sam.reid@police.example.org")) == 1
