"""The programme's sessions: places and waiting lists at a glance, and the actions on a session."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from lscb_portal.core.errors import Refused
from lscb_portal.core.history import HistoryAdmin
from lscb_portal.core.wording import counted

from .. import exports, services
from ..models import Booking, BookingStatus, Session, SessionPart, SessionStatus
from .cancelling import CancelSessionView
from .copying import CopySessionsView
from .documents import SessionDocumentsView
from .filters import PlacesFilter, WhenFilter
from .forms import AttendeesEmailForm, SessionAdminForm, SessionPartFormSet
from .register import RegisterView
from .report import ReportViews
from .staff_bookings import StaffBookingsView, email_status_text


class SessionPartInline(admin.TabularInline):
    """The session's dates: one for a one-day session, one per day or evening for a course over several dates."""

    model = SessionPart
    formset = SessionPartFormSet
    fields = ["starts_at", "ends_at"]
    extra = 1
    min_num = 1
    validate_min = True
    verbose_name = "date"
    verbose_name_plural = "dates (a course over several dates has one row for each)"


class BookingInline(admin.TabularInline):
    """The session's live bookings: places held and the waiting list, in queue order."""

    model = Booking
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["reference", "attendee_name", "organisation", "status", "email_status", "sequence", "created_at"]
    readonly_fields = fields
    ordering = ["sequence"]
    verbose_name_plural = "bookings (add or move delegates from the session's bookings page)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).live().select_related("organisation").with_email_status()

    @admin.display(description="email")
    def email_status(self, obj) -> str:
        return email_status_text(obj)


@admin.register(Session)
class SessionAdmin(
    CancelSessionView,
    CopySessionsView,
    RegisterView,
    StaffBookingsView,
    SessionDocumentsView,
    ReportViews,
    HistoryAdmin,
):
    form = SessionAdminForm
    list_display = [
        "__str__",
        "starts_at",
        "venue_name",
        "capacity",
        "places_taken",
        "places_left",
        "waiting_list",
        "status",
        "bookings_link",
    ]
    list_filter = [WhenFilter, PlacesFilter, "status", "course__delivery", "course", "venue_name"]
    search_fields = ["course__title", "venue_name", "venue_postcode", "trainers"]
    autocomplete_fields = ["course", "venue", "trainer_records"]
    date_hierarchy = "starts_at"
    inlines = [BookingInline]
    actions = [
        "export_register_csv",
        "export_register_xlsx",
        "print_sign_in_sheet",
        "email_attendees",
        "offer_next_waiting_place",
        "send_places_alert",
        "copy_forward",
        "cancel_sessions",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["course", "starts_at", "ends_at", "trainer_records", "bookings_link", "register_link"]},
        ),
        ("Where", {"fields": ["venue", "venue_shown", "joining_url"]}),
        (
            "Places and booking",
            {
                "fields": [
                    "capacity",
                    "places_per_organisation",
                    "booking_opens_at",
                    "booking_closes_at",
                    "save_anyway",
                ]
            },
        ),
        ("Status", {"fields": ["status", "cancelled_reason", "cancel_link"]}),
        # Apart from the live bookings below: they hold no place.
        ("Cancelled bookings", {"fields": ["cancelled_bookings"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Cancelling is a page of its own (it asks why, cancels the bookings and emails everyone), not a field edit.
        fields = ["status", "cancelled_reason", "cancel_link"]
        # A new session is given its first date here; from then on its dates are edited below, and its
        # start and end are the span of them.
        span = [] if obj is None else ["starts_at", "ends_at"]
        return [*fields, *span, "venue_shown", "bookings_link", "register_link", "cancelled_bookings"]

    def get_inlines(self, request, obj):
        return [BookingInline] if obj is None else [SessionPartInline, BookingInline]

    @admin.display(description="delegates are shown")
    def venue_shown(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "The venue's name, address and access notes, once saved."
        lines = obj.venue_lines or ["No venue yet"]
        notes = format_html("<br>Getting there: {}", obj.access_notes) if obj.access_notes else ""
        return format_html(
            "{}{}<br><span class='help'>Copied from the venue when it was chosen; "
            "a change to the venue reaches the sessions still to come.</span>",
            format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)),
            notes,
        )

    @admin.display(description="bookings")
    def bookings_link(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "Save the session first."
        return format_html(
            '<a href="{}">Add or move delegates<span class="visually-hidden"> on {}</span></a>',
            reverse("admin:training_session_bookings", args=[obj.pk]),
            obj,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not SessionPart:
            return super().save_formset(request, form, formset, change)
        # The dates go through the service, which keeps the session's span and the attendance marked.
        try:
            services.session_parts_set(session=form.instance, parts=formset.part_dates())
        except Refused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        form.instance.refresh_from_db()
        # The admin's log reads what the formset saved; the dates' own history says what changed.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    @admin.display(description="cancel")
    def cancel_link(self, obj) -> str:
        if obj is None or obj.pk is None or obj.status != SessionStatus.SCHEDULED:
            return "-"
        url = reverse("admin:training_session_cancel", args=[obj.pk])
        return format_html('<a href="{}">Cancel this session…</a> (asks why, then emails everyone)', url)

    @admin.display(description="cancelled")
    def cancelled_bookings(self, obj) -> str:
        """How many bookings were cancelled, with a link to them on the session's bookings page (their one list:
        who, why, when and whether the email went out)."""
        count = 0 if obj is None or obj.pk is None else obj.bookings.filter(status=BookingStatus.CANCELLED).count()
        if not count:
            return "No booking on this session has been cancelled."
        return format_html(
            '{} cancelled: <a href="{}#cancelled-heading">see who, why and when on the bookings page</a>',
            count,
            reverse("admin:training_session_bookings", args=[obj.pk]),
        )

    @admin.display(description="register")
    def register_link(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "Save the session first."
        url = reverse("admin:training_session_register", args=[obj.pk])
        return format_html(
            '<a href="{}">Mark attendance on the register</a><br>{}', url, SessionDocumentsView.document_links(obj)
        )

    @admin.action(description="Export the register (CSV)", permissions=["view"])
    def export_register_csv(self, request, queryset):
        response = HttpResponse(
            exports.register_csv(queryset, with_needs=_may_read_needs(request)), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="register.csv"'
        return response

    @admin.action(description="Export the register (Excel)", permissions=["view"])
    def export_register_xlsx(self, request, queryset):
        response = HttpResponse(
            exports.register_xlsx(queryset, with_needs=_may_read_needs(request)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="register.xlsx"'
        return response

    @admin.action(description="Print a sign-in sheet", permissions=["view"])
    def print_sign_in_sheet(self, request, queryset):
        sessions = list(queryset.order_by("starts_at").prefetch_related("parts"))
        bookings = exports.register_bookings(sessions)
        by_session = {session.pk: [] for session in sessions}
        for booking in bookings:
            by_session[booking.session_id].append(booking)
        # One sheet for each date: delegates sign in on every day of a course over several dates.
        sheets = [
            (session, part, by_session[session.pk])
            for session in sessions
            for part in (session.parts.all() or [session])
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Sign-in sheet",
            "sheets": sheets,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "training/admin/sign_in_sheet.html", context)

    @admin.action(description="Email everyone booked on the selected sessions", permissions=["change"])
    def email_attendees(self, request, queryset):
        form = AttendeesEmailForm(request.POST if "send" in request.POST else None)
        if "send" in request.POST and form.is_valid():
            key = timezone.now().strftime("%Y%m%d%H%M%S")
            count = 0
            for session in queryset.select_related("course"):
                count += services.attendees_email(
                    session=session,
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                    key=f"{session.pk}:{key}",
                )
            self.message_user(request, f"Emailed {count} delegate(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Email the delegates",
            "form": form,
            "sessions": list(queryset.select_related("course")),
            "opts": self.model._meta,
            "action": "email_attendees",
        }
        return TemplateResponse(request, "training/admin/email_attendees.html", context)

    @admin.action(description="Offer the next waiting-list place now", permissions=["change"])
    def offer_next_waiting_place(self, request, queryset):
        for session in queryset:
            try:
                booking = services.waiting_place_offer_now(session=session)
            except Refused as refused:
                self.message_user(request, str(refused), messages.WARNING)
            else:
                self.message_user(request, f"{session}: place offered to {booking.attendee_name}.", messages.SUCCESS)

    @admin.action(
        description="Send a 'places remaining' alert to the training alerts list and agency contacts",
        permissions=["change"],
    )
    def send_places_alert(self, request, queryset):
        try:
            sent = services.places_alert_send(sessions=list(queryset))
        except Refused as refused:
            self.message_user(request, str(refused), messages.WARNING)
        else:
            self.message_user(
                request,
                f"Places alert sent to {counted(sent.subscribers, 'subscriber')} and "
                f"{counted(sent.contacts, 'agency training contact')}.",
                messages.SUCCESS,
            )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course").with_places()

    @admin.display(description="taken", ordering="places_taken")
    def places_taken(self, obj) -> int:
        return obj.places_taken

    @admin.display(description="left")
    def places_left(self, obj) -> str:
        # A session that takes no more bookings has no places left to offer, whatever its count says.
        state = services.booking_state(obj, timezone.now())
        if state == services.BookingState.CANCELLED:
            return "Cancelled"
        if state in (services.BookingState.CLOSED, services.BookingState.PAST):
            return "Booking closed"
        left = obj.places_remaining()
        return "Full" if left == 0 else str(left)

    @admin.display(description="waiting", ordering="waiting_count")
    def waiting_list(self, obj) -> int:
        return obj.waiting_count

    def save_model(self, request, obj, form, change):
        if change and "capacity" in form.changed_data:
            # New places go to the waiting list: the service does that under the session's lock.
            new_capacity = obj.capacity
            obj.capacity = form.initial["capacity"]
            super().save_model(request, obj, form, change)
            try:
                services.session_set_capacity(session=obj, capacity=new_capacity)
            except Refused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)
        if not change:
            services.session_parts_set(
                session=obj, parts=[services.PartDates(starts_at=obj.starts_at, ends_at=obj.ends_at)]
            )
        elif {"booking_opens_at", "booking_closes_at", "status"} & set(form.changed_data):
            # Booking may be open again: places freed while it was closed go to the waiting list first.
            offered = services.session_places_offer(session=obj)
            if offered:
                self.message_user(
                    request,
                    f"Booking is open again: {counted(len(offered), 'place')} offered to the waiting list.",
                    messages.SUCCESS,
                )

    @admin.action(description="Cancel the selected sessions (asks why, then emails everyone)", permissions=["change"])
    def cancel_sessions(self, request, queryset):
        return self._cancel_page(request, queryset, action="cancel_sessions")


def _may_read_needs(request) -> bool:
    """Access and dietary needs are special-category data: only those who may read them get them in an export."""
    return request.user.has_perm("training.view_bookingneeds")
