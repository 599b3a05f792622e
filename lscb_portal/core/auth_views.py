"""The admin's sign-in steps after the password, and staff password reset.

Every view takes the admin site (``site``) from its URL pattern, for the admin's look (``each_context``).
All of them live under /admin/, so ``StaffSecurityMiddleware`` sends them with ``Cache-Control: no-store``.
"""

import logging
import math
from functools import wraps

from axes.utils import reset as reset_lockouts
from django.contrib.auth import views as auth
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import ratelimit, security
from .auth_forms import SecondFactorForm, StaffPasswordResetForm
from .models import BoardSettings


def _next_url(request) -> str:
    """Where to go after the step: a path on this site, or the admin's home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def signed_in_staff(view):
    """For the steps between password and admin: a signed-in, active staff member, else the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect(f"{reverse('admin:login')}?{urlencode({'next': _next_url(request)})}")
        if not security.needs_second_factor(request):
            return redirect(_next_url(request))
        return view(request, *args, **kwargs)

    return wrapper


def _wait_message(check: security.CodeCheck) -> str:
    if check.wait_until is not None:
        seconds = max(1, math.ceil((check.wait_until - timezone.now()).total_seconds()))
        wait = f"{seconds} second{pluralize(seconds)}" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
        return f"Too many wrong codes. Wait {wait}, then enter the code your app shows at that time."
    return "That code is not right. Check the time on your phone and enter the code your app shows now."


@never_cache
@sensitive_post_parameters("token")
@csrf_protect
@signed_in_staff
def second_factor(request, *, site):
    """Step 2 for staff with a device: the code from their authenticator app."""
    if not security.confirmed_devices(request.user):
        return redirect(security.second_factor_url(request, next_url=_next_url(request)))
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        check = security.second_factor_verify(request=request, token=form.cleaned_data["token"])
        if check.accepted:
            return redirect(_next_url(request))
        form.add_error("token", _wait_message(check))
    elif form.is_bound:
        security.log_event(
            "Second factor refused", level=logging.WARNING, user=request.user.pk, ip=security.log_ip(request)
        )
    context = {**site.each_context(request), "title": "Enter your code", "form": form, "next": _next_url(request)}
    return render(request, "admin/two_factor.html", context)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


@never_cache
@csrf_protect
@signed_in_staff
def second_factor_enrol(request, *, site):
    """Step 2 for staff without a device, before any key is shown: a one-time link to the account's email."""
    if security.confirmed_devices(request.user) or security.enrolment_proven(request):
        return redirect(security.second_factor_url(request, next_url=_next_url(request)))
    user = request.user
    if request.method == "POST" and user.email:
        ratelimit.check(request, "admin.two_factor_enrol", email=user.email)
        security.send_enrolment_link(user=user)
        return redirect(_with_next(reverse("admin:two_factor_enrol"), _next_url(request)) + "&sent=1")
    context = {
        **site.each_context(request),
        "title": "Set up two-factor authentication",
        "email": ratelimit.mask_email(user.email) if user.email else "",
        "sent": request.GET.get("sent") == "1",
        "hours": security.ENROLMENT_LINK_HOURS,
        "next": _next_url(request),
    }
    return render(request, "admin/two_factor_enrol.html", context)


@never_cache
@sensitive_post_parameters("token")
@csrf_protect
@signed_in_staff
def second_factor_enrol_link(request, *, site, token):
    """The emailed link: a button (so that a mail scanner opening it changes nothing) that proves the email."""
    refused = False
    if request.method == "POST":
        if security.prove_enrolment(request=request, token=token):
            return redirect(security.second_factor_url(request, next_url=_next_url(request)))
        refused = True
    context = {
        **site.each_context(request),
        "title": "Set up two-factor authentication",
        "refused": refused,
        "next": _next_url(request),
    }
    return render(request, "admin/two_factor_enrol_link.html", context)


BACKUP_CODES_SESSION_KEY = "two_factor_backup_codes"


@never_cache
@sensitive_post_parameters("token")
@csrf_protect
@signed_in_staff
def second_factor_setup(request, *, site):
    """Step 2 once the emailed link was opened: set up an authenticator app, confirmed with its first code."""
    if security.confirmed_devices(request.user) or not security.enrolment_proven(request):
        return redirect(security.second_factor_url(request, next_url=_next_url(request)))
    device = security.second_factor_setup_device(user=request.user)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        check = security.second_factor_setup_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if check.accepted:
            request.session[BACKUP_CODES_SESSION_KEY] = security.backup_codes_create(user=request.user)
            return redirect(_with_next(reverse("admin:two_factor_backup_codes"), _next_url(request)))
        form.add_error("token", _wait_message(check))
    board = BoardSettings.get_solo()
    config_url = security.totp_config_url(device, issuer=f"{board.short_name or board.name} back office")
    context = {
        **site.each_context(request),
        "title": "Set up two-factor authentication",
        "form": form,
        "next": _next_url(request),
        "secret": security.totp_secret(device),
        "qr_code": security.qr_code_data_uri(config_url),
    }
    return render(request, "admin/two_factor_setup.html", context)


@never_cache
@csrf_protect
def second_factor_backup_codes(request, *, site):
    """Backup codes, shown once when made; a verified staff member can make a new set (the old set dies)."""
    if request.method == "POST":
        request.session[BACKUP_CODES_SESSION_KEY] = security.backup_codes_create(user=request.user)
        return redirect(_with_next(reverse("admin:two_factor_backup_codes"), _next_url(request)))
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    context = {
        **site.each_context(request),
        "title": "Your backup codes",
        "codes": [f"{code[:4]} {code[4:]}" for code in codes or []],
        "left": security.backup_codes_left(request.user),
        "next": _next_url(request),
    }
    return render(request, "admin/two_factor_backup_codes.html", context)


# --- Password reset ---------------------------------------------------------------------------------


class StaffPasswordResetView(auth.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "registration/password_reset_form.html"
    title = "Reset your password"

    def post(self, request, *args, **kwargs):
        ratelimit.check(request, "admin.password_reset", email=request.POST.get("email"))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        accounts = len(list(form.get_users(email)))
        security.log_event(
            "Password reset requested",
            email=ratelimit.mask_email(email),
            staff_accounts=accounts,
            ip=security.log_ip(self.request),
        )
        return super().form_valid(form)


class StaffPasswordResetConfirmView(auth.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    title = "Choose a new password"

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        # Whoever can read the account's email may clear its lockouts.
        reset_lockouts(username=user.get_username())
        security.log_event("Password reset completed", user=user.pk, ip=security.log_ip(self.request))
        return response


def password_reset(request, *, site):
    return StaffPasswordResetView.as_view(
        success_url=reverse("admin:password_reset_done"),
        extra_context=site.each_context(request),
    )(request)


def password_reset_sent(request, *, site):
    return auth.PasswordResetDoneView.as_view(
        template_name="registration/password_reset_done.html",
        title="Check your email",
        extra_context=site.each_context(request),
    )(request)


def password_reset_confirm(request, *, site, uidb64, token):
    return StaffPasswordResetConfirmView.as_view(
        success_url=reverse("admin:password_reset_complete"),
        extra_context=site.each_context(request),
    )(request, uidb64=uidb64, token=token)


def password_reset_complete(request, *, site):
    return auth.PasswordResetCompleteView.as_view(
        template_name="registration/password_reset_complete.html",
        title="Password changed",
        extra_context={**site.each_context(request), "login_url": reverse("admin:login")},
    )(request)
