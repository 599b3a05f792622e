"""The security and job apps under plain English names, as Django's documentation suggests: by subclassing
their ``AppConfig`` and listing the subclass in INSTALLED_APPS (the app labels, tables and migrations stay).

Their models carry their own Meta names, so the few that read as jargon ("TOTP device", "procrastinate job")
are renamed when the app is ready. Only display names change: migrations read a model's declared Meta, never
these. The admin puts all of them in one "System" group that only superusers see (``admin_site.SYSTEM_APPS``).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import apps
from django.contrib.auth.apps import AuthConfig
from django_otp.plugins.otp_email.apps import DefaultConfig as EmailDeviceAppConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDeviceAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig
from procrastinate.contrib.django.apps import ProcrastinateConfig
from taggit.apps import TaggitAppConfig


class RenamedModels:
    """Gives the app's models in ``model_names`` plain display names once the app is ready."""

    model_names: dict[str, tuple[str, str]] = {}  # "app_label.Model": (singular, plural)

    def ready(self):
        super().ready()
        for label, (singular, plural) in self.model_names.items():
            opts = apps.get_model(label)._meta
            opts.verbose_name, opts.verbose_name_plural = singular, plural


class StaffAccountsConfig(AuthConfig):
    verbose_name = "Staff accounts"


class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = "Sign-in lockouts"


class AuthenticatorAppsConfig(RenamedModels, TOTPAppConfig):
    verbose_name = "Authenticator apps"
    model_names = {"otp_totp.TOTPDevice": ("authenticator app", "authenticator apps")}


class BackupCodesConfig(RenamedModels, StaticDeviceAppConfig):
    verbose_name = "Backup codes"
    model_names = {"otp_static.StaticDevice": ("set of backup codes", "sets of backup codes")}


class EmailCodesConfig(RenamedModels, EmailDeviceAppConfig):
    verbose_name = "Set-up links by email"
    model_names = {"otp_email.EmailDevice": ("set-up link by email", "set-up links by email")}


class BackgroundJobsConfig(RenamedModels, ProcrastinateConfig):
    verbose_name = "Background jobs"
    model_names = {"procrastinate.ProcrastinateJob": ("background job", "background jobs")}


class TopicsConfig(RenamedModels, TaggitAppConfig):
    verbose_name = "Topics"
    model_names = {"taggit.Tag": ("topic", "topics")}
