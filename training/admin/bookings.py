"""Bookings: who holds a place, and the actions that change it (through the services)."""

from django.contrib import admin, messages

from lscb_portal.core.errors import Refused
from lscb_portal.core.history import HistoryAdmin

from .. import services
from ..models import Booking, BookingNeeds, BookingStatus, Session
from .organisations import MergeOrganisationsView


class BookingNeedsInline(admin.StackedInline):
    model = BookingNeeds
    extra = 0
    can_delete = True
    fields = ["access_needs", "dietary_needs", "recorded_at"]
    readonly_fields = ["recorded_at"]
    verbose_name_plural = "access and dietary needs (deleted a week after the session)"


@admin.register(Booking)
class BookingAdmin(MergeOrganisationsView, HistoryAdmin):
    list_display = [
        "reference",
        "attendee_name",
        "email",
        "organisation",
        "session",
        "status",
        "sequence",
        "created_at",
    ]
    list_filter = ["status", "session__course", "organisation__sector", "late_cancellation"]
    search_fields = ["reference", "attendee_name", "email", "organisation__name", "session__course__title"]
    list_select_related = ["organisation", "session__course"]
    autocomplete_fields = ["organisation"]
    inlines = [BookingNeedsInline]
    actions = ["mark_attended", "mark_did_not_attend", "cancel_bookings", "approve_bookings"]
    readonly_fields = [
        "reference",
        "session",
        "status",
        "cancel_reason",
        "sequence",
        "created_at",
        "confirmed_at",
        "offer_expires_at",
        "hold_expires_at",
        "cancelled_at",
        "late_cancellation",
        "transferred_to",
        "eligibility_confirmed",
        "attendance_marked_at",
        "evaluation_sent_at",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "session", "status", "cancel_reason", "sequence"]}),
        ("Delegate", {"fields": ["attendee_name", "email", "phone", "organisation", "role", "eligibility_confirmed"]}),
        ("Manager", {"fields": ["manager_name", "manager_email"]}),
        (
            "Dates",
            {
                "fields": [
                    "created_at",
                    "confirmed_at",
                    "offer_expires_at",
                    "hold_expires_at",
                    "cancelled_at",
                    "late_cancellation",
                    "transferred_to",
                    "attendance_marked_at",
                    "evaluation_sent_at",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # Places are booked through the session page, so every booking follows the same rules.
        return False

    @admin.action(
        description="Cancel the selected bookings (frees places for the waiting list)", permissions=["change"]
    )
    def cancel_bookings(self, request, queryset):
        done, refused = 0, []
        for booking in queryset.filter(status__in=services.CANCELLABLE):
            try:
                services.booking_cancel(booking=booking, reason="board")
            except Refused as problem:
                refused.append(f"{booking.reference}: {problem}")
            else:
                done += 1
        self.message_user(request, f"Cancelled {done} booking(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Approve the selected bookings waiting for a manager", permissions=["change"])
    def approve_bookings(self, request, queryset):
        done = 0
        for booking in queryset.filter(status=BookingStatus.PENDING_APPROVAL):
            try:
                services.approval_decide(booking=booking, approve=True)
            except Refused as problem:
                self.message_user(request, f"{booking.reference}: {problem}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"Approved {done} booking(s).", messages.SUCCESS)

    def _mark(self, request, queryset, *, attended: bool):
        done = 0
        by_session: dict[int, list[int]] = {}
        for booking in queryset.filter(status__in=services.MARKABLE):
            by_session.setdefault(booking.session_id, []).append(booking.pk)
        for session in Session.objects.filter(pk__in=by_session):
            ids = by_session[session.pk]
            try:
                done += services.attendance_mark(
                    session=session, attended=ids if attended else [], did_not_attend=[] if attended else ids
                )
            except Refused as refused:
                self.message_user(request, f"{session}: {refused}", messages.WARNING)
        self.message_user(request, f"Attendance recorded for {done} booking(s).", messages.SUCCESS)

    @admin.action(description="Mark as attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._mark(request, queryset, attended=True)

    @admin.action(description="Mark as did not attend (raises the charge due)", permissions=["change"])
    def mark_did_not_attend(self, request, queryset):
        self._mark(request, queryset, attended=False)
