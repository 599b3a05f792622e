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


def _rename_model(label: str, singular: str, plural: str) -> None:
    opts = apps.get_model(label)._meta
    opts.verbose_name, opts.verbose_name_plural = singular, plural


class StaffAccountsConfig(AuthConfig):
    verbose_name = "Staff accounts"


class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = "Sign-in lockouts"


class AuthenticatorAppsConfig(TOTPAppConfig):
    verbose_name = "Authenticator apps"

    def ready(self):
        super().ready()
        _rename_model("otp_totp.TOTPDevice", "authenticator app", "authenticator apps")


class BackupCodesConfig(StaticDeviceAppConfig):
    verbose_name = "Backup codes"

    def ready(self):
        super().ready()
        _rename_model("otp_static.StaticDevice", "set of backup codes", "sets of backup codes")


class EmailCodesConfig(EmailDeviceAppConfig):
    verbose_name = "Set-up links by email"

    def ready(self):
        super().ready()
        _rename_model("otp_email.EmailDevice", "set-up link by email", "set-up links by email")


class BackgroundJobsConfig(ProcrastinateConfig):
    verbose_name = "Background jobs"

    def ready(self):
        super().ready()
        _rename_model("procrastinate.ProcrastinateJob", "background job", "background jobs")


class TopicsConfig(TaggitAppConfig):
    verbose_name = "Topics"

    def ready(self):
        super().ready()
        _rename_model("taggit.Tag", "topic", "topics")
