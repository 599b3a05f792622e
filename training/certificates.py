"""The certificate of attendance: the same facts on the printable page and in the PDF."""

from dataclasses import dataclass

from django.utils import timezone

from lscb_portal.core.models import BoardSettings

from . import pdf
from .models import Booking


@dataclass(frozen=True)
class Certificate:
    name: str
    course: str
    date: str
    length: str
    board: str
    reference: str


def _dates_in_words(session) -> str:
    """ "4 March 2026", or for a course over several dates "4 March 2026 and 11 March 2026"."""
    days = [timezone.localtime(part.starts_at).strftime("%-d %B %Y") for part in session.parts.all()]
    days = days or [timezone.localtime(session.starts_at).strftime("%-d %B %Y")]
    return days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]


def certificate_for(booking: Booking) -> Certificate:
    session = booking.session
    return Certificate(
        name=booking.attendee_name,
        course=session.course.title,
        date=_dates_in_words(session),
        length=session.course.length_label,
        board=BoardSettings.get_solo().name,
        reference=booking.reference,
    )


def certificate_pdf(booking: Booking) -> bytes:
    facts = certificate_for(booking)
    lines = [
        pdf.Line(facts.board, size=16, weight="bold", gap=0),
        pdf.Line("Certificate of attendance", size=30, weight="bold", gap=36),
        pdf.Line("This is to certify that", size=14, gap=36),
        pdf.Line(facts.name, size=26, weight="bold", gap=14),
        pdf.Line("attended the multi-agency training course", size=14, gap=24),
        pdf.Line(facts.course, size=20, weight="bold", gap=12),
        pdf.Line(f"on {facts.date} ({facts.length.lower()})", size=14, gap=18),
        pdf.Line(f"Certificate reference: {facts.reference}", size=10, gap=60),
    ]
    return pdf.render(lines, title=f"Certificate of attendance: {facts.course}")
