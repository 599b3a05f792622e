"""The email outbox: every email is a row first, written in the caller's transaction.

``queue_email`` is the only way the portal sends mail. The worker delivers rows
(see ``tasks.py``); a sweep re-queues anything left behind, so an SMTP outage
or a crashed worker delays mail but never loses it. Delivery is at least once.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .models import OutboxMessage


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str  # text, or base64 for binary content (see ``binary``)
    mimetype: str
    binary: bool = False

    def as_json(self) -> dict:
        return {"filename": self.filename, "content": self.content, "mimetype": self.mimetype, "binary": self.binary}


def queue_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict | None = None,
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
    category: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Write an email to the outbox and queue its delivery, inside the caller's transaction.

    With a ``dedupe_key`` the same email is written at most once, however often
    (or however concurrently) the caller runs: the second call returns None.
    """
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                to=to,
                subject=subject[:255],
                body_text=text,
                body_html=html,
                headers=headers or {},
                attachments=[attachment.as_json() for attachment in attachments],
                category=category,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    _defer_delivery(message.pk)
    return message


def _defer_delivery(message_id: int) -> None:
    from .tasks import deliver_email

    deliver_email.defer(message_id=message_id)
