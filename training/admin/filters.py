"""List filters: sessions by date and places, charges by invoicing state."""

from django.contrib import admin
from django.utils import timezone

from ..models import Session


class PlacesFilter(admin.SimpleListFilter):
    title = "places"
    parameter_name = "places"

    def lookups(self, request, model_admin):
        return [("available", "Places left"), ("full", "Full"), ("waiting", "Has a waiting list")]

    def queryset(self, request, queryset):
        if self.value() == "available":
            # Places a practitioner can still book: not on sessions cancelled, past or closed for booking.
            now = timezone.now()
            return queryset.scheduled().upcoming(now).filter(booking_closes_at__gt=now, places_left__gt=0)
        if self.value() == "full":
            return queryset.filter(places_left=0)
        if self.value() == "waiting":
            return queryset.filter(waiting_count__gt=0)
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


class SessionFilter(admin.SimpleListFilter):
    """Bookings of one session. Lists a bounded choice, never the whole programme: the sessions of the
    course chosen in the course filter, or else the next upcoming ones; any session's bookings are reached
    from its own bookings page (``?session=<id>``)."""

    title = "session"
    parameter_name = "session"
    LISTED = 25

    def lookups(self, request, model_admin):
        sessions = Session.objects.select_related("course")
        course = request.GET.get("session__course__id__exact", "")
        if course.isdigit():
            listed = sessions.filter(course_id=int(course)).order_by("-starts_at")
        else:
            listed = sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at")
        listed = list(listed[: self.LISTED])
        chosen = self.chosen()
        if chosen and chosen not in {session.pk for session in listed}:
            listed = [*sessions.filter(pk=chosen), *listed]
        return [(str(session.pk), str(session)) for session in listed]

    def chosen(self) -> int | None:
        value = self.value() or ""
        return int(value) if value.isdigit() and len(value) < 10 else None

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(session_id=self.chosen())


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
