from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from lscb_portal.core import roles

        roles.register_area("training", roles.TRAINING_ADMINISTRATORS)
        from lscb_portal.core import pagecache

        # A booker's needs, charges and evaluations are never shown on a public page.
        pagecache.watch("training", exclude=["bookingneeds", "charge", "evaluation"])
        from lscb_portal.core import subscriptions

        from .alerts import training_alerts

        subscriptions.register_list(training_alerts())
        from . import privacy  # noqa: F401  (registers this app's personal data with the base)
