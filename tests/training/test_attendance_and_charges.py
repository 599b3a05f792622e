import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from lscb_portal.core.errors import Refused
from training import services
from training.models import BookingStatus, Charge, ChargeBasis, ChargeReason, Length, LengthRate

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_session():
    return SessionFactory(
        course=CourseFactory(length=Length.FULL_DAY, charge_basis=ChargeBasis.LENGTH),
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )


def test_marking_attendance_records_who_came_and_charges_who_did_not(past_session):
    came = BookingFactory(session=past_session)
    absent = BookingFactory(session=past_session, organisation=OrganisationFactory(name="Acme Care", is_partner=False))
    waiting = BookingFactory(session=past_session, status=BookingStatus.WAITING)

    changed = services.attendance_mark(
        session=past_session, attended=[came.pk, waiting.pk], did_not_attend=[absent.pk]
    )

    for booking in (came, absent, waiting):
        booking.refresh_from_db()
    assert changed == 2
    assert came.status == BookingStatus.ATTENDED
    assert came.attendance_marked_at is not None
    assert absent.status == BookingStatus.DID_NOT_ATTEND
    assert waiting.status == BookingStatus.WAITING  # not on the register
    charge = Charge.objects.get()
    assert charge.booking == absent
    assert charge.reason == ChargeReason.DID_NOT_ATTEND
    assert charge.amount == Decimal("150.00")  # the default full-day non-partner rate
    assert charge.partner_rate is False
    assert absent.history.first().history_change_reason == "Marked as did not attend"


def test_correcting_a_mark_to_attended_removes_the_charge(past_session):
    booking = BookingFactory(session=past_session)
    services.attendance_mark(session=past_session, attended=[], did_not_attend=[booking.pk])
    assert Charge.objects.get().amount == Decimal("100.00")

    services.attendance_mark(session=past_session, attended=[booking.pk], did_not_attend=[])

    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert not Charge.objects.exists()


def test_attendance_cannot_be_marked_before_the_session_starts():
    session = SessionFactory()
    booking = BookingFactory(session=session)

    with pytest.raises(Refused, match="once the session has started"):
        services.attendance_mark(session=session, attended=[booking.pk], did_not_attend=[])

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_delegate_cannot_be_marked_both_ways(past_session):
    booking = BookingFactory(session=past_session)

    with pytest.raises(Refused, match="both"):
        services.attendance_mark(session=past_session, attended=[booking.pk], did_not_attend=[booking.pk])
    assert not Charge.objects.exists()


@pytest.mark.parametrize(
    ("length", "hours", "partner", "expected"),
    [
        (Length.HALF_DAY, None, True, Decimal("50.00")),
        (Length.HALF_DAY, None, False, Decimal("75.00")),
        (Length.FULL_DAY, None, True, Decimal("100.00")),
        (Length.HOURS, Decimal("2.5"), True, Decimal("37.50")),
        (Length.HOURS, Decimal("2.5"), False, Decimal("62.50")),
    ],
)
def test_the_charge_by_course_length(length, hours, partner, expected):
    course = CourseFactory(length=length, length_hours=hours, charge_basis=ChargeBasis.LENGTH)
    booking = BookingFactory(
        session=SessionFactory(course=course), organisation=OrganisationFactory(is_partner=partner)
    )

    assert services.charge_due(booking=booking) == (expected, partner)


def test_the_rates_can_be_changed_by_the_administrators():
    LengthRate.objects.filter(length=Length.HALF_DAY).update(partner_rate=Decimal("40"))
    booking = BookingFactory(session=SessionFactory(course=CourseFactory(length=Length.HALF_DAY)))

    assert services.charge_due(booking=booking) == (Decimal("40.00"), True)


def test_a_fixed_charge_has_partner_and_non_partner_amounts():
    course = CourseFactory(
        charge_basis=ChargeBasis.FIXED, non_attendance_charge=Decimal("30"), non_partner_charge=Decimal("90")
    )
    session = SessionFactory(course=course)
    partner = BookingFactory(session=session)
    other = BookingFactory(session=session, organisation=OrganisationFactory(is_partner=False))

    assert services.charge_due(booking=partner) == (Decimal("30"), True)
    assert services.charge_due(booking=other) == (Decimal("90"), False)


def test_a_free_course_raises_no_charge(past_session):
    past_session.course.charge_basis = ChargeBasis.NONE
    past_session.course.save()
    booking = BookingFactory(session=past_session)

    services.attendance_mark(session=past_session, attended=[], did_not_attend=[booking.pk])

    assert not Charge.objects.exists()


def test_a_late_cancellation_raises_a_charge_and_an_early_one_does_not(make_attendee):
    session = SessionFactory(course=CourseFactory(length=Length.HALF_DAY))
    early = services.booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=True)
    late = services.booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=True)

    services.booking_cancel(booking=early)
    with time_machine.travel(session.booking_closes_at + datetime.timedelta(hours=1)):
        services.booking_cancel(booking=late)

    charge = Charge.objects.get()
    assert charge.booking == late
    assert charge.reason == ChargeReason.LATE_CANCELLATION
    assert charge.amount == Decimal("50.00")


def test_waiving_a_charge_needs_a_reason(past_session, django_user_model):
    booking = BookingFactory(session=past_session)
    services.attendance_mark(session=past_session, attended=[], did_not_attend=[booking.pk])
    charge = Charge.objects.get()
    admin = django_user_model.objects.create_user("admin")

    with pytest.raises(Refused, match="reason"):
        services.charge_waive(charge=charge, reason="  ")
    charge.refresh_from_db()
    assert charge.waived_at is None

    services.charge_waive(charge=charge, reason="Snow closed the roads", by=admin)

    charge.refresh_from_db()
    assert charge.is_waived
    assert charge.waived_reason == "Snow closed the roads"
    assert charge.waived_by == admin
    assert list(Charge.objects.payable()) == []
    with pytest.raises(Refused, match="already"):
        services.charge_waive(charge=charge, reason="Again")
