"""Charges for places not used, under the course's charging policy: raised, waived, invoiced."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from ..models import Booking, Charge, ChargeBasis, ChargeReason, Length, LengthRate


def charge_due(*, booking: Booking) -> tuple[Decimal, bool]:
    """What the charging policy asks for a place not used: (amount, at the partner rate?).

    At the policy's rates by length, a course over several dates costs the rate for each date; a
    fixed amount is for the place, however many dates it has.
    """
    course = booking.session.course
    partner = booking.organisation.is_partner
    if course.charge_basis == ChargeBasis.NONE:
        return Decimal("0"), partner
    if course.charge_basis == ChargeBasis.FIXED:
        return (course.non_attendance_charge if partner else course.non_partner_charge), partner
    rate = LengthRate.objects.filter(length=course.length).first()
    if rate is None:
        return Decimal("0"), partner
    amount = rate.partner_rate if partner else rate.non_partner_rate
    if course.length == Length.HOURS:
        amount = (amount * (course.length_hours or 0)).quantize(Decimal("0.01"))
    # The course's length is the length of each of its dates: a place not used on a two-day course costs two days.
    return amount * (booking.session.parts.count() or 1), partner


def raise_charge(booking: Booking, reason: ChargeReason, now: datetime.datetime) -> Charge | None:
    amount, partner = charge_due(booking=booking)
    if amount <= 0:
        return None
    charge, _ = Charge.objects.update_or_create(
        booking=booking,
        defaults={
            "organisation": booking.organisation,
            "reason": reason,
            "partner_rate": partner,
            "amount": amount,
            "raised_at": now,
            "waived_at": None,
            "waived_reason": "",
            "waived_by": None,
        },
    )
    return charge


@transaction.atomic
def charge_waive(*, charge: Charge, reason: str, by=None, now: datetime.datetime | None = None) -> Charge:
    """Waive a charge. A reason is required: the board's report shows what was waived and why."""
    now = now or timezone.now()
    reason = " ".join((reason or "").split())
    if not reason:
        raise Refused("Give a reason for waiving the charge.", field="reason")
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if charge.waived_at is not None:
        raise Refused("This charge has already been waived.")
    charge.waived_at = now
    charge.waived_reason = reason[:255]
    charge.waived_by = by
    charge._change_reason = "Waived"
    charge.save(update_fields=["waived_at", "waived_reason", "waived_by"])
    return charge


@transaction.atomic
def charges_mark_invoiced(*, charges, now: datetime.datetime | None = None) -> int:
    """Record that payable charges were exported for invoicing (so each is invoiced once)."""
    now = now or timezone.now()
    return Charge.objects.filter(
        pk__in=[c.pk for c in charges], invoiced_at__isnull=True, waived_at__isnull=True
    ).update(invoiced_at=now)
