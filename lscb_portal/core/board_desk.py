"""The base's part of the desk: failed emails, and the board's settings, outbox and subscribers.

Registered from ``CoreConfig.ready()``.
"""

from django.urls import reverse
from django.utils import timezone

from . import desk
from .models import OutboxMessage, OutboxStatus

AREA = "core"


def failed_emails(request) -> desk.PanelContent:
    failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("-created_at")
    return desk.waiting(
        failed.only("to", "subject", "created_at"),
        item=lambda message: desk.DeskItem(
            text=message.subject,
            url=reverse("admin:core_outboxmessage_change", args=[message.pk]),
            detail=f"To {message.to}, {timezone.localtime(message.created_at):%-d %b %H:%M}",
        ),
        link=lambda count: desk.DeskItem(
            text=f"See {desk.the_or_all(count, 'failed email', 'failed emails')} and send again",
            url=reverse("admin:core_outboxmessage_changelist") + "?status__exact=failed",
        ),
        empty="No email has failed.",
    )


def register() -> None:
    desk.register_panel(
        desk.Panel(
            area=AREA,
            key="failed-emails",
            title="Failed emails",
            permission="core.view_outboxmessage",
            build=failed_emails,
        )
    )
    desk.register_tasks(
        desk.Task(AREA, "The board's details", "admin:core_boardsettings_changelist", "core.change_boardsettings",
                  "Name, contacts and the numbers shown on every page"),
        desk.Task(AREA, "Email outbox", "admin:core_outboxmessage_changelist", "core.view_outboxmessage",
                  "What was sent to whom, what is waiting"),
        desk.Task(AREA, "Email alert subscribers", "admin:core_subscriber_changelist", "core.view_subscriber"),
        desk.Task(AREA, "Organisations", "admin:core_organisation_changelist", "core.view_organisation",
                  "The list bookers choose from"),
    )  # fmt: skip
