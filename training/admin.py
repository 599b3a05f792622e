"""The training back office: the programme, places and waiting lists at a glance.

Changes to who holds a place go through ``training.services`` (admin actions call
them), so the admin can never oversell a session.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import HOLDING_PLACE, Booking, BookingNeeds, BookingStatus, Course, Session, SessionStatus


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
            {"fields": ["fee", "non_attendance_charge", "requires_manager_approval", "approval_hold_hours"]},
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
    list_filter = [WhenFilter, PlacesFilter, "status", "course__delivery", "course"]
    search_fields = ["course__title", "venue_name", "venue_postcode", "trainers"]
    autocomplete_fields = ["course"]
    date_hierarchy = "starts_at"
    inlines = [BookingInline]
    actions = ["cancel_sessions"]
    fieldsets = [
        (None, {"fields": ["course", "starts_at", "ends_at", "trainers"]}),
        ("Where", {"fields": ["venue_name", "venue_address", "venue_postcode", "access_notes", "joining_url"]}),
        (
            "Places and booking",
            {"fields": ["capacity", "places_per_organisation", "booking_opens_at", "booking_closes_at"]},
        ),
        ("Status", {"fields": ["status", "cancelled_reason"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Cancelling is an action (it cancels the bookings and emails delegates), not a field edit.
        return ["status"] if obj is None or obj.status == SessionStatus.SCHEDULED else ["status", "cancelled_reason"]

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
    actions = ["cancel_bookings", "approve_bookings"]
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
