from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from lscb_portal.core import roles

        roles.register_area("training", roles.TRAINING_ADMINISTRATORS)
        from lscb_portal.core import pagecache

        # A booker's needs, charges and evaluations are never shown on a public page; of a booking, the pages
        # show only the place it takes (or its place on the waiting list), not who booked nor the emails sent.
        pagecache.watch(
            "training",
            area="training",
            exclude=["bookingneeds", "charge", "evaluation", "partattendance"],
            rows={"booking": pagecache.Rows(area="places", shown=("session", "status"))},
        )
        from lscb_portal.core import outbox, subscriptions

        # Booking emails name delegates and their needs: the training office's to read.
        outbox.register_readers("training", "training.view_booking", who="staff who look after training")

        from .alerts import training_alerts

        subscriptions.register_list(training_alerts())
        outbox.register_readers(training_alerts().key, "core.view_subscriber", who="staff who look after email alerts")
        from . import privacy  # noqa: F401  (registers this app's personal data with the base)
        from .desk import register as register_desk

        register_desk()
