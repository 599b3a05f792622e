"""The delegates' impact evaluations (read only)."""

from django.contrib import admin

from ..models import Evaluation


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
