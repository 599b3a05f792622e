import pytest

from lscb_portal.core.models import OutboxMessage
from training.services import Attendee

from .factories import OrganisationFactory


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Riverside Primary School")


@pytest.fixture
def make_attendee(organisation):
    counter = iter(range(1, 10_000))

    def make(**overrides) -> Attendee:
        n = next(counter)
        values = {
            "name": f"Practitioner {n}",
            "email": f"practitioner{n}@riverside.example.org",
            "organisation": organisation,
            "role": "Class teacher",
        }
        values.update(overrides)
        return Attendee(**values)

    return make


@pytest.fixture
def outbox():
    """The emails written so far, oldest first."""

    def messages(**filters):
        return list(OutboxMessage.objects.filter(**filters).order_by("created_at", "pk"))

    return messages
