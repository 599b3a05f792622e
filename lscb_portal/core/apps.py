from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The portal's base: board settings, email, subscriptions and shared helpers.

    It imports no domain app; the apps register with it instead.
    """

    name = "lscb_portal.core"
    label = "core"
    verbose_name = "Board and mail"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import board_desk, outbox, pagecache, roles

        roles.register_area("core", roles.BOARD_MANAGERS, models=roles.BOARD_MANAGER_MODELS)
        roles.register_area("core", roles.TRAINING_ADMINISTRATORS, models=["organisation", "historicalorganisation"])
        outbox.register_readers("staff", "auth.change_user", who="staff who manage accounts")
        outbox.register_readers("alerts", "core.view_subscriber", who="staff who look after email alerts")
        post_migrate.connect(roles.sync_roles, sender=self, dispatch_uid="core.sync_roles")
        private = ["subscriber", "subscription", "outboxmessage", "ratelimitcounter", "workerheartbeat"]
        # The booking form lists the verified organisations by name; one a booker types stays off the pages.
        listed = pagecache.Rows(area="organisations", shown=("name",), where={"verified": True, "merged_into": None})
        pagecache.watch(
            "core", area=pagecache.BOARD, exclude=[*private, "contentchange"], rows={"organisation": listed}
        )
        pagecache.watch("taggit", area="topics")
        pre_migrate.connect(pagecache.remove_triggers, sender=self, dispatch_uid="core.remove_page_triggers")
        post_migrate.connect(pagecache.install_triggers, sender=self, dispatch_uid="core.install_page_triggers")
        board_desk.register()
