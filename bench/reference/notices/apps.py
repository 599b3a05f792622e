from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "bench.reference.notices"
    label = "reference_notices"
    default_auto_field = "django.db.models.BigAutoField"
