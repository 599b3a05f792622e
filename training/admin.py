"""The training back office: the programme, places and waiting lists at a glance.

Changes to who holds a place go through ``training.services`` (admin actions call
them), so the admin can never oversell a session.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from lscb_portal.core.models import Organisation

from . import exports, report, services
from .models import (
    HOLDING_PLACE,
    Booking,
    BookingNeeds,
    BookingStatus,
    Charge,
    Course,
    Evaluation,
    LengthRate,
    Session,
    SessionStatus,
)


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ["title", "level", "length", "delivery", "requires_manager_approval", "upcoming", "is_published"]
    list_filter = ["is_published", "level", "delivery", "audience", "requires_manager_approval"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "is_published", "topics"]}),
        ("Content", {"fields": ["aims", "learning_outcomes"]}),
        ("Who it is for", {"fields": ["audience", "audience_detail", "eligibility", "level"]}),
        ("Format", {"fields": ["length", "length_hours", "delivery"]}),
        (
            "Charges and approval",
            {
                "fields": [
                    "fee",
                    "charge_basis",
                    "non_attendance_charge",
                    "non_partner_charge",
                    "requires_manager_approval",
                    "approval_hold_hours",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                upcoming_count=Count(
                    "sessions",
                    filter=Q(sessions__starts_at__gt=timezone.now(), sessions__status=SessionStatus.SCHEDULED),
                )
            )
        )

    @admin.display(description="upcoming sessions", ordering="upcoming_count")
    def upcoming(self, obj) -> int:
        return obj.upcoming_count


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "course",
            "starts_at",
            "ends_at",
            "trainers",
            "venue_name",
            "venue_address",
            "venue_postcode",
            "access_notes",
            "joining_url",
            "capacity",
            "places_per_organisation",
            "booking_opens_at",
            "booking_closes_at",
            "status",
            "cancelled_reason",
        ]

    def clean(self):
        cleaned = super().clean()
        starts, ends, closes = cleaned.get("starts_at"), cleaned.get("ends_at"), cleaned.get("booking_closes_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The session must end after it starts.")
        if closes and ends and closes > ends:
            self.add_error("booking_closes_at", "Booking must close before the session ends.")
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            taken = self.instance.bookings.holding_places().count()
            if capacity < taken:
                self.add_error("capacity", f"{taken} places are already taken: the session needs at least {taken}.")
        return cleaned


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["reference", "attendee_name", "organisation", "status", "sequence", "created_at"]
    readonly_fields = fields
    ordering = ["sequence"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class PlacesFilter(admin.SimpleListFilter):
    title = "places"
    parameter_name = "places"

    def lookups(self, request, model_admin):
        return [("available", "Places left"), ("full", "Full"), ("waiting", "Has a waiting list")]

    def queryset(self, request, queryset):
        from django.db.models import F

        if self.value() == "available":
            return queryset.filter(taken__lt=F("capacity"))
        if self.value() == "full":
            return queryset.filter(taken__gte=F("capacity"))
        if self.value() == "waiting":
            return queryset.filter(waiting__gt=0)
        return queryset


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "past":
            return queryset.filter(starts_at__lte=now)
        return queryset


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
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
    ]
    list_filter = [WhenFilter, PlacesFilter, "status", "course__delivery", "course", "venue_name"]
    search_fields = ["course__title", "venue_name", "venue_postcode", "trainers"]
    autocomplete_fields = ["course"]
    date_hierarchy = "starts_at"
    inlines = [BookingInline]
    actions = [
        "export_register_csv",
        "export_register_xlsx",
        "print_sign_in_sheet",
        "email_attendees",
        "offer_next_waiting_place",
        "send_places_alert",
        "cancel_sessions",
    ]
    fieldsets = [
        (None, {"fields": ["course", "starts_at", "ends_at", "trainers", "register_link"]}),
        ("Where", {"fields": ["venue_name", "venue_address", "venue_postcode", "access_notes", "joining_url"]}),
        (
            "Places and booking",
            {"fields": ["capacity", "places_per_organisation", "booking_opens_at", "booking_closes_at"]},
        ),
        ("Status", {"fields": ["status", "cancelled_reason"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Cancelling is an action (it cancels the bookings and emails delegates), not a field edit.
        fields = ["status"] if obj is None or obj.status == SessionStatus.SCHEDULED else ["status", "cancelled_reason"]
        return [*fields, "register_link"]

    @admin.display(description="register")
    def register_link(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "Save the session first."
        url = reverse("admin:training_session_register", args=[obj.pk])
        return format_html('<a href="{}">Mark attendance on the register</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/register/", view(self.register_view), name="training_session_register"),
            path("report/", view(self.report_view), name="training_report"),
            path("report/<int:year>/", view(self.report_view), name="training_report_year"),
            path("report/<int:year>/report.csv", view(self.report_csv_view), name="training_report_csv"),
            *super().get_urls(),
        ]

    def register_view(self, request, pk: int):
        """The session's register: mark everyone attended or not in one go."""
        session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        bookings = [booking for booking in exports.register_bookings([session]) if booking.status in services.MARKABLE]
        if request.method == "POST":
            attended, absent = [], []
            for booking in bookings:
                choice = request.POST.get(f"attendance-{booking.pk}")
                if choice == "attended":
                    attended.append(booking.pk)
                elif choice == "did_not_attend":
                    absent.append(booking.pk)
            try:
                changed = services.attendance_mark(session=session, attended=attended, did_not_attend=absent)
            except services.ActionRefused as refused:
                self.message_user(request, refused.message, messages.ERROR)
            else:
                self.message_user(request, f"Attendance saved: {changed} delegate(s) updated.", messages.SUCCESS)
            return redirect("admin:training_session_register", pk=session.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Register: {session}",
            "session": session,
            "bookings": bookings,
            "opts": self.model._meta,
            "has_started": session.has_started(),
        }
        return TemplateResponse(request, "training/admin/register.html", context)

    def report_view(self, request, year: int | None = None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = year or report.programme_year_of(timezone.localdate())
        context = {
            **self.admin_site.each_context(request),
            "title": f"Training report {report.year_label(year)}",
            "report": report.board_report(year=year),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "training/admin/report.html", context)

    def report_csv_view(self, request, year: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(report.report_csv(report.board_report(year=year)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="training-report-{report.year_label(year)}.csv"'
        return response

    @admin.action(description="Export the register (CSV)", permissions=["view"])
    def export_register_csv(self, request, queryset):
        response = HttpResponse(exports.register_csv(queryset), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="register.csv"'
        return response

    @admin.action(description="Export the register (Excel)", permissions=["view"])
    def export_register_xlsx(self, request, queryset):
        response = HttpResponse(
            exports.register_xlsx(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="register.xlsx"'
        return response

    @admin.action(description="Print a sign-in sheet", permissions=["view"])
    def print_sign_in_sheet(self, request, queryset):
        sessions = list(queryset.order_by("starts_at"))
        bookings = exports.register_bookings(sessions)
        by_session = {session.pk: [] for session in sessions}
        for booking in bookings:
            by_session[booking.session_id].append(booking)
        context = {
            **self.admin_site.each_context(request),
            "title": "Sign-in sheet",
            "sheets": [(session, by_session[session.pk]) for session in sessions],
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
            except services.ActionRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
            else:
                self.message_user(request, f"{session}: place offered to {booking.attendee_name}.", messages.SUCCESS)

    @admin.action(description="Send a 'places remaining' alert to the training alerts list", permissions=["change"])
    def send_places_alert(self, request, queryset):
        try:
            count = services.places_alert_send(sessions=list(queryset))
        except services.ActionRefused as refused:
            self.message_user(request, refused.message, messages.WARNING)
        else:
            self.message_user(request, f"Places alert sent to {count} subscriber(s).", messages.SUCCESS)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("course")
            .annotate(
                taken=Count("bookings", filter=Q(bookings__status__in=HOLDING_PLACE)),
                waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
            )
        )

    @admin.display(description="taken", ordering="taken")
    def places_taken(self, obj) -> int:
        return obj.taken

    @admin.display(description="left")
    def places_left(self, obj) -> str:
        left = max(obj.capacity - obj.taken, 0)
        return "Full" if left == 0 else str(left)

    @admin.display(description="waiting", ordering="waiting")
    def waiting_list(self, obj) -> int:
        return obj.waiting

    def save_model(self, request, obj, form, change):
        if change and "capacity" in form.changed_data:
            # New places go to the waiting list: the service does that under the session's lock.
            new_capacity = obj.capacity
            obj.capacity = form.initial["capacity"]
            super().save_model(request, obj, form, change)
            try:
                services.session_set_capacity(session=obj, capacity=new_capacity)
            except services.BookingRefused as refused:
                self.message_user(request, refused.message, messages.ERROR)
            else:
                obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Cancel the selected sessions and email everyone booked", permissions=["change"])
    def cancel_sessions(self, request, queryset):
        sessions = 0
        bookings = 0
        for session in queryset.filter(status=SessionStatus.SCHEDULED):
            bookings += services.session_cancel(session=session, reason="")
            sessions += 1
        self.message_user(
            request, f"Cancelled {sessions} session(s); {bookings} delegate(s) emailed.", messages.SUCCESS
        )


class BookingNeedsInline(admin.StackedInline):
    model = BookingNeeds
    extra = 0
    can_delete = True
    fields = ["access_needs", "dietary_needs", "recorded_at"]
    readonly_fields = ["recorded_at"]
    verbose_name_plural = "access and dietary needs (deleted a week after the session)"


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
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
            except services.BookingRefused as problem:
                refused.append(f"{booking.reference}: {problem.message}")
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
            except services.BookingRefused as problem:
                self.message_user(request, f"{booking.reference}: {problem.message}", messages.WARNING)
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
            except services.ActionRefused as refused:
                self.message_user(request, f"{session}: {refused.message}", messages.WARNING)
        self.message_user(request, f"Attendance recorded for {done} booking(s).", messages.SUCCESS)

    @admin.action(description="Mark as attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._mark(request, queryset, attended=True)

    @admin.action(description="Mark as did not attend (raises the charge due)", permissions=["change"])
    def mark_did_not_attend(self, request, queryset):
        self._mark(request, queryset, attended=False)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("merge-organisations/", view(self.merge_view), name="training_merge_organisations"),
            *super().get_urls(),
        ]

    def merge_view(self, request):
        """Merge organisations typed by bookers into the right record."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = MergeOrganisationsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            source, into = form.cleaned_data["source"], form.cleaned_data["into"]
            try:
                moved = services.organisation_merge(source=source, into=into)
            except services.ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(
                    request, f"Merged {source.name} into {into.name}: {moved} booking(s) moved.", messages.SUCCESS
                )
                return redirect("admin:training_merge_organisations")
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge unverified organisations",
            "form": form,
            "unverified": form.fields["source"].queryset,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "training/admin/merge_organisations.html", context)


class AttendeesEmailForm(forms.Form):
    subject = forms.CharField(max_length=200)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "cols": 80}))


class MergeOrganisationsForm(forms.Form):
    source = forms.ModelChoiceField(
        label="Unverified organisation",
        queryset=Organisation.objects.filter(verified=False, merged_into__isnull=True).annotate(
            bookings=Count("training_bookings")
        ),
        help_text="The name a booker typed.",
    )
    into = forms.ModelChoiceField(
        label="Merge into", queryset=Organisation.objects.verified(), help_text="The organisation's proper record."
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(max_length=255, help_text="Why the charge is waived (shown in the board's report).")


@admin.register(LengthRate)
class LengthRateAdmin(SimpleHistoryAdmin):
    list_display = ["length", "partner_rate", "non_partner_rate"]


class InvoicedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("payable", "To invoice"), ("invoiced", "Invoiced"), ("waived", "Waived")]

    def queryset(self, request, queryset):
        if self.value() == "payable":
            return queryset.filter(waived_at__isnull=True, invoiced_at__isnull=True)
        if self.value() == "invoiced":
            return queryset.filter(invoiced_at__isnull=False)
        if self.value() == "waived":
            return queryset.filter(waived_at__isnull=False)
        return queryset


@admin.register(Charge)
class ChargeAdmin(SimpleHistoryAdmin):
    list_display = [
        "booking",
        "organisation",
        "reason",
        "amount",
        "partner_rate",
        "raised_at",
        "invoiced_at",
        "waived",
    ]
    list_filter = [InvoicedFilter, "reason", "partner_rate", "organisation__sector"]
    search_fields = ["booking__reference", "booking__attendee_name", "organisation__name"]
    list_select_related = ["booking", "organisation"]
    date_hierarchy = "raised_at"
    actions = ["export_for_invoicing", "waive_charges"]
    readonly_fields = [
        "booking",
        "organisation",
        "reason",
        "partner_rate",
        "amount",
        "raised_at",
        "invoiced_at",
        "waived_at",
        "waived_reason",
        "waived_by",
    ]

    def has_add_permission(self, request):
        # Charges are raised by the charging policy when attendance is marked or a place is given up late.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="waived", boolean=True)
    def waived(self, obj) -> bool:
        return obj.waived_at is not None

    @admin.action(description="Export for invoicing (CSV) and mark as invoiced", permissions=["change"])
    def export_for_invoicing(self, request, queryset):
        payable = queryset.filter(waived_at__isnull=True)
        response = HttpResponse(exports.charges_csv(payable), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="charges-{timezone.localdate():%Y-%m-%d}.csv"'
        services.charges_mark_invoiced(charges=list(payable))
        return response

    @admin.action(description="Waive the selected charges (with a reason)", permissions=["change"])
    def waive_charges(self, request, queryset):
        form = WaiveForm(request.POST if "waive" in request.POST else None)
        if "waive" in request.POST and form.is_valid():
            done = 0
            for charge in queryset.filter(waived_at__isnull=True):
                services.charge_waive(charge=charge, reason=form.cleaned_data["reason"], by=request.user)
                done += 1
            self.message_user(request, f"Waived {done} charge(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Waive charges",
            "form": form,
            "charges": list(queryset.select_related("booking", "organisation")),
            "opts": self.model._meta,
            "action": "waive_charges",
        }
        return TemplateResponse(request, "training/admin/waive_charges.html", context)


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = [
        "booking",
        "course",
        "knowledge_before",
        "knowledge_after",
        "confidence_before",
        "confidence_after",
        "submitted_at",
    ]
    list_filter = ["booking__session__course"]
    search_fields = ["booking__reference", "booking__attendee_name", "practice_change"]
    list_select_related = ["booking__session__course"]
    readonly_fields = [
        "booking",
        "knowledge_before",
        "knowledge_after",
        "confidence_before",
        "confidence_after",
        "practice_change",
        "submitted_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description="course")
    def course(self, obj) -> str:
        return obj.booking.session.course.title
