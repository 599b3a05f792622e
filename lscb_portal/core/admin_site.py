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
  page it came from, instead of a server error, and so a list's action posted with rows that cannot be the table's;
- sends a list or an autocomplete asked for with a NUL character in its query to the same address without it;
- makes the home page each person's desk (``core.desk``: what needs them, by role, and their task pages) and
  gathers the security and job tables into one "System" group that only superusers see;
- gives every page what the browser needs to keep unsaved work and warn before the idle timeout
  (``static/js/backoffice.mjs``), and the "stay signed in" address it calls.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from . import desk, ratelimit, security
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


def selections_checked(view):
    """Answer a list's action posted with rows that cannot be this table's (``_selected_action=abc``) with a
    message, back on the list: Django's admin would look them up and fail with a server error."""
    model_admin = getattr(view, "__self__", None)
    if not isinstance(model_admin, ModelAdmin):
        return view

    @wraps(view)
    def inner(request, *args, **kwargs):
        if request.method == "POST" and not _are_keys(model_admin, request.POST.getlist(ACTION_CHECKBOX_NAME)):
            messages.error(request, "Some of the rows chosen are not in this list. Choose them again.")
            return redirect(request.get_full_path())
        return view(request, *args, **kwargs)

    return inner


def filters_without_nul(view):
    """Send a list or an autocomplete asked for with a NUL character in its query (``?status__exact=%00``) to the
    same address without it: Postgres refuses NUL in text, so the filter or search failed with a server error."""
    if getattr(view, "__name__", "") not in {"changelist_view", "autocomplete_view"}:
        return view

    @wraps(view)
    def inner(request, *args, **kwargs):
        if any("\x00" in text for text in _query_text(request.GET)):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            return redirect(f"{request.path}?{cleaned.urlencode()}")
        return view(request, *args, **kwargs)

    return inner


def _query_text(query: QueryDict) -> list[str]:
    return [text for key, values in query.lists() for text in (key, *values)]


def _are_keys(model_admin: ModelAdmin, values: list[str]) -> bool:
    key = model_admin.model._meta.pk
    try:
        for value in values:
            key.to_python(value)
    except ValidationError:
        return False
    return True


# Security and job tables: one "System" group, for superusers only.
SYSTEM_APPS = ("auth", "axes", "otp_totp", "otp_static", "otp_email", "procrastinate", "taggit")


class PortalAdminSite(AdminSite):
    site_header = "Board back office"
    site_title = "Back office"
    index_title = "Your desk"

    def has_permission(self, request):
        return super().has_permission(request) and not security.needs_second_factor(request)

    def admin_view(self, view, cacheable=False):
        # Every model admin's pages and actions, and the task pages, pass through here.
        return super().admin_view(refusals_as_messages(filters_without_nul(selections_checked(view))), cacheable)

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

    def each_context(self, request):
        context = super().each_context(request)
        user = getattr(request, "user", None)
        context["backoffice"] = {
            "user": user.pk if user is not None and user.is_authenticated else None,
            "idleSeconds": settings.SESSION_COOKIE_AGE,
            "keepAliveUrl": reverse("admin:keep_alive", current_app=self.name),
            "loginUrl": reverse("admin:login", current_app=self.name),
        }
        return context

    def get_app_list(self, request, app_label=None):
        """Each app's models, with the security and job tables gathered in a "System" group for superusers."""
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list
        system = self._system_group(request, app_list)
        app_list = [app for app in app_list if app["app_label"] not in SYSTEM_APPS]
        return app_list + [system] if system and request.user.is_superuser else app_list

    def _system_group(self, request, app_list):
        models = [model for app in app_list if app["app_label"] in SYSTEM_APPS for model in app["models"]]
        if not models:
            return None
        return {
            "name": "System",
            "app_label": "system",
            "app_url": reverse("admin:system", current_app=self.name),
            "has_module_perms": True,
            "models": models,
        }

    def index(self, request, extra_context=None):
        """The desk: what needs this person, by role, and links to their task pages; then every table."""
        return super().index(request, {"desk": desk.desk_for(request), **(extra_context or {})})

    def system_index(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        system = self._system_group(request, super().get_app_list(request))
        context = {
            **self.each_context(request),
            "title": "System",
            "subtitle": None,
            "app_list": [system] if system else [],
            "app_label": "system",
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/app_index.html", context)

    def get_urls(self):
        from . import auth_views

        site = {"site": self}
        own = [
            path("system/", self.admin_view(self.system_index), name="system"),
            path("keep-alive/", self.admin_view(keep_alive), name="keep_alive"),
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


@require_POST
def keep_alive(request):
    """For "Stay signed in": every request renews the session (SESSION_SAVE_EVERY_REQUEST); this says for how long."""
    return JsonResponse({"expiresIn": request.session.get_expiry_age()})
