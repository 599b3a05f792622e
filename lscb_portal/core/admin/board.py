from django.contrib import admin, messages
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
    list_display = ["name", "sector", "is_partner", "verified", "merged_into", "training_contact_email"]
    list_filter = ["verified", "sector", "is_partner"]
    search_fields = ["name", "training_contact_email"]
    autocomplete_fields = ["merged_into"]
    actions = ["confirm_as_partners", "confirm_as_non_partners"]

    @admin.action(description="Confirm as partner agencies (verified, partner rate)", permissions=["change"])
    def confirm_as_partners(self, request, queryset):
        self._confirm(request, queryset, partner=True)

    @admin.action(description="Confirm as organisations that are not partners (verified)", permissions=["change"])
    def confirm_as_non_partners(self, request, queryset):
        self._confirm(request, queryset, partner=False)

    def _confirm(self, request, queryset, *, partner: bool) -> None:
        # Saved one by one, so that each record's history says who confirmed it.
        confirmed = 0
        for organisation in queryset.filter(merged_into__isnull=True):
            organisation.verified, organisation.is_partner = True, partner
            organisation._change_reason = "Confirmed as a partner agency" if partner else "Confirmed as a non-partner"
            organisation.save(update_fields=["verified", "is_partner"])
            confirmed += 1
        self.message_user(request, f"Confirmed {confirmed} organisation(s).", messages.SUCCESS)
