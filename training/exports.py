"""Files for the back office: session registers (CSV and XLSX) and charges for invoicing (CSV).

The trainer's copy of a register carries access and dietary needs, as the register PDF does, for those allowed to
read them (``training.view_bookingneeds``). They are read from ``BookingNeeds`` when the file is made, so once the
retention job deletes them (a week after the session) no new export has them.
"""

import io

from django.utils import timezone

from lscb_portal.core.spreadsheets import csv_text, safe_cell

from .models import Booking, BookingNeeds, BookingStatus, Session

REGISTER_STATUSES = [
    BookingStatus.CONFIRMED,
    BookingStatus.ATTENDED,
    BookingStatus.PARTLY_ATTENDED,
    BookingStatus.DID_NOT_ATTEND,
    BookingStatus.PENDING_APPROVAL,
    BookingStatus.OFFERED,
]
REGISTER_HEADER = [
    "Session",
    "Date",
    "Reference",
    "Name",
    "Job title",
    "Organisation",
    "Sector",
    "Email",
    "Phone",
    "Status",
]
NEEDS_HEADER = ["Access needs", "Dietary needs"]
CHARGE_HEADER = [
    "Organisation",
    "Partner agency",
    "Reference",
    "Delegate",
    "Course",
    "Session date",
    "Reason",
    "Rate",
    "Amount (GBP)",
    "Raised",
]


def register_bookings(sessions, *, with_needs: bool = False) -> list[Booking]:
    """Everyone holding a place on the sessions, by session then name; with their needs if asked. One query."""
    return list(
        Booking.objects.filter(session__in=sessions, status__in=REGISTER_STATUSES)
        .select_related("session__course", "organisation", *(["needs"] if with_needs else []))
        .prefetch_related("session__parts")
        .order_by("session__starts_at", "session_id", "attendee_name")
    )


def _needs(booking: Booking) -> list[str]:
    try:
        needs = booking.needs
    except BookingNeeds.DoesNotExist:
        return ["", ""]
    return [needs.access_needs, needs.dietary_needs]


def _register_rows(sessions, *, with_needs: bool) -> list[list[str]]:
    rows = []
    for booking in register_bookings(sessions, with_needs=with_needs):
        session: Session = booking.session
        rows.append(
            [
                session.course.title,
                "; ".join(
                    timezone.localtime(part.starts_at).strftime("%d/%m/%Y %H:%M") for part in session.parts.all()
                ),
                booking.reference,
                booking.attendee_name,
                booking.role,
                booking.organisation.name,
                booking.organisation.get_sector_display(),
                booking.email,
                booking.phone,
                booking.get_status_display(),
                *(_needs(booking) if with_needs else []),
            ]
        )
    return rows


def _register_header(with_needs: bool) -> list[str]:
    return REGISTER_HEADER + (NEEDS_HEADER if with_needs else [])


def _csv(header: list[str], rows: list[list[str]]) -> str:
    return csv_text(header, ([str(cell) for cell in row] for row in rows))


def register_csv(sessions, *, with_needs: bool = False) -> str:
    return _csv(_register_header(with_needs), _register_rows(sessions, with_needs=with_needs))


def register_xlsx(sessions, *, with_needs: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    sheet.append(_register_header(with_needs))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _register_rows(sessions, with_needs=with_needs):
        sheet.append([safe_cell(cell) for cell in row])
    sheet.freeze_panes = "A2"
    widths = [40, 17, 11, 25, 25, 35, 22, 35, 16, 18, *([35, 35] if with_needs else [])]
    for column, width in zip("ABCDEFGHIJKL", widths, strict=False):
        sheet.column_dimensions[column].width = width
    if with_needs:
        for cell in (*sheet["K"], *sheet["L"]):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def charges_csv(charges) -> str:
    rows = []
    for charge in charges.select_related("organisation", "booking__session__course").order_by(
        "organisation__name", "raised_at"
    ):
        session = charge.booking.session
        rows.append(
            [
                charge.organisation.name,
                "Yes" if charge.organisation.is_partner else "No",
                charge.booking.reference,
                charge.booking.attendee_name,
                session.course.title,
                timezone.localtime(session.starts_at).strftime("%d/%m/%Y"),
                charge.get_reason_display(),
                "Partner" if charge.partner_rate else "Non-partner",
                f"{charge.amount:.2f}",
                timezone.localtime(charge.raised_at).strftime("%d/%m/%Y"),
            ]
        )
    return _csv(CHARGE_HEADER, rows)
