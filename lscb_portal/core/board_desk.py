"""The base's part of the desk: failed emails, and the board's settings, outbox and subscribers.

Registered from ``CoreConfig.ready()``.
"""

from django.urls import reverse
from django.utils import timezone

from . import desk
from .models import OutboxMessage, OutboxStatus

AREA = "core"
SHOWN = 5


def failed_emails(request) -> desk.PanelContent:
    failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED)
    count = failed.count()
    if not count:
        return desk.PanelContent(count=0, empty="No email has failed.")
    latest = failed.order_by("-created_at").only("to", "subject", "created_at")[:SHOWN]
    return desk.PanelContent(
        count=count,
        items=[
            desk.DeskItem(
                text=message.subject,
                url=reverse("admin:core_outboxmessage_change", args=[message.pk]),
                detail=f"To {message.to}, {timezone.localtime(message.created_at):%-d %b %H:%M}",
            )
            for message in latest
        ],
        link=desk.DeskItem(
            text=f"See {'the failed email' if count == 1 else f'all {count} failed emails'} and send again",
            url=reverse("admin:core_outboxmessage_changelist") + "?status__exact=failed",
        ),
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
    for task in [
        desk.Task(AREA, "The board's details", "admin:core_boardsettings_changelist", "core.change_boardsettings",
                  "Name, contacts and the numbers shown on every page"),
        desk.Task(AREA, "Email outbox", "admin:core_outboxmessage_changelist", "core.view_outboxmessage",
                  "What was sent to whom, what is waiting"),
        desk.Task(AREA, "Email alert subscribers", "admin:core_subscriber_changelist", "core.view_subscriber"),
        desk.Task(AREA, "Organisations", "admin:core_organisation_changelist", "core.view_organisation",
                  "The list bookers choose from"),
    ]:  # fmt: skip
        desk.register_task(task)
