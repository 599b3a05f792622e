"""Writes that enforce the training rules: who holds a session's places, and what follows a session.

One module per subject (``bookings``, ``nominations``, ``waitinglist``, ``approvals``, ``sessions``,
``copying``, ``venues``, ``attendance``, ``charges``, ``evaluations``, ``reminders``, ``alerts``, ``organisations``,
``staff``, ``retention``). ``rules`` says what the booking rules allow at a given moment, for the
services and for the pages and back office that offer only what they allow; ``locking``
says how places are counted under the session's lock, and ``transitions`` how a booking
moves from one state to the next. Callers import from here (``from training import services``).
"""

from .alerts import places_alert_send
from .approvals import approval_decide
from .attendance import MARKABLE, attendance_mark, status_from_marks
from .bookings import (
    AlreadyBooked,
    Attendee,
    Colleague,
    booking_cancel,
    booking_create,
    booking_details_change,
    booking_details_resend,
    booking_transfer,
    bookings_delete,
    bookings_release_for_erasure,
    check_details_change,
    my_training_link_send,
)
from .charges import charge_due, charge_waive, charges_mark_invoiced
from .copying import (
    SessionCopy,
    TermCopy,
    check_weeks,
    session_copy,
    session_copy_preview,
    sessions_copy_forward,
    sessions_copy_preview,
)
from .evaluations import (
    EvaluationAnswers,
    certificate_available,
    evaluation_submit,
    evaluations_send,
    evaluations_send_now,
)
from .nominations import (
    MAX_NOMINEES,
    Manager,
    NobodyNominated,
    NominationResult,
    Nominee,
    check_nominees,
    nomination_create,
)
from .organisations import organisation_for_name, organisation_for_staff, organisation_merge
from .reminders import reminders_send
from .retention import needs_delete_expired
from .rules import (
    CANCELLABLE,
    BookingState,
    CancelState,
    booking_state,
    cancel_state,
    cap_warnings,
    check_bookable,
    check_capacity,
    check_organisation_cap,
    check_staff_bookable,
)
from .sessions import (
    PartDates,
    attendees_email,
    check_booking_dates,
    check_cancel_reason,
    check_parts,
    session_cancel,
    session_date_warnings,
    session_parts_set,
    session_places_offer,
    session_set_capacity,
)
from .staff import Delegate, booking_move, bookings_add
from .venues import (
    trainer_names,
    trainer_sessions_refresh,
    upcoming_sessions_count,
    venue_copy_to,
    venue_sessions_refresh,
)
from .waitinglist import holds_expire, offer_accept, offer_decline, waiting_place_offer_now

__all__ = [
    "CANCELLABLE",
    "MARKABLE",
    "MAX_NOMINEES",
    "AlreadyBooked",
    "Attendee",
    "BookingState",
    "CancelState",
    "Colleague",
    "Delegate",
    "EvaluationAnswers",
    "Manager",
    "NobodyNominated",
    "NominationResult",
    "Nominee",
    "PartDates",
    "SessionCopy",
    "TermCopy",
    "approval_decide",
    "attendance_mark",
    "attendees_email",
    "booking_cancel",
    "booking_create",
    "booking_details_change",
    "booking_details_resend",
    "booking_move",
    "booking_state",
    "booking_transfer",
    "bookings_delete",
    "bookings_add",
    "bookings_release_for_erasure",
    "cancel_state",
    "certificate_available",
    "charge_due",
    "charge_waive",
    "charges_mark_invoiced",
    "check_parts",
    "check_bookable",
    "check_nominees",
    "check_booking_dates",
    "check_cancel_reason",
    "check_capacity",
    "check_details_change",
    "check_organisation_cap",
    "cap_warnings",
    "check_staff_bookable",
    "check_weeks",
    "evaluation_submit",
    "evaluations_send",
    "evaluations_send_now",
    "holds_expire",
    "my_training_link_send",
    "needs_delete_expired",
    "nomination_create",
    "offer_accept",
    "offer_decline",
    "organisation_for_name",
    "organisation_for_staff",
    "organisation_merge",
    "places_alert_send",
    "reminders_send",
    "session_cancel",
    "session_copy",
    "session_copy_preview",
    "sessions_copy_forward",
    "sessions_copy_preview",
    "session_date_warnings",
    "session_parts_set",
    "session_places_offer",
    "session_set_capacity",
    "status_from_marks",
    "trainer_names",
    "trainer_sessions_refresh",
    "upcoming_sessions_count",
    "venue_copy_to",
    "venue_sessions_refresh",
    "waiting_place_offer_now",
]
