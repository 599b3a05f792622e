import pytest

from lscb_portal.core.models import Organisation, OutboxMessage
from training.models import Booking, BookingNeeds, BookingStatus

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory
from .factories import booking_form_data as _form

pytestmark = pytest.mark.django_db


def test_booking_through_the_form_confirms_and_shows_what_happens_next(client):
    OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory(capacity=5)

    response = client.post(session.get_absolute_url(), _form(), follow=True)

    html = response.content.decode()
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.organisation.name == "Riverside Primary School"
    assert response.redirect_chain[-1][0] == f"/training/sessions/{session.pk}/booked/"
    assert "Booking confirmed" in html
    assert booking.reference in html
    assert OutboxMessage.objects.filter(to="priya.shah@riverside.example.org").count() == 1


def test_a_new_organisation_name_is_created_unverified_and_reused_ignoring_case(client):
    session = SessionFactory(capacity=5)

    client.post(session.get_absolute_url(), _form(organisation="Brookside  Childminding Network"))
    client.post(
        session.get_absolute_url(),
        _form(email="second@brookside.example.org", organisation="brookside childminding network"),
    )

    organisation = Organisation.objects.get(name__iexact="Brookside Childminding Network")
    assert organisation.name == "Brookside Childminding Network"
    assert organisation.verified is False
    assert Booking.objects.filter(organisation=organisation).count() == 2


def test_errors_are_summarised_and_nothing_typed_is_lost(client):
    session = SessionFactory(course=CourseFactory(eligibility="I undertake family assessments."))

    response = client.post(
        session.get_absolute_url(),
        _form(email="not-an-email", role="", access_needs="Step-free access", eligibility=""),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter an email address in the correct format" in html
    assert "Enter your job title" in html
    assert "Confirm that you meet the eligibility statement to book" in html
    assert 'value="Priya Shah"' in html
    assert 'value="not-an-email"' in html
    assert "Step-free access</textarea>" in html
    assert html.count("<title>Error: ") == 1
    assert not Booking.objects.exists()


def test_a_refusal_by_the_rules_is_shown_against_its_field(client):
    session = SessionFactory(places_per_organisation=1)
    organisation = OrganisationFactory(name="Riverside Primary School")
    BookingFactory(session=session, organisation=organisation)

    response = client.post(session.get_absolute_url(), _form())

    html = response.content.decode()
    assert "Riverside Primary School already has 1 place on this session" in html
    assert 'href="#id_organisation"' in html
    assert Booking.objects.count() == 1


def test_manager_details_are_required_when_the_course_needs_approval(client):
    session = SessionFactory(course=CourseFactory(requires_manager_approval=True))

    html = client.post(session.get_absolute_url(), _form()).content.decode()

    assert "Enter your manager&#x27;s email address" in html
    assert not Booking.objects.exists()


def test_needs_given_in_the_form_are_stored_apart(client):
    session = SessionFactory()

    client.post(session.get_absolute_url(), _form(access_needs="BSL interpreter", dietary_needs="Halal"))

    needs = BookingNeeds.objects.get()
    assert (needs.access_needs, needs.dietary_needs) == ("BSL interpreter", "Halal")


def test_the_booked_page_needs_the_booking_from_this_browser(client):
    session = SessionFactory()
    BookingFactory(session=session)

    response = client.get(f"/training/sessions/{session.pk}/booked/")

    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()


@pytest.mark.usefixtures("clock_held")
def test_too_many_attempts_are_refused_with_the_429_page(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "training.book": {"email": (2, 3600), "ip": (300, 3600)}}
    session = SessionFactory()

    statuses = [client.post(session.get_absolute_url(), _form(role="")).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert not Booking.objects.exists()
