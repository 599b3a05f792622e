"""Factories for the training programme. Bookings are made directly (no emails); tests of
the booking rules go through ``training.services``."""

import datetime
import itertools

import factory
from django.utils import timezone

from lscb_portal.core.models import Organisation, Sector
from training.models import (
    Booking,
    BookingStatus,
    Course,
    Delivery,
    Evaluation,
    Session,
    SessionPart,
    Trainer,
    Venue,
)

_sequence = itertools.count(1_000_000)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Northbrook Primary School {n}")
    sector = Sector.EDUCATION
    verified = True


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Working Together to Safeguard Children {n}")
    slug = factory.Sequence(lambda n: f"working-together-{n}")
    summary = "An introduction to how agencies share information and act together when a child may be at risk."
    aims = "<p>To help practitioners recognise abuse and neglect and know how to respond.</p>"
    learning_outcomes = "<ul><li>Recognise the signs of neglect</li><li>Know how to make a referral</li></ul>"
    delivery = Delivery.IN_PERSON


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Riverside Community Centre, Room {n}")
    address = "12 Mill Lane\nNorthbrook"
    postcode = "NB3 7HL"
    access_notes = "Free parking on site. Level access throughout."


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    name = factory.Sequence(lambda n: f"Trainer {n}")
    agency = "Northbrook Safeguarding Children Board"


def _a_weekday_from(moment: datetime.datetime) -> datetime.datetime:
    """The moment, moved on to the Monday when it falls at a weekend: the admin asks before saving weekend dates."""
    weekday = timezone.localtime(moment).weekday()
    return moment + datetime.timedelta(days=7 - weekday) if weekday >= 5 else moment


class SessionFactory(factory.django.DjangoModelFactory):
    """A session on one date (one part, its own span). For several dates, ``services.session_parts_set``."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: _a_weekday_from(timezone.now() + datetime.timedelta(days=30)))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=3))
    venue_name = "Northminster House, 1st Floor"
    venue_address = "Market Street\nNorthbrook"
    venue_postcode = "NB1 4QT"
    trainers = "Helen Marsh, Tomasz Nowak"
    capacity = 15

    @factory.post_generation
    def parts(session, create, extracted, **kwargs):
        if create:
            SessionPart.objects.create(session=session, starts_at=session.starts_at, ends_at=session.ends_at)


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    sequence = factory.LazyFunction(lambda: next(_sequence))
    attendee_name = factory.Sequence(lambda n: f"Delegate {n}")
    email = factory.Sequence(lambda n: f"delegate{n}@school.example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Designated safeguarding lead"
    status = BookingStatus.CONFIRMED


def booking_form_data(**overrides) -> dict:
    """What a practitioner types into the session page's booking form."""
    data = {
        "attendee_name": "Priya Shah",
        "email": "priya.shah@riverside.example.org",
        "phone": "01632 960 555",
        "organisation": "Riverside Primary School",
        "role": "Deputy designated safeguarding lead",
        "manager_name": "",
        "manager_email": "",
        "access_needs": "",
        "dietary_needs": "",
    }
    data.update(overrides)
    return data


class EvaluationFactory(factory.django.DjangoModelFactory):
    """A delegate's evaluation: knowledge and confidence 2 before, 4 after, unless given."""

    class Meta:
        model = Evaluation

    booking = factory.SubFactory(BookingFactory, status=BookingStatus.ATTENDED)
    knowledge_before = 2
    knowledge_after = 4
    confidence_before = 2
    confidence_after = 4
    practice_change = "Refer concerns sooner."
