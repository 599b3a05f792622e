"""Venues and trainers: typed once, then chosen for each session.

Saving a venue or a trainer writes the change on the sessions still to come; sessions already held keep
what they showed (their copy is their history). The form says how many sessions a change will reach.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone

from lscb_portal.core.history import HistoryAdmin
from lscb_portal.core.wording import counted

from .. import services
from ..models import SessionStatus, Trainer, Venue


def _upcoming_count() -> Count:
    return Count(
        "sessions",
        filter=Q(sessions__starts_at__gt=timezone.now(), sessions__status=SessionStatus.SCHEDULED),
        distinct=True,
    )


class _ReachesUpcomingSessions:
    """Says on the form which sessions a change reaches, and writes it on them once saved."""

    refresh_label = ""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(upcoming_count=_upcoming_count()).order_by("name", "pk")

    @admin.display(description="sessions to come", ordering="upcoming_count")
    def upcoming(self, obj) -> int:
        return obj.upcoming_count

    @admin.display(description="a change here")
    def reach(self, obj) -> str:
        count = getattr(obj, "upcoming_count", 0) if obj is not None and obj.pk else 0
        if not count:
            return "Reaches no session still to come. Sessions already held keep what they showed."
        return (
            f"Is written on its {counted(count, 'session')} still to come. "
            "Sessions already held keep what they showed."
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            changed = self.refresh(obj)
            if changed:
                self.message_user(
                    request,
                    f"{self.refresh_label} updated on {counted(changed, 'session')} still to come.",
                    messages.INFO,
                )

    def refresh(self, obj) -> int:
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        # Choosing one for a session (the session form's autocomplete) offers only those still in use; the
        # session keeps one chosen before, and this list shows them all.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(in_use=True)
        return queryset, may_have_duplicates


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "is_online", "address", "postcode", "access_notes", "joining_url", "in_use"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_online"):
            for name in ("address", "postcode"):
                if cleaned.get(name):
                    self.add_error(name, "An online room has no address: clear it, or untick “Online”.")
        elif cleaned.get("joining_url"):
            self.add_error("joining_url", "Only an online room has a joining link: tick “Online”, or clear it.")
        return cleaned


@admin.register(Venue)
class VenueAdmin(_ReachesUpcomingSessions, HistoryAdmin):
    form = VenueForm
    list_display = ["name", "postcode", "is_online", "in_use", "upcoming"]
    list_filter = ["in_use", "is_online"]
    search_fields = ["name", "address", "postcode"]
    fields = ["name", "is_online", "address", "postcode", "access_notes", "joining_url", "in_use", "reach"]
    readonly_fields = ["reach"]
    refresh_label = "The venue's details"

    def refresh(self, obj) -> int:
        return services.venue_sessions_refresh(venue=obj)


@admin.register(Trainer)
class TrainerAdmin(_ReachesUpcomingSessions, HistoryAdmin):
    list_display = ["name", "agency", "email", "in_use", "upcoming"]
    list_filter = ["in_use"]
    search_fields = ["name", "agency", "email"]
    fields = ["name", "email", "agency", "in_use", "reach"]
    readonly_fields = ["reach"]
    refresh_label = "The trainer's name"

    def refresh(self, obj) -> int:
        return services.trainer_sessions_refresh(trainer=obj)
