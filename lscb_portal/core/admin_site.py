"""The back office's admin site: Django's admin with the staff security steps around it.

``admin_apps.PortalAdminConfig`` replaces ``django.contrib.admin`` in INSTALLED_APPS, so ``admin.site`` (where
every app registers its models) is a ``PortalAdminSite``. On top of Django's admin it:

- asks for the second factor after the password when ``STAFF_2FA_REQUIRED`` is on, and refuses every
  admin page until the session has it (``security.needs_second_factor``); someone without a device
  first opens a one-time link emailed to their account, then sets up an app and gets backup codes
  (``/admin/two-factor/…``, views in ``auth_views``);
- counts login attempts against the per-address rate limit (django-axes does the per-account lockout);
- adds staff password reset by email under ``/admin/password-reset/``;
- shows a service's refusal (``errors.Refused``) that a page or action lets through as an error message on the
  page it came from, instead of a server error.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.urls import path, reverse

from . import ratelimit, security
from .errors import Refused


def refusals_as_messages(view):
    """Answer a refusal with its message: back to the page that was posted, or to the index after a GET."""

    @wraps(view)
    def inner(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refused as refused:
            messages.error(request, str(refused))
            return redirect(request.get_full_path() if request.method == "POST" else reverse("admin:index"))

    return inner


class PortalAdminSite(AdminSite):
    site_header = "Board back office"
    site_title = "Back office"
    index_title = "What would you like to manage?"

    def has_permission(self, request):
        return super().has_permission(request) and not security.needs_second_factor(request)

    def admin_view(self, view, cacheable=False):
        # Every model admin's pages and actions, and the task pages, pass through here.
        return super().admin_view(refusals_as_messages(view), cacheable)

    def login(self, request, extra_context=None):
        """Django's login, then the second factor when it is owed."""
        if request.method == "POST":
            # Generous per address: stops one address trying password after password across many accounts.
            ratelimit.check(request, "admin.login")
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if security.needs_second_factor(request):
            return redirect(security.second_factor_url(request, next_url=next_url))
        extra_context = {**(extra_context or {}), "password_reset_url": reverse("admin:password_reset")}
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302 and security.needs_second_factor(request):
            if urlsplit(response.url).path.startswith(reverse("admin:two_factor")):
                return response  # the emailed set-up link, opened before signing in
            return redirect(security.second_factor_url(request, next_url=response.url))
        return response

    def get_urls(self):
        from . import auth_views

        site = {"site": self}
        own = [
            path("two-factor/", auth_views.second_factor, site, name="two_factor"),
            path("two-factor/set-up/", auth_views.second_factor_setup, site, name="two_factor_setup"),
            path("two-factor/enrol/", auth_views.second_factor_enrol, site, name="two_factor_enrol"),
            path(
                "two-factor/enrol/<str:token>/",
                auth_views.second_factor_enrol_link,
                site,
                name="two_factor_enrol_link",
            ),
            path(
                "two-factor/backup-codes/",
                self.admin_view(auth_views.second_factor_backup_codes),
                site,
                name="two_factor_backup_codes",
            ),
            path("password-reset/", auth_views.password_reset, site, name="password_reset"),
            path("password-reset/sent/", auth_views.password_reset_sent, site, name="password_reset_done"),
            path("password-reset/done/", auth_views.password_reset_complete, site, name="password_reset_complete"),
            path(
                "password-reset/<uidb64>/<token>/",
                auth_views.password_reset_confirm,
                site,
                name="password_reset_confirm",
            ),
        ]
        return own + super().get_urls()
