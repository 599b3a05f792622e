"""Staff security: login lockout, the second factor, no-store admin pages and the security log.

Who may reach the admin
    A staff member signs in with username and password (``PortalAdminSite.login``), then, when
    ``settings.STAFF_2FA_REQUIRED`` is on (always in production), proves a second factor: a code from
    an authenticator app (a django-otp TOTP device) or one of their backup codes (an otp_static
    device, ten single-use codes shown once when the app is set up). ``needs_second_factor(request)``
    says whether that step is still owed; the admin site's ``has_permission`` refuses every admin page
    until it is done.

Setting up the second factor
    The password alone never binds an app: someone without a device is first sent a one-time link
    to the account's own email address (``send_enrolment_link``; the token lives on an otp_email
    device, single use, throttled, valid ``ENROLMENT_LINK_HOURS``). Opening it in the signed-in
    session (``prove_enrolment``) marks that session, and only then does the set-up page show a key.
    A superuser can reset someone's second factor from the user list, which sends a fresh link; the
    account holder is told by email whenever an app is set up or reset.

Lockout
    django-axes counts failed logins per username *and* IP address (``AXES_LOCKOUT_PARAMETERS``), so
    an attacker can lock only their own attempts, never a colleague signing in from elsewhere.
    ``client_ip`` gives axes the same client address as the rate limits (``NUM_PROXIES``), and
    ``lockout_response`` answers a locked-out attempt with a page in the admin's look.

The security log
    Events go to the ``lscb_portal.security`` logger as ``<event>: key=value ...`` lines. They never
    carry a password, a code, a token or a full email address: accounts are named by their id,
    unknown usernames and email addresses are masked.
"""

import base64
import logging
import time
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.middleware.csrf import rotate_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import ratelimit

security_log = logging.getLogger("lscb_portal.security")

DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
ENROLMENT_DEVICE_NAME = "Set-up link"
BACKUP_CODE_COUNT = 10
ENROLMENT_LINK_HOURS = 24
ENROLMENT_SESSION_KEY = "two_factor_enrolment_proven"


# --- Who is asking ------------------------------------------------------------------------------


def client_ip(request) -> str | None:
    """The client's IP address as the rate limits see it (``NUM_PROXIES``), or None if unknown.

    django-axes stores it in an address column, so anything that is not an address becomes None.
    """
    address = ratelimit.client_ip(request)
    return address if _is_ip(address) else None


def _is_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def mask_username(username: str | None) -> str:
    """A typed username as the log may show it: masked, as it may be an email address or a password."""
    username = (username or "").strip()
    if not username:
        return "-"
    if "@" in username:
        return ratelimit.mask_email(username)
    return f"{username[0]}***"


def account_label(username: str | None) -> str:
    """``user=<id>`` for an existing account, ``username=<masked>`` for anything else."""
    User = get_user_model()
    pk = None
    if username:
        pk = User._default_manager.filter(**{User.USERNAME_FIELD: username}).values_list("pk", flat=True).first()
    return f"user={pk}" if pk is not None else f"username={mask_username(username)}"


def log_ip(request) -> str:
    return (client_ip(request) or "unknown") if request is not None else "-"


def log_event(event: str, *, level: int = logging.INFO, **fields) -> None:
    """One line on the security log: ``event: key=value key=value``. Never pass secrets."""
    details = " ".join(f"{key}={value}" for key, value in fields.items())
    security_log.log(level, "%s: %s", event, details)


# --- The second factor --------------------------------------------------------------------------


def second_factor_required() -> bool:
    return bool(getattr(settings, "STAFF_2FA_REQUIRED", not settings.DEBUG))


def needs_second_factor(request) -> bool:
    """True for a signed-in, active staff member who still owes the second factor in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if not second_factor_required():
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def confirmed_devices(user) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk"))


def second_factor_url(request, *, next_url: str = "") -> str:
    """Where a staff member who owes the second factor goes: the code page, or set-up without a device.

    Set-up starts with the emailed link unless this session has already opened it.
    """
    if confirmed_devices(request.user) or backup_device(request.user) is not None:
        name = "admin:two_factor"
    elif enrolment_proven(request):
        name = "admin:two_factor_setup"
    else:
        name = "admin:two_factor_enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a code: ``accepted``, or refused with ``wait_until`` after repeated mistakes."""

    accepted: bool
    wait_until: datetime | None = None


def _throttled_until(device) -> datetime | None:
    allowed, details = device.verify_is_allowed()
    return None if allowed else (details or {}).get("locked_until")


def _finish_second_factor(request, device) -> None:
    # A session that gains the admin gets a new key and a new CSRF token, as it does at login.
    otp_login(request, device)
    request.session.cycle_key()
    rotate_token(request)


def second_factor_verify(*, request, token: str) -> CodeCheck:
    """Check a code against the staff member's confirmed devices; on success mark the session verified.

    Each device slows down guesses on its own (1, 2, 4, 8… seconds after each wrong code), and a code
    once used is refused.
    """
    user = request.user
    waits = []
    # Six digits are the app's; anything else the form lets through is a backup code.
    devices = confirmed_devices(user) if token.isdigit() else [device for device in [backup_device(user)] if device]
    for device in devices:
        with transaction.atomic():
            device = type(device).objects.select_for_update().get(pk=device.pk)
            wait_until = _throttled_until(device)
            if wait_until is not None:
                waits.append(wait_until)
                continue
            if device.verify_token(token):
                _finish_second_factor(request, device)
                log_event("Second factor accepted", user=user.pk, ip=log_ip(request))
                return CodeCheck(accepted=True)
    log_event("Second factor refused", level=logging.WARNING, user=user.pk, ip=log_ip(request))
    return CodeCheck(accepted=False, wait_until=min(waits) if waits else None)


@transaction.atomic
def second_factor_setup_device(*, user) -> TOTPDevice:
    """The device a staff member is setting up: the same unconfirmed one until they confirm it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def second_factor_setup_confirm(*, request, device: TOTPDevice, token: str) -> CodeCheck:
    """Confirm a new device with a code from it; the session is then verified."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        wait_until = _throttled_until(device)
        accepted = wait_until is None and device.verify_token(token)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    if not accepted:
        log_event("Second factor set-up code refused", level=logging.WARNING, user=user.pk, ip=log_ip(request))
        return CodeCheck(accepted=False, wait_until=wait_until)
    _finish_second_factor(request, device)
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    log_event("Second factor set up", user=user.pk, ip=log_ip(request))
    _tell_account_holder(user, "An authenticator app was set up for your account.")
    return CodeCheck(accepted=True)


def backup_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


@transaction.atomic
def backup_codes_create(*, user) -> list[str]:
    """Replace the staff member's backup codes with ``BACKUP_CODE_COUNT`` new ones; return them to show once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    log_event("Backup codes made", user=user.pk)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Proving the account's email before an app is bound -----------------------------------------


def enrolment_proven(request) -> bool:
    return request.session.get(ENROLMENT_SESSION_KEY) == request.user.pk


@transaction.atomic
def send_enrolment_link(*, user) -> bool:
    """Email the account a one-time link that opens the set-up page; False if it has no address."""
    from .links import absolute_url

    if not user.email:
        return False
    device = EmailDevice.objects.filter(user=user, name=ENROLMENT_DEVICE_NAME).first()
    if device is None:
        device = EmailDevice.objects.create(user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False)
    # 16 digits (the field's size), valid for a day; the device refuses fast guesses and a second use.
    device.generate_token(length=16, valid_secs=ENROLMENT_LINK_HOURS * 3600)
    link = absolute_url(reverse("admin:two_factor_enrol_link", kwargs={"token": device.token}))
    _queue_staff_email(
        user,
        template="registration/two_factor_enrolment_email.txt",
        subject="Set up two-factor authentication",
        category="staff.two_factor_enrolment",
        context={"link": link, "hours": ENROLMENT_LINK_HOURS},
    )
    log_event("Second factor set-up link sent", user=user.pk)
    return True


def prove_enrolment(*, request, token: str) -> bool:
    """Check the emailed link's token for the signed-in staff member; on success this session may set up."""
    user = request.user
    with transaction.atomic():
        device = EmailDevice.objects.select_for_update().filter(user=user, name=ENROLMENT_DEVICE_NAME).first()
        accepted = device is not None and device.verify_token(token)
    if not accepted:
        log_event("Second factor set-up link refused", level=logging.WARNING, user=user.pk, ip=log_ip(request))
        return False
    request.session[ENROLMENT_SESSION_KEY] = user.pk
    log_event("Second factor set-up link opened", user=user.pk, ip=log_ip(request))
    return True


@transaction.atomic
def second_factor_reset(*, user, by) -> None:
    """Remove every device of ``user`` (a lost phone) and email them a new set-up link."""
    for model in (TOTPDevice, StaticDevice, EmailDevice):
        model.objects.filter(user=user).delete()
    log_event("Second factor reset", user=user.pk, by=by.pk)
    _tell_account_holder(user, "A superuser reset the two-factor authentication of your account.")
    send_enrolment_link(user=user)


def _tell_account_holder(user, what: str) -> None:
    if user.email:
        _queue_staff_email(
            user,
            template="registration/two_factor_changed_email.txt",
            subject="Your back office sign-in changed",
            category="staff.two_factor_changed",
            context={"what": what},
        )


def _queue_staff_email(user, *, template: str, subject: str, category: str, context: dict) -> None:
    from django.template.loader import render_to_string

    from .links import absolute_url
    from .models import BoardSettings
    from .outbox import queue_email

    context = {
        "user": user,
        "board_name": BoardSettings.get_solo().name,
        "login_url": absolute_url(reverse("admin:login")),
        **context,
    }
    queue_email(to=user.email, subject=subject, text=render_to_string(template, context), category=category)


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as people type it into an app: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_config_url(device: TOTPDevice, *, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    from urllib.parse import quote

    issuer = issuer.replace(":", "").strip() or "Back office"
    label = quote(f"{issuer}:{device.user.get_username()}")
    params = urlencode(
        {
            "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{params}"


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data: URI (allowed by the CSP's img-src)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


# --- Lockout (django-axes) ----------------------------------------------------------------------


class LockoutBackend(AxesStandaloneBackend):
    """Refuses every login for a locked-out username and IP address before any password is checked.

    Logins without a request (``Client.login`` in tests, scripts) are not web attempts: they are
    left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The locked-out page, in the admin's look, with Retry-After."""
    from django.contrib import admin

    cool_off = get_cool_off(request)
    minutes = max(1, -(-int(cool_off.total_seconds()) // 60)) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed attempts",
        "cool_off_minutes": minutes,
        "password_reset_url": reverse("admin:password_reset"),
    }
    response = render(request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


# --- Signal receivers (connected by PortalAdminConfig.ready) ------------------------------------


def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    log_event(
        "Login failed",
        level=logging.WARNING,
        account=account_label(username),
        ip=log_ip(request),
        locked_out="yes" if getattr(request, "axes_locked_out", False) else "no",
    )


def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    cool_off = get_cool_off(request)
    log_event(
        "Login locked out",
        level=logging.WARNING,
        account=account_label(username),
        ip=ip_address or log_ip(request),
        minutes=int(cool_off.total_seconds() // 60) if cool_off else "-",
    )


SESSION_STARTED_KEY = "signed_in_at"


def _on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())
    if user.is_staff:
        log_event("Staff login", user=user.pk, ip=log_ip(request))


def connect_signals() -> None:
    user_login_failed.connect(_on_login_failed, dispatch_uid="lscb_portal.security.login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="lscb_portal.security.locked_out")
    user_logged_in.connect(_on_logged_in, dispatch_uid="lscb_portal.security.logged_in")


# --- Every admin response -----------------------------------------------------------------------


def session_outlived(request) -> bool:
    """True once a signed-in session is older than ``SESSION_ABSOLUTE_SECONDS``, however busy it was."""
    started = request.session.get(SESSION_STARTED_KEY)
    if started is None:
        request.session[SESSION_STARTED_KEY] = int(time.time())
        return False
    return time.time() - started > settings.SESSION_ABSOLUTE_SECONDS


class StaffSecurityMiddleware:
    """Admin pages hold personal data: never stored by a browser or proxy. Refusals there are logged.

    A signed-in session ends after ``SESSION_ABSOLUTE_SECONDS`` whatever its activity (the idle limit
    is ``SESSION_COOKIE_AGE``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_outlived(request):
            log_event("Session ended at its absolute lifetime", user=user.pk, ip=log_ip(request))
            logout(request)
        response = self.get_response(request)
        if request.path_info.startswith(reverse("admin:index")):
            patch_cache_control(response, no_store=True, private=True)
            if response.status_code == 403:
                user = getattr(request, "user", None)
                log_event(
                    "Permission refused",
                    level=logging.WARNING,
                    user=user.pk if user is not None and user.is_authenticated else "anonymous",
                    ip=log_ip(request),
                    method=request.method,
                    path=request.path_info[:200],
                )
        return response
