"""A local SMTP sink for the soak run: it can be stopped and started again, and made slow."""

import asyncio
import threading
from collections import Counter
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class RecordingHandler:
    """Keeps who got which subject; ``delay_s`` holds each message open before accepting it."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []
        self.delay_s = 0.0
        self.in_data = threading.Event()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.in_data.set()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        subject = message.get("Subject", "")
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.received.append((recipient.lower(), " ".join(str(subject).split())))
        return "250 Message accepted for delivery"

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.received)


class SmtpSink:
    def __init__(self, port: int):
        self.port = port
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
