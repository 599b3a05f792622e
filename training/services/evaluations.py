"""The impact evaluation after a session, and the certificate it unlocks."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lscb_portal.core.errors import Refused

from .. import certificates, conf, emails
from ..models import Booking, BookingStatus, Evaluation
from .transitions import save_with_reason


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
    return sum(_evaluation_ask(pk, now) for pk in list(due))


def evaluations_send_now(*, booking_ids, now: datetime.datetime | None = None) -> int:
    """Ask these delegates for the evaluation now, without the wait: staff bring it forward for someone who
    attended today (leaving the board, or wanting the certificate for a review).

    Only delegates recorded as attending the whole session who have not been asked and have not answered
    are emailed; the others are left as they are, so pressing the button twice asks nobody twice. Returns how
    many were asked.
    """
    now = now or timezone.now()
    return sum(_evaluation_ask(pk, now) for pk in sorted(set(booking_ids)))


def _evaluation_ask(pk: int, now: datetime.datetime) -> bool:
    """Email one attendee the evaluation under the booking's lock, unless they were asked or answered."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("session__course", "organisation")
            .filter(pk=pk, status=BookingStatus.ATTENDED, evaluation_sent_at__isnull=True, evaluation__isnull=True)
            .first()
        )
        if booking is None:
            return False
        emails.evaluation_request(booking)
        booking.evaluation_sent_at = now
        save_with_reason(booking, "Evaluation sent", ["evaluation_sent_at"])
        return True


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
    """Record the delegate's evaluation; from then on their certificate is available (its code now, its PDF
    from a job)."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().select_related("session__course").get(pk=booking.pk)
    if booking.status != BookingStatus.ATTENDED:
        raise Refused("Only delegates recorded as attending the session can complete its evaluation.")
    if Evaluation.objects.filter(booking=booking).exists():
        raise Refused("You have already completed this evaluation. Your certificate is ready.")
    scores = [answers.knowledge_before, answers.knowledge_after, answers.confidence_before, answers.confidence_after]
    if any(score not in range(1, 6) for score in scores):
        raise Refused("Choose a score from 1 to 5 for each question.")
    practice_change = answers.practice_change.strip()
    if not practice_change:
        raise Refused("Tell us what you will do differently in your practice.", field="practice_change")
    evaluation = Evaluation.objects.create(
        booking=booking,
        knowledge_before=answers.knowledge_before,
        knowledge_after=answers.knowledge_after,
        confidence_before=answers.confidence_before,
        confidence_after=answers.confidence_after,
        practice_change=practice_change,
        submitted_at=now,
    )
    certificates.new_certificate(booking, at=now)
    emails.certificate_ready(booking)
    return evaluation


def certificate_available(booking: Booking) -> bool:
    return booking.status == BookingStatus.ATTENDED and Evaluation.objects.filter(booking=booking).exists()
