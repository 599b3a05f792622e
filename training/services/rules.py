"""What the booking rules say about a session or a booking at a given moment, each rule written once.

The services enforce these rules (under the session's lock); the pages, forms and back
office ask them what to offer, so a page never offers what the service would refuse.
``Session.objects.open_for_booking(now)`` says in SQL what ``booking_state`` says in
Python, for the listings; ``tests/training/test_rules.py`` holds the two together.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation

from ..models import Booking, BookingStatus, Session, SessionStatus
from . import locking
from .charges import charge_due


class BookingState(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"
    PAST = "past"
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"


def booking_state(session: Session, now: datetime.datetime) -> BookingState:
    """Whether ``session`` takes bookings at ``now`` and, if not, why."""
    if session.status == SessionStatus.CANCELLED:
        return BookingState.CANCELLED
    if session.starts_at <= now:
        return BookingState.PAST
    if session.booking_opens_at and session.booking_opens_at > now:
        return BookingState.NOT_OPEN_YET
    if session.booking_closes_at <= now:
        return BookingState.CLOSED
    return BookingState.OPEN


def check_bookable(session: Session, now: datetime.datetime) -> None:
    """Refuse unless ``session`` takes bookings at ``now``; the message says why and what to do instead."""
    state = booking_state(session, now)
    if state == BookingState.CANCELLED:
        raise Refused("This session has been cancelled. Choose another date from the programme.")
    if state == BookingState.PAST:
        raise Refused("This session has already taken place.")
    if state == BookingState.NOT_OPEN_YET:
        local = timezone.localtime(session.booking_opens_at)
        raise Refused(f"Booking for this session opens on {local:%-d %B %Y} at {local:%H:%M}.")
    if state == BookingState.CLOSED:
        local = timezone.localtime(session.booking_closes_at)
        raise Refused(
            f"Booking for this session closed on {local:%-d %B %Y} at {local:%H:%M}. "
            "Contact the training team if you still need a place."
        )


def check_staff_bookable(session: Session, now: datetime.datetime) -> None:
    """Refuse a booking by the training team unless ``session`` is scheduled and has not started.

    The opening and closing times are for the public form: the team books before and after them.
    """
    state = booking_state(session, now)
    if state == BookingState.CANCELLED:
        raise Refused(f"{session} has been cancelled: choose another session.")
    if state == BookingState.PAST:
        raise Refused(f"{session} has already started: nobody can be booked on it now.")


def check_organisation_cap(
    session: Session,
    organisation: Organisation,
    *,
    besides: Booking | None = None,
    where: str = "this session",
    field: str = "organisation",
) -> None:
    """Refuse another place on ``session`` for an organisation that has as many as one may book.

    Counted across every record of the organisation (``Organisation.objects.same_as``); ``besides`` is a booking
    being changed, not counted. Call under the session's lock.
    """
    cap = session.places_per_organisation
    if not cap:
        return
    held = _held_by(session, organisation)
    if besides is not None:
        held = held.exclude(pk=besides.pk)
    if held.count() >= cap:
        raise Refused(
            f"{organisation.name} already has {cap} {'place' if cap == 1 else 'places'} on {where}, "
            "the most one organisation can book.",
            field=field,
        )


def _held_by(session: Session, organisation: Organisation):
    """The live bookings on ``session`` that count towards ``organisation``'s cap: every record of it."""
    return session.bookings.live().filter(organisation__in=Organisation.objects.same_as(organisation))


def cap_warnings(session: Session, cap: int | None) -> list[str]:
    """What a new cap per organisation on ``session`` would leave unusual: organisations already holding more
    places than it, counted as the cap counts them. Their bookings stand; the cap applies to new ones."""
    if not cap or session.pk is None:
        return []
    organisations = Organisation.objects.filter(
        pk__in=session.bookings.live().exclude(organisation=None).values("organisation")
    ).order_by("name")
    warnings, counted = [], set()
    for organisation in organisations:
        held = set(_held_by(session, organisation).values_list("pk", flat=True))
        if len(held) > cap and not held <= counted:
            counted |= held
            warnings.append(
                f"{organisation.name} already holds {len(held)} places on this session: "
                f"the limit of {cap} applies to new bookings only."
            )
    return warnings


def check_capacity(session: Session, capacity: int) -> None:
    """Refuse a number of places below the places already taken (they cannot be taken back)."""
    taken = locking.places_taken(session)
    if capacity < taken:
        raise Refused(
            f"{taken} places are already taken, so the session needs at least {taken} places.", field="capacity"
        )


CANCELLABLE = [
    BookingStatus.PENDING_APPROVAL,
    BookingStatus.CONFIRMED,
    BookingStatus.WAITING,
    BookingStatus.OFFERED,
]


@dataclass(frozen=True)
class CancelState:
    """What the holder of a booking may do with it at a given moment.

    A refusal is the reason the action is not open ("" when it is). ``late`` says that giving the
    place up now is a late cancellation, and ``late_charge`` what the charging policy then asks.
    """

    cancel_refusal: str
    transfer_refusal: str
    late: bool
    late_charge: Decimal

    @property
    def can_cancel(self) -> bool:
        return not self.cancel_refusal

    @property
    def can_transfer(self) -> bool:
        return not self.transfer_refusal


def cancel_state(booking: Booking, now: datetime.datetime) -> CancelState:
    """Whether ``booking`` can be cancelled or passed to a colleague at ``now``, and what cancelling would mean."""
    session = booking.session
    started = session.starts_at <= now
    if booking.status not in CANCELLABLE:
        cancel_refusal = "This booking cannot be cancelled: it has already been cancelled or has ended."
    elif started:
        cancel_refusal = "This session has already started, so the booking can no longer be cancelled."
    else:
        cancel_refusal = ""
    if booking.status != BookingStatus.CONFIRMED:
        transfer_refusal = "Only a confirmed place can be passed to a colleague."
    elif started:
        transfer_refusal = "This session has already started, so the place can no longer be passed on."
    else:
        transfer_refusal = ""
    late = booking.holds_place and now >= session.booking_closes_at
    return CancelState(
        cancel_refusal=cancel_refusal,
        transfer_refusal=transfer_refusal,
        late=late,
        late_charge=charge_due(booking=booking)[0] if late and not cancel_refusal else Decimal("0"),
    )
