"""The course catalogue."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from lscb_portal.core.history import HistoryAdmin

from ..models import Course, SessionStatus


@admin.register(Course)
class CourseAdmin(HistoryAdmin):
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
        # The count groups the rows, and Django then leaves the model's ordering out; the autocomplete's pages
        # need one (the list orders by its own columns anyway).
        return (
            super()
            .get_queryset(request)
            .annotate(
                upcoming_count=Count(
                    "sessions",
                    filter=Q(sessions__starts_at__gt=timezone.now(), sessions__status=SessionStatus.SCHEDULED),
                )
            )
            .order_by(*Course._meta.ordering)
        )

    @admin.display(description="upcoming sessions", ordering="upcoming_count")
    def upcoming(self, obj) -> int:
        return obj.upcoming_count
