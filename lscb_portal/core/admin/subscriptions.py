"""Admin for subscribers and their subscriptions.

People sign themselves up (the consent and the confirmation are theirs), so the back office
cannot add a subscriber or change an address. It can answer "who gets what", change how often
someone gets a list, remove a list, unsubscribe someone from everything, or delete an address
when asked to erase it.
"""

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef

from .. import subscriptions
from ..models import Frequency, Subscriber, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["list_title", "frequency", "major_only", "created_at"]
    readonly_fields = ["list_title", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="list")
    def list_title(self, subscription: Subscription) -> str:
        title = subscriptions.list_title(subscription.list_key)
        return title if title == subscription.list_key else f"{title} ({subscription.list_key})"


class ConfirmedFilter(admin.SimpleListFilter):
    title = "confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Confirmed"), ("no", "Waiting for confirmation")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


class ListFilter(admin.SimpleListFilter):
    title = "list"
    parameter_name = "list"

    def lookups(self, request, model_admin):
        return [(item.key, item.title) for item in subscriptions.all_lists()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(Subscription.objects.filter(subscriber=OuterRef("pk"), list_key=self.value()))
            )
        return queryset


class FrequencyFilter(admin.SimpleListFilter):
    title = "gets"
    parameter_name = "frequency"

    def lookups(self, request, model_admin):
        return Frequency.choices

    def queryset(self, request, queryset):
        if self.value() in Frequency.values:
            return queryset.filter(
                Exists(Subscription.objects.filter(subscriber=OuterRef("pk"), frequency=self.value()))
            )
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed", "subscription_count", "created_at"]
    list_filter = [ConfirmedFilter, ListFilter, FrequencyFilter]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    list_per_page = 100
    inlines = [SubscriptionInline]
    actions = ["unsubscribe_from_everything"]
    fieldsets = [
        (None, {"fields": ["email", "created_at", "confirmed_at"]}),
        (
            "Consent",
            {
                "fields": ["consent_text", "consent_at"],
                "description": "The wording the subscriber agreed to when they signed up, and when.",
            },
        ),
    ]
    readonly_fields = ["email", "created_at", "confirmed_at", "consent_text", "consent_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subscription_count=Count("subscriptions"))

    def has_add_permission(self, request):
        return False

    @admin.display(description="confirmed", boolean=True, ordering="confirmed_at")
    def confirmed(self, subscriber: Subscriber) -> bool:
        return subscriber.is_confirmed

    @admin.display(description="lists", ordering="subscription_count")
    def subscription_count(self, subscriber: Subscriber) -> int:
        return subscriber.subscription_count

    @admin.action(description="Unsubscribe from all alerts", permissions=["change"])
    def unsubscribe_from_everything(self, request, queryset):
        count = 0
        for subscriber in queryset:
            subscriptions.unsubscribe(subscriber=subscriber)
            count += 1
        self.message_user(
            request,
            f"{count} {'subscriber' if count == 1 else 'subscribers'} will get no more alerts. "
            "Their addresses are deleted by the daily clean-up.",
            messages.SUCCESS,
        )
