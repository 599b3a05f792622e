from django.contrib import admin
from solo.admin import SingletonModelAdmin

from ..history import HistoryAdmin
from ..models import BoardContact, BoardSettings, Organisation


class BoardContactInline(admin.TabularInline):
    model = BoardContact
    extra = 0
    fields = ["position", "name", "role", "phone", "email"]


@admin.register(BoardSettings)
class BoardSettingsAdmin(SingletonModelAdmin, HistoryAdmin):
    inlines = [BoardContactInline]
    fieldsets = [
        ("The board", {"fields": ["name", "short_name", "kind", "area"]}),
        ("Office", {"fields": ["address", "phone", "office_email", "secure_email", "data_protection_email"]}),
        (
            "Worried about a child? (shown on every page)",
            {"fields": ["referral_service_name", "referral_phone", "out_of_hours_phone", "referral_note"]},
        ),
        ("Social accounts", {"fields": ["x_url", "facebook_url", "linkedin_url", "youtube_url"]}),
        ("Accessibility", {"fields": ["accessibility_reviewed"]}),
        (
            "Documents (certificates, registers and newsletter PDFs)",
            {"fields": ["logo", "brand_colour", "training_lead_name", "training_lead_role"]},
        ),
    ]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "sector", "is_partner", "verified", "merged_into"]
    list_filter = ["verified", "sector", "is_partner"]
    search_fields = ["name"]
    autocomplete_fields = ["merged_into"]
