"""Nominations: a manager books places for several of their staff from one form.

Each member of staff is booked as if they had booked themselves (``booking_create``, under the session's lock,
in the order the manager listed them), so capacity, the waiting list's order, the cap per organisation and one
booking per address hold. The nomination is the manager's approval: on a course that needs one, the places
are confirmed at once. Each person gets their own booking, link and email; the manager gets one email that
says what happened to everyone.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation

from .. import emails
from ..models import Booking, BookingStatus, Session
from . import locking
from .bookings import AlreadyBooked, Attendee, booking_create, booking_details_resend, mailbox
from .organisations import organisation_for_name
from .rules import check_bookable

# A team, not a department: a larger group is for the training team to book (they can paste a list).
MAX_NOMINEES = 20


@dataclass(frozen=True)
class Manager:
    """Who nominates. ``organisation`` is a record, or the name typed (found or added in the transaction)."""

    name: str
    email: str
    organisation: Organisation | str
    role: str


@dataclass(frozen=True)
class Nominee:
    name: str
    email: str
    role: str


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    REFUSED = "refused"


@dataclass(frozen=True)
class NominationResult:
    """What happened to one member of staff: a booking (a place or the waiting list), or why not."""

    nominee: Nominee
    booking: Booking | None = None
    refusal: str = ""
    waiting_position: int | None = None

    @property
    def outcome(self) -> Outcome:
        if self.booking is None:
            return Outcome.REFUSED
        return Outcome.WAITING if self.booking.status == BookingStatus.WAITING else Outcome.CONFIRMED


class NobodyNominated(Refused):
    """Every member of staff was refused, so nothing was booked. ``already_booked``: the live bookings some of
    them already hold (their holders are emailed the details once the refusal has rolled back)."""

    def __init__(self, message: list[str], *, already_booked: list[Booking]):
        super().__init__(message)
        self.already_booked = already_booked


def check_nominees(*, manager_email: str, nominees: Sequence[Nominee]) -> None:
    """Refuse a list that is empty, too long, names someone twice, or names the manager."""
    if not nominees:
        raise Refused("Enter the name, email address and job title of at least one member of staff.")
    if len(nominees) > MAX_NOMINEES:
        raise Refused(f"You can nominate up to {MAX_NOMINEES} people at once. Send the others in a second nomination.")
    seen: set[str] = set()
    manager = mailbox(manager_email)
    for nominee in nominees:
        address = nominee.email.strip().lower()
        if address in seen:
            raise Refused(f"{address} is entered twice: nominate each person once.")
        seen.add(address)
        if mailbox(address) == manager:
            raise Refused(
                f"{address} is your own email address: nominate your staff with their own addresses, and book your "
                "own place from the session's page."
            )


def _refusal(nominee: Nominee, problem: Refused) -> str:
    if isinstance(problem, AlreadyBooked):
        # The manager may not see someone's booking: its holder is sent the details instead.
        address = nominee.email.strip().lower()
        return f"{address} already has a booking for this session. We have emailed them its details."
    return str(problem)


@transaction.atomic
def nomination_create(
    *,
    session: Session,
    manager: Manager,
    nominees: Sequence[Nominee],
    eligibility_confirmed: bool,
    now: datetime.datetime | None = None,
) -> list[NominationResult]:
    """Book each member of staff in ``nominees`` on ``session`` for their ``manager``, one by one, in order.

    The results are per person: a place, the waiting list once the session is full, or a refusal with its
    reason (the cap per organisation, an existing booking). A refusal that concerns the whole nomination (the
    session does not take bookings, eligibility not confirmed, the list is not valid) is raised, and so is
    ``NobodyNominated`` when every person is refused: then nothing is saved and nobody is emailed.
    """
    now = now or timezone.now()
    check_nominees(manager_email=manager.email, nominees=nominees)
    session = locking.locked_session(session.pk)
    check_bookable(session, now)
    if session.course.eligibility and not eligibility_confirmed:
        raise Refused("Confirm that everyone you nominate meets the eligibility statement.", field="eligibility")
    organisation = manager.organisation
    if not isinstance(organisation, Organisation):
        organisation = organisation_for_name(name=organisation)

    results: list[NominationResult] = []
    already_booked: list[Booking] = []
    for nominee in nominees:
        attendee = Attendee(
            name=nominee.name,
            email=nominee.email,
            organisation=organisation,
            role=nominee.role,
            manager_name=manager.name,
            manager_email=manager.email,
        )
        try:
            # A savepoint for each person: a refusal leaves no trace, and the next person is still booked.
            with transaction.atomic():
                booking = booking_create(
                    session=session,
                    attendee=attendee,
                    eligibility_confirmed=eligibility_confirmed,
                    now=now,
                    nominated=True,
                    notify=False,
                )
        except Refused as problem:
            if isinstance(problem, AlreadyBooked):
                already_booked.append(problem.booking)
            results.append(NominationResult(nominee=nominee, refusal=_refusal(nominee, problem)))
        else:
            results.append(NominationResult(nominee=nominee, booking=booking))

    if not any(result.booking for result in results):
        # Rolls back an organisation added for this nomination: nothing is kept of it.
        raise NobodyNominated(
            [f"{result.nominee.name.strip()}: {result.refusal}" for result in results], already_booked=already_booked
        )
    positions = _waiting_positions([result.booking for result in results if result.booking])
    results = [
        NominationResult(
            nominee=result.nominee,
            booking=result.booking,
            refusal=result.refusal,
            waiting_position=positions.get(result.booking.pk) if result.booking else None,
        )
        for result in results
    ]
    for booking in already_booked:
        booking_details_resend(booking=booking, now=now)
    for result in results:
        if result.booking:
            emails.nominated(result.booking, manager_role=manager.role, waiting_position=result.waiting_position)
    emails.nomination_made(session=session, manager=manager, results=results)
    return results


def _waiting_positions(bookings: list[Booking]) -> dict[int, int]:
    waiting = [booking.pk for booking in bookings if booking.status == BookingStatus.WAITING]
    if not waiting:
        return {}
    found = Booking.objects.filter(pk__in=waiting).with_waiting_position().values_list("pk", "waiting_position")
    return dict(found)
