"""Factories for the base's models."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from lscb_portal.core.models import Frequency, OutboxMessage, OutboxStatus, Subscriber, Subscription


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """An email already in the outbox, as if queued earlier (no delivery job is deferred)."""

    class Meta:
        model = OutboxMessage

    to = factory.Sequence(lambda n: f"practitioner{n}@example.org")
    subject = factory.Sequence(lambda n: f"Your place on Safeguarding Children Level {n % 3 + 1}")
    body_text = "Your booking is confirmed. The session starts at 9:30am at Riverside House."
    category = "training.booking"
    status = OutboxStatus.PENDING


class SubscriberFactory(factory.django.DjangoModelFactory):
    """Someone who signed up for email alerts and confirmed (``confirmed_at=None`` for a pending sign-up)."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"subscriber{n}@example.org")
    confirmed_at = factory.LazyFunction(timezone.now)
    consent_text = "I agree that the partnership may keep my email address to send me the alerts I choose."
    consent_at = factory.LazyFunction(timezone.now)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    list_key = "procedures.updates"
    frequency = Frequency.IMMEDIATE


STAFF_PASSWORD = "harbour-lantern-meadow-42"


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A back office account whose password is ``STAFF_PASSWORD``."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True  # the role hook only adds a group

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@partnership.example.org")
    first_name = "Sam"
    last_name = "Okafor"
    is_staff = True
    password = factory.django.Password(STAFF_PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        """``StaffUserFactory(role=BOARD_MANAGERS)``: the account holds that role (its group)."""
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app for a staff member."""

    class Meta:
        model = "otp_totp.TOTPDevice"

    user = factory.SubFactory(StaffUserFactory)
    name = "Authenticator app"
    confirmed = True


def staff_member(role: str, *, username: str | None = None):
    """A staff account in one of the roles (a group created by the migrations)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username or role.replace(" ", "-").lower(), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user
