"""Booking a place, giving it up, and passing it to a colleague."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation

from .. import emails
from ..models import Booking, BookingNeeds, BookingStatus, ChargeReason, EndReason, Session
from . import locking
from .charges import raise_charge
from .organisations import organisation_for_name
from .rules import CANCELLABLE, cancel_state, check_bookable, check_organisation_cap, check_staff_bookable
from .transitions import end_booking, hold_until, save_with_reason
from .waitinglist import offer_free_places


@dataclass(frozen=True)
class Attendee:
    """Who is booking. ``organisation`` is a record, or the name the booker typed: ``booking_create``
    finds or adds it inside the booking's transaction, so a refused booking adds no organisation."""

    name: str
    email: str
    organisation: Organisation | str
    role: str
    phone: str = ""
    manager_name: str = ""
    manager_email: str = ""
    access_needs: str = ""
    dietary_needs: str = ""


class AlreadyBooked(Refused):
    """The address already has a live booking for the session: ``booking`` is it (never shown to the asker)."""

    def __init__(self, message: str, *, booking: Booking, field: str | None = None):
        super().__init__(message, field=field)
        self.booking = booking


@dataclass(frozen=True)
class Colleague:
    """Who takes a place passed on. On a course that needs a manager's approval, ``manager_name`` and
    ``manager_email`` are the colleague's manager (blank: the same manager as the booking's)."""

    name: str
    email: str
    role: str
    phone: str = ""
    manager_name: str = ""
    manager_email: str = ""


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def mailbox(email: str) -> str:
    """The mailbox an address reaches: lower case, without a ``+tag`` (``me+boss@x`` reaches ``me@x``)."""
    local, _, domain = _normalise_email(email).rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def check_details_change(booking: Booking, *, email: str, organisation: Organisation) -> None:
    """Refuse a new address or organisation for a live booking that a new booking with them would be refused:
    one live booking per address on a session, and the cap per organisation."""
    if booking.status == BookingStatus.CANCELLED:
        return
    session = booking.session
    email = _normalise_email(email)
    if email != booking.email and session.bookings.live().for_email(email).exclude(pk=booking.pk).exists():
        raise Refused(f"{email} already has a booking for this session.", field="email")
    if organisation.pk != booking.organisation_id:
        check_organisation_cap(session, organisation, besides=booking)


@transaction.atomic
def booking_details_change(*, booking: Booking, changes: dict) -> Booking:
    """The training team corrects a booking's delegate details (``changes``: field name to new value),
    held to the rules a new booking with those details would meet."""
    session, current = locking.lock_booking(booking)
    check_details_change(
        current,
        email=changes.get("email", current.email),
        organisation=changes.get("organisation", current.organisation),
    )
    if "email" in changes:
        changes = {**changes, "email": _normalise_email(changes["email"])}
    for field, value in changes.items():
        setattr(current, field, value)
    if changes:
        save_with_reason(current, "Details changed by the training team", list(changes))
    return current


@transaction.atomic
def booking_create(
    *,
    session: Session,
    attendee: Attendee,
    eligibility_confirmed: bool,
    now: datetime.datetime | None = None,
    by_staff: bool = False,
    nominated: bool = False,
    notify: bool = True,
) -> Booking:
    """Book a place, or a place on the waiting list when the session is full.

    Where the course needs a manager's approval, the place is held and the manager emailed.

    ``by_staff``: the training team books on the delegate's behalf (by phone, email or a nomination
    list). The team may book before booking opens and after it closes, until the session starts; they
    have checked eligibility and approval themselves, so the place is confirmed at once. Capacity, the
    cap per organisation and one booking per address hold as for everyone. ``notify=False`` books
    without emailing the delegate (the team has told them already).

    ``nominated``: the delegate's manager (``attendee.manager_name``/``manager_email``) booked the place for
    them from the nomination form (``nomination_create``). The public rules hold, but the nomination is the
    manager's approval, so the place is confirmed at once.
    """
    now = now or timezone.now()
    session = locking.locked_session(session.pk)
    sequence = locking.next_in_lock_order()
    if by_staff:
        check_staff_bookable(session, now)
        eligibility_confirmed = True
    else:
        check_bookable(session, now)
    course = session.course
    email = _normalise_email(attendee.email)
    if course.eligibility and not eligibility_confirmed:
        raise Refused("Confirm that you meet the eligibility statement to book.", field="eligibility")
    if course.requires_manager_approval and not attendee.manager_email and not by_staff:
        raise Refused("Enter your manager's email address: this course needs their approval.", field="manager_email")
    if attendee.manager_email and mailbox(attendee.manager_email) == mailbox(email):
        raise Refused(
            "Your manager’s email address must be your manager’s own address, not yours.", field="manager_email"
        )
    existing = session.bookings.live().for_email(email).first()
    if existing is not None:
        # Whoever typed the address may not be its owner: the details go to the address, never on the page.
        raise AlreadyBooked(
            f"{email} already has a booking for this session. We have emailed {email} its details and the link "
            "to manage it.",
            booking=existing,
            field="email",
        )
    organisation = attendee.organisation
    if not isinstance(organisation, Organisation):
        organisation = organisation_for_name(name=organisation)
    check_organisation_cap(session, organisation)

    booking = Booking(
        session=session,
        sequence=sequence,
        attendee_name=attendee.name.strip(),
        email=email,
        phone=attendee.phone.strip(),
        organisation=organisation,
        role=attendee.role.strip(),
        manager_name=attendee.manager_name.strip(),
        manager_email=_normalise_email(attendee.manager_email),
        eligibility_confirmed=eligibility_confirmed,
        created_at=now,
    )
    if locking.places_left(session) > 0:
        if course.requires_manager_approval and not (by_staff or nominated):
            booking.status = BookingStatus.PENDING_APPROVAL
            booking.hold_expires_at = hold_until(session, now, datetime.timedelta(hours=course.approval_hold_hours))
        else:
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
    else:
        booking.status = BookingStatus.WAITING
    if by_staff:
        save_with_reason(booking, "Booked by the training team" + ("" if notify else " (not emailed)"))
    elif nominated:
        save_with_reason(booking, f"Nominated by their manager, {booking.manager_name}"[:100])
    else:
        save_with_reason(booking, "Booked online")
    if attendee.access_needs.strip() or attendee.dietary_needs.strip():
        BookingNeeds.objects.create(
            booking=booking,
            access_needs=attendee.access_needs.strip(),
            dietary_needs=attendee.dietary_needs.strip(),
            recorded_at=now,
        )
    if not notify:
        return booking
    if booking.status == BookingStatus.CONFIRMED:
        emails.booking_confirmed(booking)
    elif booking.status == BookingStatus.PENDING_APPROVAL:
        emails.approval_requested(booking)
    else:
        emails.waiting_list_joined(booking)
    return booking


@transaction.atomic
def booking_cancel(
    *, booking: Booking, reason: EndReason = EndReason.ATTENDEE, now: datetime.datetime | None = None
) -> Booking:
    """Cancel a booking (or leave a waiting list) and offer the freed place to the next person waiting.

    After booking closes a place can still be given up, but it is marked as a late
    cancellation: the charging policy applies.
    """
    now = now or timezone.now()
    session, booking = locking.lock_booking(booking)
    state = cancel_state(booking, now)
    if not state.can_cancel:
        raise Refused(state.cancel_refusal)
    booking.late_cancellation = state.late
    end_booking(booking, reason, now, EndReason(reason).label)
    if booking.late_cancellation:
        raise_charge(booking, ChargeReason.LATE_CANCELLATION, now)
    emails.booking_cancelled(booking)
    offer_free_places(session, now)
    return booking


@transaction.atomic
def booking_details_resend(*, booking: Booking, now: datetime.datetime | None = None) -> None:
    """Email a booking's details and link to its own address (someone tried to book it again).

    At most once an hour for a booking, however often it is asked for.
    """
    now = now or timezone.now()
    emails.already_booked(booking, sent_at_key=str(int(now.timestamp()) // 3600))


def _release(booking_ids, now: datetime.datetime, change_reason: str) -> int:
    """End the live bookings among ``booking_ids`` without a word to their holders, then offer the freed places
    to the waiting list in turn (each session locked once, in id order; a booking in the set is not offered one)."""
    released = 0
    live = Booking.objects.filter(pk__in=booking_ids, status__in=CANCELLABLE, session__starts_at__gt=now)
    session_ids = sorted(set(live.values_list("session_id", flat=True)))
    for session_id in session_ids:
        session = locking.locked_session(session_id)
        for booking in session.bookings.filter(pk__in=booking_ids, status__in=CANCELLABLE).order_by("sequence"):
            booking.session = session
            end_booking(booking, EndReason.BOARD, now, change_reason)
            released += 1
        offer_free_places(session, now)
    return released


@transaction.atomic
def bookings_release_for_erasure(*, booking_ids, now: datetime.datetime | None = None) -> int:
    """Free the places held by bookings about to be anonymised at their holder's request, and offer them on.

    The person asked to be forgotten: no email to them and no charge. Returns how many were released.
    """
    return _release(booking_ids, now or timezone.now(), "Ended when the person's data was erased")


@transaction.atomic
def bookings_delete(*, booking_ids, now: datetime.datetime | None = None) -> int:
    """Delete bookings for good (made in error, or erased), first offering the places they held to the waiting
    list in turn, as a cancellation would. No email to the holders. Returns how many were deleted."""
    booking_ids = list(booking_ids)
    _release(booking_ids, now or timezone.now(), "Deleted by the training team")
    _, deleted = Booking.objects.filter(pk__in=booking_ids).delete()
    return deleted.get(Booking._meta.label, 0)


def _transfer_hold_until(session: Session, now: datetime.datetime) -> datetime.datetime:
    """How long a place passed on is held for the colleague's manager: as for a new booking, and after booking
    has closed (a place can still be passed on then) until the session starts at the latest."""
    length = datetime.timedelta(hours=session.course.approval_hold_hours)
    if now < session.booking_closes_at:
        return hold_until(session, now, length)
    return min(now + length, session.starts_at)


@transaction.atomic
def booking_transfer(*, booking: Booking, colleague: Colleague, now: datetime.datetime | None = None) -> Booking:
    """Pass a confirmed place to a colleague from the same organisation. Returns the colleague's booking.

    On a course that needs a manager's approval the colleague's manager is asked, as for a new booking: the
    place is held for the colleague (it is not offered to the waiting list) until the manager answers.
    """
    now = now or timezone.now()
    session, booking = locking.lock_booking(booking)
    state = cancel_state(booking, now)
    if not state.can_transfer:
        raise Refused(state.transfer_refusal)
    email = _normalise_email(colleague.email)
    if email == booking.email:
        raise Refused("Enter your colleague's email address, not your own.", field="email")
    if session.bookings.live().for_email(email).exists():
        raise Refused(f"{email} already has a booking for this session.", field="email")
    manager_name = colleague.manager_name.strip() or booking.manager_name
    manager_email = _normalise_email(colleague.manager_email) or booking.manager_email
    needs_approval = session.course.requires_manager_approval
    if needs_approval and not manager_email:
        raise Refused(
            "Enter your colleague's manager's email address: this course needs their approval.", field="manager_email"
        )
    if manager_email and mailbox(manager_email) == mailbox(email):
        raise Refused(
            "Your colleague's manager's email address must be the manager's own address, not your colleague's.",
            field="manager_email",
        )
    new = Booking(
        session=session,
        sequence=locking.next_in_lock_order(),
        attendee_name=colleague.name.strip(),
        email=email,
        phone=colleague.phone.strip(),
        organisation=booking.organisation,
        role=colleague.role.strip(),
        manager_name=manager_name,
        manager_email=manager_email,
        eligibility_confirmed=True,
        created_at=now,
    )
    if needs_approval:
        new.status = BookingStatus.PENDING_APPROVAL
        new.hold_expires_at = _transfer_hold_until(session, now)
    else:
        new.status = BookingStatus.CONFIRMED
        new.confirmed_at = now
    end_booking(booking, EndReason.TRANSFERRED, now, "Place passed to a colleague")
    save_with_reason(new, f"Place passed on by {booking.attendee_name} ({booking.reference})")
    booking.transferred_to = new
    save_with_reason(booking, "Place passed to a colleague", ["transferred_to"])
    emails.place_transferred(booking, new)
    return new


def my_training_link_send(*, email: str, now: datetime.datetime | None = None) -> bool:
    """Email a signed link to every booking made with ``email``. Nothing is sent if there are none.

    The page says the same either way, so it cannot be used to find out who has booked.
    """
    now = now or timezone.now()
    email = _normalise_email(email)
    if not Booking.objects.for_email(email).exists():
        return False
    emails.my_training_link(email, sent_at_key=str(int(now.timestamp())))
    return True
