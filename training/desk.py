"""Training on the training administrators' desk: bookings waiting for a manager's approval, registers still
to mark, and organisation names bookers typed that need checking. Registered with the base's desk
(``core.desk``) from ``TrainingConfig.ready()``; the board's report and the organisation merge page are among
its tasks.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core import desk
from lscb_portal.core.models import Organisation

from .models import Booking, BookingStatus, Session, SessionStatus

AREA = "training"
# Registers older than this are history, not work: the desk stops asking for them.
REGISTERS_LOOK_BACK = timedelta(days=60)


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y %H:%M}"


def bookings_awaiting_approval(request) -> desk.PanelContent:
    waiting = Booking.objects.filter(status=BookingStatus.PENDING_APPROVAL).order_by("hold_expires_at", "pk")
    return desk.waiting(
        waiting.select_related("session__course", "organisation"),
        item=lambda booking: desk.DeskItem(
            text=f"{booking.attendee_name}, {booking.session.course.title}",
            url=reverse("admin:training_booking_change", args=[booking.pk]),
            detail=f"{booking.organisation.name}; place held until {_when(booking.hold_expires_at)}",
        ),
        link=lambda count: desk.DeskItem(
            text=f"See {desk.the_or_all(count, 'booking', 'bookings')} waiting for approval",
            url=reverse("admin:training_booking_changelist") + "?status__exact=pending_approval",
        ),
        empty="No booking is waiting for a manager.",
    )


def registers_to_mark(request) -> desk.PanelContent:
    now = timezone.now()
    unmarked = (
        Session.objects.filter(status=SessionStatus.SCHEDULED, ends_at__lt=now, ends_at__gte=now - REGISTERS_LOOK_BACK)
        .annotate(unmarked=Count("bookings", filter=Q(bookings__status=BookingStatus.CONFIRMED)))
        .filter(unmarked__gt=0)
    )
    return desk.waiting(
        unmarked.select_related("course").order_by("-ends_at"),
        item=lambda session: desk.DeskItem(
            text=str(session),
            url=reverse("admin:training_session_register", args=[session.pk]),
            detail=f"{session.unmarked} delegate{'s' if session.unmarked != 1 else ''} not marked yet",
        ),
        link=lambda count: desk.DeskItem(
            text="All past sessions", url=reverse("admin:training_session_changelist") + "?when=past"
        ),
        empty="Every register of the last two months is marked.",
    )


def organisations_to_check(request) -> desk.PanelContent:
    unverified = Organisation.objects.filter(verified=False, merged_into__isnull=True)
    return desk.waiting(
        unverified.annotate(bookings=Count("training_bookings")).order_by("name"),
        item=lambda organisation: desk.DeskItem(
            text=organisation.name,
            url=reverse("admin:core_organisation_change", args=[organisation.pk]),
            detail=f"{organisation.bookings} booking{'s' if organisation.bookings != 1 else ''}",
        ),
        link=lambda count: desk.DeskItem(
            text="Merge them into the right organisations", url=reverse("admin:training_merge_organisations")
        ),
        empty="Every organisation bookers chose is on the list.",
    )


def register() -> None:
    for key, title, permission, build in [
        ("approvals", "Bookings awaiting approval", "training.change_booking", bookings_awaiting_approval),
        ("registers", "Registers to mark", "training.change_session", registers_to_mark),
        ("organisations", "Organisations to check", "training.change_booking", organisations_to_check),
    ]:
        desk.register_panel(desk.Panel(area=AREA, key=key, title=title, permission=permission, build=build))
    desk.register_tasks(
        desk.Task(AREA, "Add a session", "admin:training_session_add", "training.add_session"),
        desk.Task(AREA, "Sessions and places", "admin:training_session_changelist", "training.view_session",
                  "Registers, sign-in sheets, waiting lists, emails to delegates, copying a term forward"),
        desk.Task(AREA, "Bookings", "admin:training_booking_changelist", "training.view_booking",
                  "Approve, cancel, mark attendance"),
        desk.Task(AREA, "The board's training report", "admin:training_report", "training.view_session",
                  "Figures for the year, by sector and course"),
        desk.Task(AREA, "Merge organisations", "admin:training_merge_organisations", "training.change_booking",
                  "Names typed by bookers into the right records"),
        desk.Task(AREA, "Charges to invoice", "admin:training_charge_changelist", "training.view_charge",
                  query="?state=payable"),
        desk.Task(AREA, "Courses", "admin:training_course_changelist", "training.view_course"),
        desk.Task(AREA, "Venues", "admin:training_venue_changelist", "training.view_venue",
                  "Addresses and access notes, typed once"),
        desk.Task(AREA, "Trainers", "admin:training_trainer_changelist", "training.view_trainer"),
    )  # fmt: skip
