"""Staff accounts: Django's user admin, with a superuser's reset of someone's second factor."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .. import security

User = get_user_model()


class PortalUserAdmin(UserAdmin):
    actions = ["reset_second_factor"]

    def has_reset_second_factor_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(
        description="Reset two-factor authentication (lost phone) and email a set-up link",
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        count = 0
        for user in queryset:
            security.second_factor_reset(user=user, by=request.user)
            count += 1
        self.message_user(
            request,
            f"Second factor reset for {count} account{'s' if count != 1 else ''}. Each was emailed a link to set "
            "up a new app; until then they cannot reach the back office.",
            messages.SUCCESS,
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
