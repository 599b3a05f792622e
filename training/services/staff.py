"""Bookings made by the training team for delegates: added one at a time or from a pasted list, and moved
between dates of a course.

Every place still goes through ``booking_create`` under the session's lock, so the team's bookings
keep the capacity, the waiting list's order, the cap per organisation and one booking per address.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation

from .. import emails
from ..models import Booking, BookingStatus, Session, SessionStatus
from . import locking
from .bookings import AlreadyBooked, Attendee, booking_create
from .organisations import organisation_for_staff
from .rules import CANCELLABLE, check_organisation_cap
from .transitions import save_with_reason
from .waitinglist import offer_free_places


@dataclass(frozen=True)
class Delegate:
    """One delegate to book: ``line`` is where they were in the list the team pasted (1 for a single one)."""

    line: int
    attendee: Attendee


def _refusal_for(delegate: Delegate, problem: Refused, *, numbered: bool) -> str:
    if isinstance(problem, AlreadyBooked):
        existing = problem.booking
        # The team may see the booking (the public page never does), so say which it is.
        text = (
            f"{existing.email} already has a booking for this session "
            f"({existing.reference}, {existing.get_status_display().lower()})."
        )
    else:
        text = str(problem)
    return f"Line {delegate.line}: {text}" if numbered else text


@transaction.atomic
def bookings_add(
    *,
    session: Session,
    delegates: Sequence[Delegate],
    notify: bool,
    add_new_organisations: bool = False,
    now: datetime.datetime | None = None,
) -> list[Booking]:
    """Book every delegate on ``session`` for the training team, in the order given, or none of them.

    Places go in order while any are free; the rest join the waiting list behind those already on it,
    as a public booking would. Each delegate is checked under the rules of ``booking_create`` (by staff):
    if any is refused, nothing is saved and the refusal lists every delegate refused, by line.

    An organisation is matched to the list as the public form matches it, and a name that matches one on
    the list loosely ("Riverside Primary" for "Riverside Primary School") is that organisation. A name that
    is only spelt like one on the list is refused with a "did you mean" unless ``add_new_organisations``.
    """
    now = now or timezone.now()
    if not delegates:
        raise Refused("Enter at least one delegate.")
    numbered = len(delegates) > 1 or delegates[0].line > 1
    booked, refusals = [], []
    # Each name typed is matched once; kept only once a booking with it is saved (a refused delegate's
    # savepoint takes back an organisation it added).
    organisations: dict[str, Organisation] = {}
    for delegate in delegates:
        attendee = delegate.attendee
        typed = " ".join(attendee.organisation.split()).lower() if isinstance(attendee.organisation, str) else ""
        try:
            # One savepoint for each delegate: a refused one leaves no trace, and the next is still checked.
            with transaction.atomic():
                if typed:
                    organisation = organisations.get(typed) or organisation_for_staff(
                        name=attendee.organisation, add_new=add_new_organisations
                    )
                    attendee = replace(attendee, organisation=organisation)
                booked.append(
                    booking_create(
                        session=session,
                        attendee=attendee,
                        eligibility_confirmed=True,
                        now=now,
                        by_staff=True,
                        notify=notify,
                    )
                )
        except Refused as problem:
            if not numbered:
                raise Refused(_refusal_for(delegate, problem, numbered=False), field=problem.field) from None
            refusals.append(_refusal_for(delegate, problem, numbered=True))
        else:
            if typed:
                organisations[typed] = attendee.organisation
    if refusals:
        # Rolls back every booking made above: the list is booked whole or not at all.
        raise Refused(refusals)
    return booked


def _lock_both(first_id: int, second_id: int) -> dict[int, Session]:
    # Always in the same order (lowest id first), so two moves in opposite directions cannot deadlock.
    return {pk: locking.locked_session(pk) for pk in sorted({first_id, second_id})}


@transaction.atomic
def booking_move(
    *, booking: Booking, to_session: Session, notify: bool = True, now: datetime.datetime | None = None
) -> Booking:
    """Move a booking to another date of the same course: the same booking, its reference and history kept.

    A delegate holding a place takes a place on the new date, which must have one free (a move never
    overfills a session or jumps its queue); someone waiting joins the new date's waiting list at its
    end, or takes a free place there. The place freed on the old date is offered to its waiting list
    in turn. The delegate is emailed the new date with its calendar file, unless ``notify`` is off.
    """
    now = now or timezone.now()
    sessions = _lock_both(booking.session_id, to_session.pk)
    old, new = sessions[booking.session_id], sessions[to_session.pk]
    booking = Booking.objects.select_related("organisation").get(pk=booking.pk)
    booking.session = old
    if new.pk == old.pk:
        raise Refused("Choose a different session: the booking is already on this one.", field="to_session")
    if new.course_id != old.course_id:
        raise Refused("A booking can only move to another date of the same course.", field="to_session")
    if booking.status not in CANCELLABLE:
        raise Refused(f"{booking.reference} has been cancelled or has ended, so it cannot be moved.")
    if old.starts_at <= now:
        raise Refused(f"{old} has already started, so its bookings can no longer be moved.")
    if new.status != SessionStatus.SCHEDULED:
        raise Refused(f"{new} has been cancelled: choose another date.", field="to_session")
    if new.starts_at <= now:
        raise Refused(f"{new} has already started: choose a later date.", field="to_session")
    existing = new.bookings.live().for_email(booking.email).first()
    if existing is not None:
        raise Refused(f"{booking.email} already has a booking on {new} ({existing.reference}).", field="to_session")
    check_organisation_cap(new, booking.organisation, where=str(new), field="to_session")
    held_place = booking.holds_place
    free = locking.places_left(new)
    if held_place and free == 0:
        raise Refused(
            f"{new} is full, so {booking.attendee_name} would lose their place. Raise its number of places "
            "first, or choose another date.",
            field="to_session",
        )
    booking.session = new
    booking.sequence = locking.next_in_lock_order()
    if free > 0:
        booking.status = BookingStatus.CONFIRMED
        booking.confirmed_at = now
    else:
        booking.status = BookingStatus.WAITING
        booking.confirmed_at = None
    booking.offer_expires_at = None
    booking.hold_expires_at = None
    booking.reminder_sent_at = None
    # The history's reason holds 100 characters: the old date says enough beside the session recorded.
    when = timezone.localtime(old.starts_at)
    reason = f"Moved by the training team from {when:%d/%m/%Y %H:%M}" + ("" if notify else " (not emailed)")
    save_with_reason(booking, reason)
    if held_place:
        offer_free_places(old, now)
    if notify:
        emails.booking_moved(booking, old)
    return booking
