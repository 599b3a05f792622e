"""Writes that enforce the training rules: who holds a session's places, and what follows a session.

One module per subject (``bookings``, ``waitinglist``, ``approvals``, ``sessions``,
``attendance``, ``charges``, ``evaluations``, ``reminders``, ``alerts``, ``organisations``,
``retention``); ``locking`` says how places are counted under the session's lock, and
``transitions`` how a booking moves from one state to the next. Callers import the
services from here (``from training import services``).
"""

from .alerts import places_alert_send
from .approvals import approval_decide
from .attendance import MARKABLE, attendance_mark
from .bookings import (
    CANCELLABLE,
    Attendee,
    Colleague,
    booking_cancel,
    booking_create,
    booking_details_resend,
    booking_transfer,
    bookings_release_for_erasure,
    my_training_link_send,
)
from .charges import charge_due, charge_waive, charges_mark_invoiced
from .evaluations import EvaluationAnswers, certificate_available, evaluation_submit, evaluations_send
from .organisations import organisation_for_name, organisation_merge
from .refusals import ActionRefused, AlreadyBooked, BookingRefused
from .reminders import reminders_send
from .retention import needs_delete_expired
from .sessions import attendees_email, session_cancel, session_set_capacity
from .waitinglist import holds_expire, offer_accept, offer_decline, waiting_place_offer_now

__all__ = [
    "CANCELLABLE",
    "MARKABLE",
    "ActionRefused",
    "AlreadyBooked",
    "Attendee",
    "BookingRefused",
    "Colleague",
    "EvaluationAnswers",
    "approval_decide",
    "attendance_mark",
    "attendees_email",
    "booking_cancel",
    "booking_create",
    "booking_details_resend",
    "booking_transfer",
    "bookings_release_for_erasure",
    "certificate_available",
    "charge_due",
    "charge_waive",
    "charges_mark_invoiced",
    "evaluation_submit",
    "evaluations_send",
    "holds_expire",
    "my_training_link_send",
    "needs_delete_expired",
    "offer_accept",
    "offer_decline",
    "organisation_for_name",
    "organisation_merge",
    "places_alert_send",
    "reminders_send",
    "session_cancel",
    "session_set_capacity",
    "waiting_place_offer_now",
]
