import pytest
from django.core import mail

from lscb_portal.core.models import Organisation
from training import services
from training.models import Delivery

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _online_session(capacity=1):
    return SessionFactory(
        capacity=capacity,
        course=CourseFactory(title="Online Safety for Practitioners", delivery=Delivery.ONLINE),
        venue_name="Microsoft Teams",
        joining_url="https://teams.example.org/join/abc",
    )


def test_only_confirmed_delegates_are_sent_the_joining_link(make_attendee, jobs):
    session = _online_session(capacity=1)
    services.booking_create(
        session=session, attendee=make_attendee(email="in@example.org"), eligibility_confirmed=False
    )
    services.booking_create(
        session=session, attendee=make_attendee(email="waiting@example.org"), eligibility_confirmed=False
    )
    jobs.run()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "https://teams.example.org/join/abc" in by_recipient["in@example.org"].body
    assert "teams.example.org" not in by_recipient["waiting@example.org"].body
    [(filename, content, mimetype)] = by_recipient["in@example.org"].attachments
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")


def test_an_email_is_written_once_even_if_the_same_event_is_sent_twice(make_attendee, outbox):
    from training import emails

    booking = services.booking_create(session=SessionFactory(), attendee=make_attendee(), eligibility_confirmed=False)

    emails.booking_confirmed(booking)

    assert len(outbox(to=booking.email)) == 1


def test_plain_text_emails_are_not_html_escaped(make_attendee, outbox):
    session = SessionFactory(course=CourseFactory(title="Children's Voices & Views"))

    booking = services.booking_create(
        session=session, attendee=make_attendee(name="Siobhán O'Neill"), eligibility_confirmed=False
    )

    [message] = outbox(to=booking.email)
    assert "Dear Siobhán O'Neill," in message.body_text
    assert "Course: Children's Voices & Views" in message.body_text
    assert "&amp;" not in message.body_text
    assert "&#x27;" not in message.body_text


def test_a_booking_for_a_merged_organisation_counts_against_the_surviving_record():
    survivor = Organisation.objects.create(name="Northbrook Community Health NHS Trust", verified=True)
    Organisation.objects.create(name="Northbrook Community Health", merged_into=survivor)

    assert services.organisation_for_name(name="northbrook community health") == survivor
    assert services.organisation_for_name(name="  Northbrook   Community Health NHS Trust ") == survivor


def test_the_waiting_list_email_has_the_link_to_leave_it(outbox):
    session = SessionFactory(capacity=0)
    attendee = services.Attendee(
        name="Ali Khan",
        email="ali@example.org",
        organisation=BookingFactory().organisation,
        role="School nurse",
    )

    booking = services.booking_create(session=session, attendee=attendee, eligibility_confirmed=False)

    [message] = outbox(to="ali@example.org")
    assert "View or leave the waiting list" in message.body_text
    assert f"Reference: {booking.reference}" in message.body_text
