from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "Procedures"

    def ready(self):
        from lscb_portal.core import roles

        roles.register_area("procedures", roles.PROCEDURE_EDITORS)
        from lscb_portal.core import pagecache

        pagecache.watch("procedures", area="procedures")
        from lscb_portal.core.subscriptions import MailingList, register_list

        from .emails import digest_part
        from .services import UPDATES_LIST

        register_list(
            MailingList(
                key=UPDATES_LIST,
                title="Procedure updates",
                description="When the procedures manual is updated: new, changed and withdrawn chapters.",
                supports_major_only=True,
                digest=digest_part,
            )
        )
        from . import privacy  # noqa: F401  (registers this app's personal data with the base)
        from .desk import register as register_desk

        register_desk()
