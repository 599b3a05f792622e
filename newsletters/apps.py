from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        from lscb_portal.core import roles

        roles.register_area("newsletters", roles.BOARD_MANAGERS)
        from lscb_portal.core import pagecache

        # Readers' feedback and contributions are never shown on a public page, nor when subscribers were
        # emailed an issue and what its blocks said then.
        pagecache.watch(
            "newsletters",
            area="newsletters",
            exclude=["contribution", "feedback"],
            rows={
                "issue": pagecache.Rows(ignored=("subscribers_notified_at",)),
                "issueblock": pagecache.Rows(ignored=("snapshot", "snapshot_taken_at")),
            },
        )
        from lscb_portal.core import outbox
        from lscb_portal.core.subscriptions import register_list_provider

        outbox.register_readers(
            "newsletters.contribution", "newsletters.view_contribution", who="staff who look after contributions"
        )

        from .lists import series_lists

        register_list_provider(series_lists)
        from . import privacy  # noqa: F401  (registers this app's personal data with the base)
        from .desk import register as register_desk

        register_desk()
