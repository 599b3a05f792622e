"""Signed links for bookings, managers' approvals, waiting-list offers and "my training".

Each link's purpose keeps it to one use: a booking link cannot approve a
booking, an approval link cannot cancel one.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from lscb_portal.core.links import absolute_url
from lscb_portal.core.signing import BadLink, sign, unsign

from . import conf
from .models import Booking

BOOKING = "training.booking"
APPROVAL = "training.approval"
OFFER = "training.offer"
MY_TRAINING = "training.my"
EVALUATION = "training.evaluation"
CERTIFICATE = "training.certificate"
ERASED_DOMAIN = "@erased.invalid"  # what privacy.py gives an anonymised booking


def _token_for(purpose: str, booking: Booking, expires_at: datetime.datetime) -> str:
    return sign(purpose, {"b": booking.pk, "r": booking.reference}, expires_at=expires_at)


def _booking_for(purpose: str, token: str) -> Booking:
    value = unsign(purpose, token)
    if not isinstance(value, dict):
        raise BadLink("This link is not valid.")
    booking = (
        Booking.objects.select_related("session__course", "organisation")
        .filter(pk=value.get("b"), reference=value.get("r"))
        .first()
    )
    if booking is None:
        raise BadLink("This booking no longer exists.")
    return booking


def booking_token(booking: Booking) -> str:
    """View, add to a calendar, cancel or pass on the place: valid until the session ends."""
    return _token_for(BOOKING, booking, booking.session.ends_at)


def booking_from_token(token: str) -> Booking:
    return _booking_for(BOOKING, token)


def booking_url(booking: Booking) -> str:
    return absolute_url(reverse("training:booking", kwargs={"token": booking_token(booking)}))


def approval_token(booking: Booking) -> str:
    """The manager's approve or decline link: valid while the place is held."""
    return _token_for(APPROVAL, booking, booking.hold_expires_at)


def booking_from_approval_token(token: str) -> Booking:
    return _booking_for(APPROVAL, token)


def approval_url(booking: Booking) -> str:
    return absolute_url(reverse("training:approval", kwargs={"token": approval_token(booking)}))


def offer_token(booking: Booking) -> str:
    """Accept or decline an offered place: valid until the offer expires."""
    return _token_for(OFFER, booking, booking.offer_expires_at)


def booking_from_offer_token(token: str) -> Booking:
    return _booking_for(OFFER, token)


def offer_url(booking: Booking) -> str:
    return absolute_url(reverse("training:offer", kwargs={"token": offer_token(booking)}))


def my_training_token(email: str) -> str:
    """A link to every booking made with ``email``: it names one of them (not the address, which a signed
    value would carry readably into URLs and logs), and the page lists every booking with that one's address."""
    booking = Booking.objects.for_email(email.strip().lower()).order_by("-created_at").only("pk", "reference").first()
    if booking is None:
        raise BadLink("There are no bookings with this address.")
    return sign(MY_TRAINING, {"b": booking.pk, "r": booking.reference}, max_age=conf.my_training_link_age())


def email_from_my_training_token(token: str) -> str:
    value = unsign(MY_TRAINING, token)
    if not isinstance(value, dict):
        raise BadLink("This link is not valid.")
    email = Booking.objects.filter(pk=value.get("b"), reference=value.get("r")).values_list("email", flat=True).first()
    if email is None or email.endswith(ERASED_DOMAIN):
        raise BadLink("These bookings no longer exist.")
    return email.lower()


def my_training_url(email: str) -> str:
    return absolute_url(reverse("training:my_bookings", kwargs={"token": my_training_token(email)}))


def evaluation_token(booking: Booking) -> str:
    """The impact evaluation: valid for some months after it is sent."""
    return _token_for(EVALUATION, booking, timezone.now() + conf.evaluation_link_age())


def booking_from_evaluation_token(token: str) -> Booking:
    return _booking_for(EVALUATION, token)


def evaluation_url(booking: Booking) -> str:
    return absolute_url(reverse("training:evaluation", kwargs={"token": evaluation_token(booking)}))


def certificate_token(booking: Booking) -> str:
    """A certificate is a lasting record, so its link does not expire."""
    return sign(CERTIFICATE, {"b": booking.pk, "r": booking.reference})


def booking_from_certificate_token(token: str) -> Booking:
    return _booking_for(CERTIFICATE, token)


def certificate_url(booking: Booking) -> str:
    return absolute_url(reverse("training:certificate", kwargs={"token": certificate_token(booking)}))
