"""The base's jobs. Each app declares its own in its tasks.py."""

from procrastinate.contrib.django import app


@app.task(name="core.deliver_email", queue="email")
def deliver_email(message_id: int) -> None:
    from . import outbox

    outbox.deliver(message_id)
