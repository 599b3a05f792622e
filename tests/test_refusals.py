"""Every app's services say no with one error, ``lscb_portal.core.errors.Refused``, which pages and forms show."""

from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone

from lscb_portal.core import subscriptions
from lscb_portal.core.errors import Refused, add_to_form
from lscb_portal.core.models import Frequency, Subscriber
from newsletters import services as newsletter_services
from newsletters.models import IssueStatus
from procedures.models import AmendmentKind
from procedures.services import round_publish
from tests.newsletters.factories import IssueFactory
from tests.procedures.factories import AmendmentFactory, ChapterFactory, UpdateRoundFactory
from tests.training.factories import SessionFactory
from training import services as training_services

pytestmark = pytest.mark.django_db


class _PlaceForm(forms.Form):
    email = forms.EmailField()


def test_a_refusal_goes_beside_its_field_or_at_the_top_of_the_form():
    beside, top = _PlaceForm({"email": "a@example.org"}), _PlaceForm({"email": "a@example.org"})
    beside.is_valid()
    top.is_valid()

    add_to_form(beside, Refused("a@example.org already has a booking.", field="email"))
    add_to_form(top, Refused("Booking has closed.", field="organisation"))  # not a field of this form

    assert beside.errors == {"email": ["a@example.org already has a booking."]}
    assert top.non_field_errors() == ["Booking has closed."]
    assert "email" not in beside.cleaned_data


def test_a_refusal_reads_as_its_messages():
    several = Refused(["The publication time is in the future.", "Add at least one amendment."])

    assert str(Refused("Booking has closed.")) == "Booking has closed."
    assert str(several) == "The publication time is in the future. Add at least one amendment."
    assert several.messages == ["The publication time is in the future.", "Add at least one amendment."]


def test_training_refuses_with_it():
    closed = SessionFactory(booking_closes_at=timezone.now() - timedelta(hours=1))
    attendee = training_services.Attendee(
        name="Priya Shah", email="priya@riverside.example.org", organisation="Riverside Primary School", role="Teacher"
    )

    with pytest.raises(Refused, match="Booking for this session closed"):
        training_services.booking_create(session=closed, attendee=attendee, eligibility_confirmed=False)


def test_newsletters_refuse_with_it():
    issue = IssueFactory()

    with pytest.raises(Refused, match="at least one article"):
        newsletter_services.issue_publish(issue=issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_procedures_refuse_with_it_listing_every_problem():
    update_round = UpdateRoundFactory(title="Broken round")
    AmendmentFactory(update_round=update_round, chapter=ChapterFactory(title="Sexual abuse"), kind=AmendmentKind.NEW)

    with pytest.raises(Refused) as refused:
        round_publish(update_round=update_round, at=timezone.now() + timedelta(days=1))

    assert "The publication time is in the future. Publish the round when it is ready." in refused.value.messages
    assert "“Sexual abuse”: add the chapter's new text to this round (New chapter)." in refused.value.messages


def test_the_alerts_refuse_with_it():
    with pytest.raises(Refused) as refused:
        subscriptions.subscribe(
            email="practitioner@example.org",
            list_keys=["made.up"],
            frequency=Frequency.IMMEDIATE,
            major_only=False,
            consent_text="I agree.",
        )

    assert refused.value.code == "unknown_list"
    assert not Subscriber.objects.exists()
