"""Certificates of attendance: what they say, their PDF (made by a job and kept), and checking a code.

A certificate is issued with the delegate's evaluation (``services.evaluation_submit``), which gives it a
code and asks for its PDF; readers only ever download the stored file. An employer checks a code at
``/training/certificates/verify/``, which shows exactly what the certificate says and nothing more.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse

from lscb_portal.core import codes, pdf
from lscb_portal.core.links import absolute_url
from lscb_portal.core.models import BoardSettings
from lscb_portal.core.tasks import defer_once
from lscb_portal.core.templatetags.portal import timerange

from .models import Booking, Certificate, Length, Session

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate says, on paper and on the verification page alike."""

    name: str
    course: str
    dates: list[str]  # each day of the training, e.g. "Tuesday 10 October 2017, 9:30am to 12:30pm"
    hours: Decimal
    length: str
    outcomes: str  # the course's learning outcomes (rich text)
    trainers: list[str]
    board: str
    lead_name: str
    lead_role: str
    code: str  # as printed, ABCD-EFGH
    issued: datetime.datetime
    reference: str

    @property
    def hours_label(self) -> str:
        hours = f"{self.hours.normalize():f}"
        return "1 hour" if hours == "1" else f"{hours} hours"

    @property
    def verify_url(self) -> str:
        return absolute_url(reverse("training:verify_certificate")) + f"?code={self.code}"

    @property
    def verify_address(self) -> str:
        return absolute_url(reverse("training:verify_certificate"))


def cpd_hours(session: Session) -> Decimal:
    """Hours for CPD records: the course's stated hours, or the time of its days, to the half hour."""
    course = session.course
    if course.length == Length.HOURS and course.length_hours:
        return Decimal(course.length_hours)
    seconds = sum((end - start).total_seconds() for start, end in session.days())
    halves = (Decimal(seconds) / Decimal(1800)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return halves / 2


def facts_for(certificate: Certificate, *, board: BoardSettings | None = None) -> CertificateFacts:
    booking = certificate.booking
    session = booking.session
    board = board or BoardSettings.get_solo()
    return CertificateFacts(
        name=booking.attendee_name,
        course=session.course.title,
        dates=[timerange(start, end) for start, end in session.days()],
        hours=cpd_hours(session),
        length=session.course.length_label,
        outcomes=session.course.learning_outcomes,
        trainers=[name.strip() for name in session.trainers.split(",") if name.strip()],
        board=board.name,
        lead_name=board.training_lead_name,
        lead_role=board.training_lead_role,
        code=codes.format_code(certificate.code),
        issued=certificate.issued_at,
        reference=booking.reference,
    )


def _with_booking():
    return Certificate.objects.select_related("booking__session__course")


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    facts = facts_for(certificate)
    return pdf.render_pdf("training/certificate_pdf.html", {"facts": facts})


def new_certificate(booking: Booking, *, at: datetime.datetime) -> Certificate:
    """The booking's certificate, with a fresh code, its PDF asked for (called under the booking's lock)."""
    certificate = Certificate.objects.create(
        booking=booking,
        code=codes.new_code(taken=lambda code: Certificate.objects.filter(code=code).exists()),
        issued_at=at,
    )
    request_certificate_pdf(certificate)
    return certificate


def make_certificate_pdf(*, certificate_id: int) -> bool:
    """Make and keep a certificate's PDF; False when the certificate is gone (erased meanwhile)."""
    certificate = _with_booking().filter(pk=certificate_id).first()
    if certificate is None:
        return False
    name = f"training/certificates/certificate-{certificate.booking.reference}.pdf"
    stored = pdf.keep_pdf(Certificate, certificate_id, name=name, content=certificate_pdf_bytes(certificate))
    if stored:
        logger.info("Made certificate %s (%d bytes)", certificate.code, stored.size)
    return stored is not None


def request_certificate_pdf(certificate: Certificate) -> bool:
    """Ask the worker to make the certificate's PDF once the caller's transaction commits."""
    from .tasks import make_certificate_pdf as task

    return defer_once(task, lock=f"training.certificate_pdf:{certificate.pk}", certificate_id=certificate.pk)


def certificates_without_pdf():
    return Certificate.objects.filter(pdf="")


def verify(code: str) -> CertificateFacts | None:
    """What the certificate with this code says, or None: for the employer's check."""
    code = codes.normalise_code(code)
    if len(code) != codes.LENGTH:
        return None
    certificate = _with_booking().filter(code=code).first()
    return facts_for(certificate) if certificate else None
