"""Writes that decide who holds a session's places.

Every service that can take or free a place first locks the session's row
(``_locked_session``), then counts places, then writes. Two requests for the
last place therefore run one after the other, in whatever process or machine
they arrive, and the later one sees the earlier one's booking. The order in
which attempts take the lock is recorded (``Booking.sequence``): it is the
waiting list's order.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lscb_portal.core.models import Organisation

from . import conf, emails
from .models import (
    Booking,
    BookingNeeds,
    BookingStatus,
    Charge,
    ChargeBasis,
    ChargeReason,
    EndReason,
    Evaluation,
    Length,
    LengthRate,
    Session,
    SessionStatus,
)


class BookingRefused(Exception):
    """A rule said no. ``field`` names the form field the message belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    organisation: Organisation
    role: str
    phone: str = ""
    manager_name: str = ""
    manager_email: str = ""
    access_needs: str = ""
    dietary_needs: str = ""


@dataclass(frozen=True)
class Colleague:
    name: str
    email: str
    role: str
    phone: str = ""


def _locked_session(session_id: int) -> Session:
    """The session row, locked until the transaction ends. Nothing counts places without it."""
    return Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session_id)


def _next_in_lock_order() -> int:
    # Taken while holding the session's lock, so the numbers follow the order of the lock.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('training_booking_lock_order')")
        return cursor.fetchone()[0]


def _places_taken(session: Session) -> int:
    return session.bookings.holding_places().count()


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _save(booking: Booking, reason: str, fields: list[str] | None = None) -> None:
    booking._change_reason = reason
    booking.save(update_fields=fields)


def _hold_until(session: Session, now: datetime.datetime, length: datetime.timedelta) -> datetime.datetime:
    """A hold or an offer lasts ``length``, but never past the closing time."""
    return min(now + length, session.booking_closes_at)


def _check_session_bookable(session: Session, now: datetime.datetime) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise BookingRefused("This session has been cancelled. Choose another date from the programme.")
    if session.starts_at <= now:
        raise BookingRefused("This session has already taken place.")
    if session.booking_opens_at and session.booking_opens_at > now:
        local = timezone.localtime(session.booking_opens_at)
        raise BookingRefused(f"Booking for this session opens on {local:%-d %B %Y} at {local:%H:%M}.")
    if session.booking_closes_at <= now:
        local = timezone.localtime(session.booking_closes_at)
        raise BookingRefused(
            f"Booking for this session closed on {local:%-d %B %Y} at {local:%H:%M}. "
            "Contact the training team if you still need a place."
        )


def organisation_for_name(*, name: str) -> Organisation:
    """The organisation a booker typed: an existing one (ignoring case), or a new unverified one.

    Merged records are followed to the record they were merged into, so caps count by one record.
    """
    name = " ".join(name.split())
    organisation = Organisation.objects.filter(name__iexact=name).select_related("merged_into").first()
    if organisation is None:
        try:
            with transaction.atomic():
                return Organisation.objects.create(name=name, verified=False)
        except IntegrityError:  # someone created it at the same moment
            organisation = Organisation.objects.get(name__iexact=name)
    seen = set()
    while organisation.merged_into_id and organisation.pk not in seen:
        seen.add(organisation.pk)
        organisation = organisation.merged_into
    return organisation


@transaction.atomic
def booking_create(
    *, session: Session, attendee: Attendee, eligibility_confirmed: bool, now: datetime.datetime | None = None
) -> Booking:
    """Book a place, or a place on the waiting list when the session is full.

    Where the course needs a manager's approval, the place is held and the manager emailed.
    """
    now = now or timezone.now()
    session = _locked_session(session.pk)
    sequence = _next_in_lock_order()
    _check_session_bookable(session, now)
    course = session.course
    email = _normalise_email(attendee.email)
    if course.eligibility and not eligibility_confirmed:
        raise BookingRefused("Confirm that you meet the eligibility statement to book.", field="eligibility")
    if course.requires_manager_approval and not attendee.manager_email:
        raise BookingRefused(
            "Enter your manager's email address: this course needs their approval.", field="manager_email"
        )
    existing = session.bookings.live().for_email(email).first()
    if existing is not None:
        raise BookingRefused(
            f"{email} already has a booking for this session (reference {existing.reference}). "
            "Use the link in your email to manage it, or ask for it again on the My training page.",
            field="email",
        )
    cap = session.places_per_organisation
    if cap and session.bookings.live().filter(organisation=attendee.organisation).count() >= cap:
        raise BookingRefused(
            f"{attendee.organisation.name} already has {cap} {'place' if cap == 1 else 'places'} on this session, "
            "the most one organisation can book.",
            field="organisation",
        )

    booking = Booking(
        session=session,
        sequence=sequence,
        attendee_name=attendee.name.strip(),
        email=email,
        phone=attendee.phone.strip(),
        organisation=attendee.organisation,
        role=attendee.role.strip(),
        manager_name=attendee.manager_name.strip(),
        manager_email=_normalise_email(attendee.manager_email),
        eligibility_confirmed=eligibility_confirmed,
        created_at=now,
    )
    if _places_taken(session) < session.capacity:
        if course.requires_manager_approval:
            booking.status = BookingStatus.PENDING_APPROVAL
            booking.hold_expires_at = _hold_until(session, now, datetime.timedelta(hours=course.approval_hold_hours))
        else:
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
    else:
        booking.status = BookingStatus.WAITING
    _save(booking, "Booked online")
    if attendee.access_needs.strip() or attendee.dietary_needs.strip():
        BookingNeeds.objects.create(
            booking=booking,
            access_needs=attendee.access_needs.strip(),
            dietary_needs=attendee.dietary_needs.strip(),
            recorded_at=now,
        )
    if booking.status == BookingStatus.CONFIRMED:
        emails.booking_confirmed(booking)
    elif booking.status == BookingStatus.PENDING_APPROVAL:
        emails.approval_requested(booking)
    else:
        emails.waiting_list_joined(booking)
    return booking


def _offer_free_places(session: Session, now: datetime.datetime) -> list[Booking]:
    """Offer each free place to the next person waiting. Call only while holding the session's lock."""
    if session.status != SessionStatus.SCHEDULED or now >= session.booking_closes_at:
        return []
    free = session.capacity - _places_taken(session)
    if free <= 0:
        return []
    offered = list(session.bookings.waiting()[:free])
    for booking in offered:
        booking.session = session
        booking.status = BookingStatus.OFFERED
        booking.offer_expires_at = _hold_until(session, now, conf.offer_time())
        _save(booking, "Place offered from the waiting list", ["status", "offer_expires_at"])
        emails.place_offered(booking)
    return offered


def _lock_booking(booking: Booking) -> tuple[Session, Booking]:
    session = _locked_session(booking.session_id)
    booking = Booking.objects.select_related("organisation").get(pk=booking.pk)
    booking.session = session
    return session, booking


def _end(booking: Booking, reason: EndReason, now: datetime.datetime, change_reason: str) -> None:
    booking.status = BookingStatus.CANCELLED
    booking.cancel_reason = reason
    booking.cancelled_at = now
    _save(booking, change_reason)


def _confirm_or_hold(session: Session, booking: Booking, now: datetime.datetime, change_reason: str) -> None:
    """A place is the booking's: confirmed, or held while the manager approves."""
    if session.course.requires_manager_approval and booking.status != BookingStatus.PENDING_APPROVAL:
        booking.status = BookingStatus.PENDING_APPROVAL
        booking.hold_expires_at = _hold_until(
            session, now, datetime.timedelta(hours=session.course.approval_hold_hours)
        )
        _save(booking, change_reason)
        emails.approval_requested(booking)
        return
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = now
    _save(booking, change_reason)
    emails.booking_confirmed(booking)


CANCELLABLE = [
    BookingStatus.PENDING_APPROVAL,
    BookingStatus.CONFIRMED,
    BookingStatus.WAITING,
    BookingStatus.OFFERED,
]


@transaction.atomic
def booking_cancel(
    *, booking: Booking, reason: EndReason = EndReason.ATTENDEE, now: datetime.datetime | None = None
) -> Booking:
    """Cancel a booking (or leave a waiting list) and offer the freed place to the next person waiting.

    After booking closes a place can still be given up, but it is marked as a late
    cancellation: the charging policy applies.
    """
    now = now or timezone.now()
    session, booking = _lock_booking(booking)
    if booking.status not in CANCELLABLE:
        raise BookingRefused("This booking cannot be cancelled: it has already been cancelled or has ended.")
    if session.starts_at <= now:
        raise BookingRefused("This session has already started, so the booking can no longer be cancelled.")
    booking.late_cancellation = booking.holds_place and now >= session.booking_closes_at
    _end(booking, reason, now, EndReason(reason).label)
    if booking.late_cancellation:
        _raise_charge(booking, ChargeReason.LATE_CANCELLATION, now)
    emails.booking_cancelled(booking)
    _offer_free_places(session, now)
    return booking


@transaction.atomic
def offer_accept(*, booking: Booking, now: datetime.datetime | None = None) -> Booking:
    now = now or timezone.now()
    session, booking = _lock_booking(booking)
    if booking.status != BookingStatus.OFFERED:
        raise BookingRefused("This offer is no longer open.")
    if booking.offer_expires_at <= now:
        raise BookingRefused("This offer has expired and the place has gone to the next person waiting.")
    _confirm_or_hold(session, booking, now, "Offered place accepted")
    return booking


@transaction.atomic
def offer_decline(*, booking: Booking, now: datetime.datetime | None = None) -> Booking:
    now = now or timezone.now()
    session, booking = _lock_booking(booking)
    if booking.status != BookingStatus.OFFERED:
        raise BookingRefused("This offer is no longer open.")
    _end(booking, EndReason.OFFER_DECLINED, now, "Offered place declined")
    _offer_free_places(session, now)
    return booking


@transaction.atomic
def approval_decide(*, booking: Booking, approve: bool, now: datetime.datetime | None = None) -> Booking:
    """The manager's answer. Approval confirms the held place; a refusal frees it for the waiting list."""
    now = now or timezone.now()
    session, booking = _lock_booking(booking)
    if booking.status != BookingStatus.PENDING_APPROVAL:
        raise BookingRefused("This booking has already been decided, or was cancelled.")
    if booking.hold_expires_at <= now:
        raise BookingRefused("The time to approve this booking has passed and the place has been released.")
    if approve:
        _confirm_or_hold(session, booking, now, "Approved by manager")
    else:
        _end(booking, EndReason.MANAGER_DECLINED, now, "Declined by manager")
        emails.approval_declined(booking)
        _offer_free_places(session, now)
    return booking


@transaction.atomic
def booking_transfer(*, booking: Booking, colleague: Colleague, now: datetime.datetime | None = None) -> Booking:
    """Pass a confirmed place to a colleague from the same organisation. Returns the colleague's booking."""
    now = now or timezone.now()
    session, booking = _lock_booking(booking)
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingRefused("Only a confirmed place can be passed to a colleague.")
    if session.starts_at <= now:
        raise BookingRefused("This session has already started, so the place can no longer be passed on.")
    email = _normalise_email(colleague.email)
    if email == booking.email:
        raise BookingRefused("Enter your colleague's email address, not your own.", field="email")
    if session.bookings.live().for_email(email).exists():
        raise BookingRefused(f"{email} already has a booking for this session.", field="email")
    new = Booking(
        session=session,
        sequence=_next_in_lock_order(),
        attendee_name=colleague.name.strip(),
        email=email,
        phone=colleague.phone.strip(),
        organisation=booking.organisation,
        role=colleague.role.strip(),
        manager_name=booking.manager_name,
        manager_email=booking.manager_email,
        eligibility_confirmed=True,
        status=BookingStatus.CONFIRMED,
        created_at=now,
        confirmed_at=now,
    )
    _end(booking, EndReason.TRANSFERRED, now, "Place passed to a colleague")
    _save(new, f"Place passed on by {booking.attendee_name} ({booking.reference})")
    booking.transferred_to = new
    _save(booking, "Place passed to a colleague", ["transferred_to"])
    emails.place_transferred(booking, new)
    return new


@transaction.atomic
def session_set_capacity(*, session: Session, capacity: int, now: datetime.datetime | None = None) -> Session:
    """Change a session's places. New places go to the waiting list; places already taken cannot be removed."""
    now = now or timezone.now()
    session = _locked_session(session.pk)
    taken = _places_taken(session)
    if capacity < taken:
        raise BookingRefused(
            f"{taken} places are already taken, so the session needs at least {taken} places.", field="capacity"
        )
    session.capacity = capacity
    session._change_reason = "Places changed"
    session.save(update_fields=["capacity"])
    _offer_free_places(session, now)
    return session


@transaction.atomic
def session_cancel(*, session: Session, reason: str = "", now: datetime.datetime | None = None) -> int:
    """The board cancels a session: every live booking is cancelled and its holder emailed. Returns how many."""
    now = now or timezone.now()
    session = _locked_session(session.pk)
    if session.status == SessionStatus.CANCELLED:
        return 0
    session.status = SessionStatus.CANCELLED
    session.cancelled_reason = reason
    session._change_reason = "Session cancelled"
    session.save(update_fields=["status", "cancelled_reason"])
    bookings = list(session.bookings.filter(status__in=CANCELLABLE).select_related("organisation"))
    for booking in bookings:
        booking.session = session
        _end(booking, EndReason.SESSION_CANCELLED, now, "Session cancelled by the board")
        emails.session_cancelled(booking, session)
    return len(bookings)


def holds_expire(*, now: datetime.datetime | None = None) -> int:
    """Release offers not accepted and approvals not given in time; offer the places on. Returns how many."""
    now = now or timezone.now()
    expired = Booking.objects.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now) | Booking.objects.filter(
        status=BookingStatus.PENDING_APPROVAL, hold_expires_at__lte=now
    )
    session_ids = sorted(set(expired.values_list("session_id", flat=True)))
    count = 0
    for session_id in session_ids:
        with transaction.atomic():
            session = _locked_session(session_id)
            for booking in session.bookings.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now):
                booking.session = session
                _end(booking, EndReason.OFFER_EXPIRED, now, "Offer not accepted in time")
                emails.offer_expired(booking)
                count += 1
            for booking in session.bookings.filter(status=BookingStatus.PENDING_APPROVAL, hold_expires_at__lte=now):
                booking.session = session
                _end(booking, EndReason.APPROVAL_EXPIRED, now, "Manager did not reply in time")
                emails.approval_declined(booking, expired=True)
                count += 1
            _offer_free_places(session, now)
    return count


@transaction.atomic
def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind confirmed delegates a set number of days before their session. Each is reminded once."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + datetime.timedelta(days=conf.reminder_days()),
        )
        .select_related("session__course", "organisation")
        .select_for_update(skip_locked=True, of=("self",))
    )
    count = 0
    for booking in due:
        emails.reminder(booking)
        booking.reminder_sent_at = now
        _save(booking, "Reminder sent", ["reminder_sent_at"])
        count += 1
    return count


@transaction.atomic
def needs_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete access and dietary needs a week after the session (special-category data)."""
    now = now or timezone.now()
    deleted, _ = BookingNeeds.objects.filter(booking__session__ends_at__lte=now - conf.needs_kept_for()).delete()
    return deleted


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


# After the session: attendance, charges, evaluations.


class ActionRefused(BookingRefused):
    """A back-office action that the rules do not allow (the message says why)."""


def charge_due(*, booking: Booking) -> tuple[Decimal, bool]:
    """What the charging policy asks for a place not used: (amount, at the partner rate?)."""
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
    return amount, partner


def _raise_charge(booking: Booking, reason: ChargeReason, now: datetime.datetime) -> Charge | None:
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


MARKABLE = [BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.DID_NOT_ATTEND]


@transaction.atomic
def attendance_mark(
    *, session: Session, attended: list[int], did_not_attend: list[int], now: datetime.datetime | None = None
) -> int:
    """Record who came (booking ids) once the session has started. Returns how many bookings changed.

    Non-attendance raises the charge due under the charging policy; correcting a
    mark to "attended" removes a charge that has not been invoiced.
    """
    now = now or timezone.now()
    session = _locked_session(session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise ActionRefused("This session was cancelled, so there is no attendance to record.")
    if session.starts_at > now:
        raise ActionRefused("Attendance can be recorded once the session has started.")
    if set(attended) & set(did_not_attend):
        raise ActionRefused("A delegate cannot be marked both as attended and as not attending.")
    wanted = dict.fromkeys(attended, BookingStatus.ATTENDED) | dict.fromkeys(
        did_not_attend, BookingStatus.DID_NOT_ATTEND
    )
    bookings = session.bookings.filter(pk__in=wanted, status__in=MARKABLE).select_related("organisation")
    changed = 0
    for booking in bookings:
        status = wanted[booking.pk]
        if booking.status == status:
            continue
        booking.session = session
        booking.status = status
        booking.attendance_marked_at = now
        _save(booking, f"Marked as {BookingStatus(status).label.lower()}", ["status", "attendance_marked_at"])
        if status == BookingStatus.DID_NOT_ATTEND:
            _raise_charge(booking, ChargeReason.DID_NOT_ATTEND, now)
        else:
            Charge.objects.filter(booking=booking, invoiced_at__isnull=True).delete()
        changed += 1
    return changed


@transaction.atomic
def charge_waive(*, charge: Charge, reason: str, by=None, now: datetime.datetime | None = None) -> Charge:
    """Waive a charge. A reason is required: the board's report shows what was waived and why."""
    now = now or timezone.now()
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionRefused("Give a reason for waiving the charge.", field="reason")
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if charge.waived_at is not None:
        raise ActionRefused("This charge has already been waived.")
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


def evaluations_send(*, now: datetime.datetime | None = None) -> int:
    """Email each attendee the impact evaluation a set time after their session. Each is asked once.

    Sessions long past (before the evaluation window) are left alone, so turning the job on
    never mails people about training from years ago.
    """
    now = now or timezone.now()
    after = conf.evaluation_after()
    due = Booking.objects.filter(
        status=BookingStatus.ATTENDED,
        evaluation_sent_at__isnull=True,
        evaluation__isnull=True,
        session__ends_at__lte=now - after,
        session__ends_at__gt=now - after - conf.evaluation_window(),
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("session__course", "organisation")
                .filter(pk=pk, evaluation_sent_at__isnull=True)
                .first()
            )
            if booking is None:
                continue
            emails.evaluation_request(booking)
            booking.evaluation_sent_at = now
            _save(booking, "Evaluation sent", ["evaluation_sent_at"])
            count += 1
    return count


@dataclass(frozen=True)
class EvaluationAnswers:
    knowledge_before: int
    knowledge_after: int
    confidence_before: int
    confidence_after: int
    practice_change: str


@transaction.atomic
def evaluation_submit(
    *, booking: Booking, answers: EvaluationAnswers, now: datetime.datetime | None = None
) -> Evaluation:
    """Record the delegate's evaluation; from then on their certificate is available."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().select_related("session__course").get(pk=booking.pk)
    if booking.status != BookingStatus.ATTENDED:
        raise ActionRefused("Only delegates recorded as attending the session can complete its evaluation.")
    if Evaluation.objects.filter(booking=booking).exists():
        raise ActionRefused("You have already completed this evaluation. Your certificate is ready.")
    scores = [answers.knowledge_before, answers.knowledge_after, answers.confidence_before, answers.confidence_after]
    if any(score not in range(1, 6) for score in scores):
        raise ActionRefused("Choose a score from 1 to 5 for each question.")
    practice_change = answers.practice_change.strip()
    if not practice_change:
        raise ActionRefused("Tell us what you will do differently in your practice.", field="practice_change")
    evaluation = Evaluation.objects.create(
        booking=booking,
        knowledge_before=answers.knowledge_before,
        knowledge_after=answers.knowledge_after,
        confidence_before=answers.confidence_before,
        confidence_after=answers.confidence_after,
        practice_change=practice_change,
        submitted_at=now,
    )
    emails.certificate_ready(booking)
    return evaluation


def certificate_available(booking: Booking) -> bool:
    return booking.status == BookingStatus.ATTENDED and Evaluation.objects.filter(booking=booking).exists()


# Back-office actions.


@transaction.atomic
def waiting_place_offer_now(*, session: Session, now: datetime.datetime | None = None) -> Booking:
    """Offer a free place to the next person waiting, straight away, even after booking has closed.

    For the administrator who knows a place is free (a late cancellation, say) and wants it used:
    the offer lasts the usual time, but never past the start of the session.
    """
    now = now or timezone.now()
    session = _locked_session(session.pk)
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
        raise ActionRefused(f"{session}: the session has been cancelled or has started.")
    if _places_taken(session) >= session.capacity:
        raise ActionRefused(f"{session}: no place is free. Raise the number of places first.")
    booking = session.bookings.waiting().first()
    if booking is None:
        raise ActionRefused(f"{session}: nobody is on the waiting list.")
    booking.session = session
    booking.status = BookingStatus.OFFERED
    booking.offer_expires_at = min(now + conf.offer_time(), session.starts_at)
    _save(booking, "Place offered by the training team", ["status", "offer_expires_at"])
    emails.place_offered(booking)
    return booking


@transaction.atomic
def attendees_email(*, session: Session, subject: str, message: str, key: str) -> int:
    """Email everyone holding a place on a session. ``key`` identifies this message (sent once each)."""
    subject, message = subject.strip(), message.strip()
    if not subject or not message:
        raise ActionRefused("Enter a subject and a message.")
    bookings = session.bookings.filter(status__in=[BookingStatus.CONFIRMED, BookingStatus.ATTENDED]).select_related(
        "session__course", "organisation"
    )
    count = 0
    for booking in bookings:
        emails.attendees_message(booking, subject=subject, message=message, key=key)
        count += 1
    return count


@transaction.atomic
def places_alert_send(*, sessions, now: datetime.datetime | None = None) -> int:
    """Tell the training alerts list (immediate subscribers) about sessions that still have places.

    Only sessions open for booking with places left count; each subscriber hears about a given
    set of sessions once. Returns how many emails were queued.
    """
    from lscb_portal.core.links import absolute_url
    from lscb_portal.core.subscriptions import EmailContent, notify

    from .alerts import LIST_KEY

    now = now or timezone.now()
    open_sessions = list(
        Session.objects.open_for_booking(now)
        .filter(pk__in=[session.pk for session in sessions])
        .select_related("course")
        .has_places()
        .order_by("starts_at")
    )
    if not open_sessions:
        raise ActionRefused("None of the chosen sessions is open for booking with places left.")
    text = emails.render_places_alert([(session, absolute_url(session)) for session in open_sessions])
    content = EmailContent(
        subject=f"Training places available: {len(open_sessions)} "
        f"{'session' if len(open_sessions) == 1 else 'sessions'} coming up",
        text=text,
    )
    event_key = "training.places:" + ",".join(str(session.pk) for session in open_sessions) + f":{now:%Y%m%d}"
    return notify(list_key=LIST_KEY, event_key=event_key, build=lambda subscription: content)


@transaction.atomic
def organisation_merge(*, source: Organisation, into: Organisation) -> int:
    """Merge an unverified organisation typed by a booker into the right record.

    Its bookings and charges move to the record, so caps and the board's report count one
    organisation. Returns how many bookings moved.
    """
    if source.pk == into.pk:
        raise ActionRefused("Choose a different organisation to merge into.")
    source = Organisation.objects.select_for_update().get(pk=source.pk)
    if source.verified:
        raise ActionRefused(f"{source.name} is verified: only unverified organisations can be merged.")
    if into.merged_into_id:
        raise ActionRefused(f"{into.name} has itself been merged; choose the organisation it was merged into.")
    moved = Booking.objects.filter(organisation=source).update(organisation=into)
    Charge.objects.filter(organisation=source).update(organisation=into)
    source.merged_into = into
    source._change_reason = f"Merged into {into.name}"
    source.save(update_fields=["merged_into"])
    return moved
