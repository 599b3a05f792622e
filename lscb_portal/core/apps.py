from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The portal's base: board settings, email, subscriptions and shared helpers.

    It imports no domain app; the apps register with it instead.
    """

    name = "lscb_portal.core"
    label = "core"
    verbose_name = "Board and mail"
