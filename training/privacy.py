"""What training holds about people, for the base's export, erasure and retention (``core.privacy``).

A booking is anonymised, never deleted: the board's reports count places, attendance and
charges by organisation long after the names have gone. Access and dietary needs are
deleted outright.
"""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Q

from lscb_portal.core import pdf, privacy

from . import links, services
from .models import Booking, BookingNeeds, Certificate, Evaluation

BOOKING_FIELDS = [
    "reference",
    "session__course__title",
    "session__starts_at",
    "attendee_name",
    "email",
    "phone",
    "organisation__name",
    "role",
    "manager_name",
    "manager_email",
    "status",
    "cancel_reason",
    "created_at",
    "confirmed_at",
    "cancelled_at",
]
# What anonymising a booking blanks; the email becomes an address that cannot receive mail.
PERSONAL_FIELDS = ["attendee_name", "email", "phone", "role", "manager_name", "manager_email"]


def _anonymous_values(booking_id: int) -> dict:
    return {
        "attendee_name": privacy.ERASED,
        "email": f"erased-{booking_id}{links.ERASED_DOMAIN}",
        "phone": "",
        "role": "",
        "manager_name": "",
        "manager_email": "",
    }


def _booked_by(email: str):
    return Booking.objects.filter(privacy.email_matches("email", email))


def _managed_by(email: str):
    return Booking.objects.filter(privacy.email_matches("manager_email", email))


def names(email: str) -> list[str]:
    people = _booked_by(email).values_list("attendee_name", flat=True)
    managers = _managed_by(email).values_list("manager_name", flat=True)
    return [*people, *managers]


def export(email: str) -> dict:
    bookings = _booked_by(email).order_by("created_at")
    history = privacy.history_of(Booking)
    return {
        "bookings": privacy.rows(bookings, BOOKING_FIELDS),
        "access_and_dietary_needs": privacy.rows(
            BookingNeeds.objects.filter(booking__in=bookings), ["booking__reference", "access_needs", "dietary_needs"]
        ),
        "evaluations": privacy.rows(
            Evaluation.objects.filter(booking__in=bookings),
            [
                "booking__reference",
                "knowledge_before",
                "knowledge_after",
                "confidence_before",
                "confidence_after",
                "practice_change",
                "submitted_at",
            ],
        ),
        "certificates": privacy.rows(
            Certificate.objects.filter(booking__in=bookings), ["booking__reference", "code", "issued_at"]
        ),
        "bookings_you_were_asked_to_approve": privacy.rows(
            _managed_by(email), ["reference", "session__course__title", "attendee_name", "manager_name", "status"]
        ),
        "booking_history": privacy.rows(
            history.objects.filter(Q(id__in=bookings.values("pk")) | privacy.email_matches("email", email)).order_by(
                "history_date"
            ),
            ["id", "history_date", "history_type", *PERSONAL_FIELDS, "status"],
        ),
    }


def _anonymise(booking_ids: list[int]) -> int:
    """Blank the people's details in these bookings and in every historical row of them."""
    history = privacy.history_of(Booking)
    for booking_id in booking_ids:
        values = _anonymous_values(booking_id)
        Booking.objects.filter(pk=booking_id).update(**values)
        history.objects.filter(id=booking_id).update(**values)
    BookingNeeds.objects.filter(booking_id__in=booking_ids).delete()
    Evaluation.objects.filter(booking_id__in=booking_ids).update(practice_change="")
    _delete_certificates(booking_ids)
    return len(booking_ids)


def _delete_certificates(booking_ids) -> None:
    """A certificate names its holder: the row and its PDF go (the file once the deletion commits)."""
    certificates = Certificate.objects.filter(booking_id__in=booking_ids)
    files = [name for name in certificates.values_list("pdf", flat=True) if name]
    certificates.delete()
    for name in files:
        transaction.on_commit(partial(pdf.delete_stored, name))


def _forget_manager(email: str) -> int:
    history = privacy.history_of(Booking)
    managed = list(_managed_by(email).values_list("pk", flat=True))
    Booking.objects.filter(pk__in=managed).update(manager_name="", manager_email="")
    history.objects.filter(privacy.email_matches("manager_email", email)).update(manager_name="", manager_email="")
    return len(managed)


def erase(email: str) -> dict[str, int]:
    history = privacy.history_of(Booking)
    booking_ids = set(_booked_by(email).values_list("pk", flat=True))
    # A booking whose address was changed since still names the person in its history.
    booking_ids |= set(history.objects.filter(privacy.email_matches("email", email)).values_list("id", flat=True))
    needs = BookingNeeds.objects.filter(booking_id__in=booking_ids).count()
    # A place held by someone who is being forgotten goes to the next person waiting, not to an anonymous row.
    released = services.bookings_release_for_erasure(booking_ids=booking_ids)
    return {
        "places_released": released,
        "bookings_anonymised": _anonymise(sorted(booking_ids)),
        "needs_deleted": needs,
        "bookings_as_manager": _forget_manager(email),
    }


def retain(now: datetime) -> dict[str, int]:
    periods = privacy.retention()
    expired = set(
        Booking.objects.filter(session__ends_at__lte=now - periods.bookings)
        .exclude(email__endswith="@erased.invalid")
        .values_list("pk", flat=True)
    )
    # Bookings deleted in the back office leave their history behind: it ages out too.
    history = privacy.history_of(Booking)
    expired |= set(
        history.objects.filter(history_date__lte=now - periods.bookings)
        .exclude(email__endswith="@erased.invalid")
        .exclude(id__in=Booking.objects.values("pk"))
        .values_list("id", flat=True)
    )
    return {
        "bookings_anonymised": _anonymise(sorted(expired)),
        # The training app's own rule (TRAINING_NEEDS_KEPT_DAYS, set from PRIVACY_NEEDS_KEPT_DAYS).
        "needs_deleted": services.needs_delete_expired(now=now),
    }


privacy.register(privacy.PersonalData(app="training", export=export, erase=erase, retain=retain, names=names))
