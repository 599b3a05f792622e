"""Bookings: who holds a place, and the actions that change it (through the services)."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from lscb_portal.core.errors import Refused, add_to_form
from lscb_portal.core.history import HistoryAdmin

from .. import services
from ..models import Booking, BookingNeeds, BookingStatus, Session, emails_to_delegate
from .filters import SessionFilter
from .organisations import MergeOrganisationsView
from .staff_bookings import EMAIL_STATUS_LABELS, email_status_text


class BookingNeedsInline(admin.StackedInline):
    model = BookingNeeds
    extra = 0
    can_delete = True
    fields = ["access_needs", "dietary_needs", "recorded_at"]
    readonly_fields = ["recorded_at"]
    verbose_name_plural = "access and dietary needs (deleted a week after the session)"


class BookingAdminForm(forms.ModelForm):
    """A booking's delegate details, held to the rules a new booking with them would meet."""

    class Meta:
        model = Booking
        fields = ["attendee_name", "email", "phone", "organisation", "role", "manager_name", "manager_email"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and {"email", "organisation"} & set(self.changed_data) and not self.errors:
            try:
                services.check_details_change(
                    self.instance, email=cleaned["email"], organisation=cleaned["organisation"]
                )
            except Refused as refused:
                add_to_form(self, refused)
        return cleaned


@admin.register(Booking)
class BookingAdmin(MergeOrganisationsView, HistoryAdmin):
    form = BookingAdminForm
    list_display = [
        "reference",
        "attendee_name",
        "email",
        "organisation",
        "session",
        "status",
        "email_status",
        "sequence",
        "created_at",
    ]
    list_filter = ["status", SessionFilter, "session__course", "organisation__sector", "late_cancellation"]
    search_fields = ["reference", "attendee_name", "email", "organisation__name", "session__course__title"]
    list_select_related = ["organisation", "session__course"]
    autocomplete_fields = ["organisation"]
    inlines = [BookingNeedsInline]
    actions = [
        "mark_attended",
        "mark_did_not_attend",
        "send_evaluation_now",
        "cancel_bookings",
        "approve_bookings",
    ]
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
        "emails_sent",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "session", "status", "cancel_reason", "sequence", "emails_sent"]}),
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

    def get_queryset(self, request):
        return super().get_queryset(request).with_email_status()

    @admin.display(description="email", ordering="email_status")
    def email_status(self, obj) -> str:
        return email_status_text(obj)

    @admin.display(description="emails to the delegate")
    def emails_sent(self, obj) -> str:
        """Every email about the booking to its delegate, newest first: whether each went out."""
        if obj is None or obj.pk is None:
            return "-"
        sent = emails_to_delegate(obj.email, obj.reference)[:20]
        rows = format_html_join(
            "",
            "<li>{}: {} ({})</li>",
            (
                (
                    EMAIL_STATUS_LABELS.get(message.status, message.get_status_display()),
                    message.subject,
                    f"{timezone.localtime(message.sent_at or message.created_at):%-d %B %Y %H:%M}",
                )
                for message in sent
            ),
        )
        return format_html("<ul>{}</ul>", rows) if rows else "Not emailed"

    def has_add_permission(self, request):
        # Places are booked through the session's bookings page (or the public form), so every booking
        # follows the same rules.
        return False

    def has_delete_permission(self, request, obj=None):
        # The board keeps its records: the training team cancels a booking. Deleting one (made in error, or
        # erased) is for superusers, and frees its place for the waiting list like a cancellation.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.bookings_delete(booking_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.bookings_delete(booking_ids=list(queryset.values_list("pk", flat=True)))

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        editable = {field.name for field in Booking._meta.concrete_fields}
        fields = [name for name in form.changed_data if name in editable]
        # Refused only when another change got there first (the form checked the rules a moment ago): the
        # refusal undoes the whole save, history included, and the site shows it as the only message.
        services.booking_details_change(booking=obj, changes={name: getattr(obj, name) for name in fields})
        return None

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

    @admin.action(description="Send the evaluation now (attended, not yet asked)", permissions=["change"])
    def send_evaluation_now(self, request, queryset):
        chosen = list(queryset.values_list("pk", flat=True))
        asked = services.evaluations_send_now(booking_ids=chosen)
        self.message_user(request, f"Emailed the evaluation to {asked} delegate(s).", messages.SUCCESS)
        if asked < len(chosen):
            self.message_user(
                request,
                f"{len(chosen) - asked} not emailed: only delegates recorded as attending who have not been "
                "asked or answered are sent it.",
                messages.WARNING,
            )
