"""Factories for the base's models."""

import factory

from lscb_portal.core.models import OutboxMessage, OutboxStatus


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """An email already in the outbox, as if queued earlier (no delivery job is deferred)."""

    class Meta:
        model = OutboxMessage

    to = factory.Sequence(lambda n: f"practitioner{n}@example.org")
    subject = factory.Sequence(lambda n: f"Your place on Safeguarding Children Level {n % 3 + 1}")
    body_text = "Your booking is confirmed. The session starts at 9:30am at Riverside House."
    category = "training.booking"
    status = OutboxStatus.PENDING
