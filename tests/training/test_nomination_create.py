"""A manager nominates several of their staff at once (``services.nomination_create``): each person is booked as
if they had booked themselves, in the order listed, and told who nominated them; the manager gets one email."""

import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation, OutboxMessage
from tests.concurrency import at_the_same_moment
from training import services
from training.models import Booking, BookingStatus
from training.services import Manager, NobodyNominated, Nominee

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

MANAGER_EMAIL = "mo.khan@riverside.example.org"


@pytest.fixture
def school(db):
    return OrganisationFactory(name="Riverside Primary School")


def _manager(organisation, **overrides) -> Manager:
    values = {"name": "Mo Khan", "email": MANAGER_EMAIL, "organisation": organisation, "role": "Headteacher"}
    return Manager(**(values | overrides))


def _staff(count: int, start: int = 1) -> list[Nominee]:
    return [
        Nominee(name=f"Teacher {n}", email=f"teacher{n}@riverside.example.org", role="Class teacher")
        for n in range(start, start + count)
    ]


def _nominate(session, organisation, nominees, **overrides):
    values = {
        "session": session,
        "manager": _manager(organisation),
        "nominees": nominees,
        "eligibility_confirmed": False,
    }
    return services.nomination_create(**(values | overrides))


@pytest.mark.django_db
def test_each_person_gets_a_place_in_the_order_listed_then_the_waiting_list(school):
    session = SessionFactory(capacity=2)

    results = _nominate(session, school, _staff(4))

    assert [result.outcome for result in results] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert [result.waiting_position for result in results] == [None, None, 1, 2]
    bookings = list(Booking.objects.filter(session=session).order_by("sequence"))
    assert [booking.email for booking in bookings] == [f"teacher{n}@riverside.example.org" for n in range(1, 5)]
    assert {booking.organisation for booking in bookings} == {school}
    assert {(booking.manager_name, booking.manager_email) for booking in bookings} == {("Mo Khan", MANAGER_EMAIL)}
    assert len({booking.reference for booking in bookings}) == 4
    assert bookings[0].history.first().history_change_reason == "Nominated by their manager, Mo Khan"


@pytest.mark.django_db
def test_the_cap_per_organisation_counts_across_the_nominees_and_existing_bookings(school):
    session = SessionFactory(capacity=20, places_per_organisation=3)
    BookingFactory(session=session, organisation=school)

    results = _nominate(session, school, _staff(4))

    assert [result.outcome for result in results] == ["confirmed", "confirmed", "refused", "refused"]
    assert "Riverside Primary School already has 3 places" in results[2].refusal
    assert session.bookings.live().filter(organisation=school).count() == 3
    assert not Booking.objects.filter(email="teacher3@riverside.example.org").exists()


@pytest.mark.django_db
def test_someone_already_booked_is_refused_without_their_booking_shown_and_is_emailed_its_details(school):
    session = SessionFactory(capacity=10)
    existing = BookingFactory(session=session, email="teacher2@riverside.example.org", organisation=school)

    results = _nominate(session, school, _staff(3))

    assert [result.outcome for result in results] == ["confirmed", "refused", "confirmed"]
    assert "teacher2@riverside.example.org already has a booking" in results[1].refusal
    assert existing.reference not in results[1].refusal
    assert session.bookings.live().count() == 3
    [details] = OutboxMessage.objects.filter(to=existing.email)
    assert existing.reference in details.subject
    [manager_email] = OutboxMessage.objects.filter(to=MANAGER_EMAIL)
    assert existing.reference not in manager_email.body_text
    assert "Teacher 2 (teacher2@riverside.example.org): teacher2@riverside.example.org already has" in (
        manager_email.body_text
    )


@pytest.mark.django_db
def test_the_nomination_is_the_approval_a_course_needs_so_places_are_confirmed(school):
    session = SessionFactory(capacity=5, course=CourseFactory(requires_manager_approval=True))

    results = _nominate(session, school, _staff(2))

    assert {result.booking.status for result in results} == {BookingStatus.CONFIRMED}
    assert not OutboxMessage.objects.filter(category="training.approval_request").exists()
    [manager_email] = OutboxMessage.objects.filter(to=MANAGER_EMAIL)
    assert "your nomination is that approval" in manager_email.body_text


@pytest.mark.django_db
def test_the_manager_gets_one_email_listing_everyone_and_each_person_their_own(school):
    session = SessionFactory(capacity=1, places_per_organisation=2)

    results = _nominate(session, school, _staff(3))

    [manager_email] = OutboxMessage.objects.filter(to=MANAGER_EMAIL)
    body = manager_email.body_text
    assert manager_email.subject.endswith("3 people")
    assert "Places confirmed (1):\n  - Teacher 1 (teacher1@riverside.example.org), reference " in body
    assert "On the waiting list, no place yet (1):\n  - Teacher 2" in body
    assert "1st on the waiting list" in body
    assert "Not booked (1):\n  - Teacher 3 (teacher3@riverside.example.org): Riverside Primary School already" in body
    assert "/training/bookings/" not in body  # each person's link is theirs alone
    confirmed, waiting, _ = results
    [first] = OutboxMessage.objects.filter(to="teacher1@riverside.example.org")
    assert "Your manager Mo Khan (Headteacher) nominated you for this course, and your place is confirmed." in (
        first.body_text
    )
    assert "/training/bookings/" in first.body_text
    assert confirmed.booking.reference in first.subject
    [calendar] = first.attachments
    assert calendar["mimetype"] == "text/calendar"
    [second] = OutboxMessage.objects.filter(to="teacher2@riverside.example.org")
    assert "Your manager Mo Khan (Headteacher) nominated you" in second.body_text
    assert "you are on its waiting list" in second.body_text
    assert not second.attachments
    assert not OutboxMessage.objects.filter(to="teacher3@riverside.example.org").exists()
    assert OutboxMessage.objects.count() == 3


@pytest.mark.django_db
def test_when_everyone_is_refused_nothing_is_kept_and_nobody_but_the_booked_holder_is_emailed():
    session = SessionFactory(capacity=10)
    existing = BookingFactory(session=session, email="teacher1@riverside.example.org")

    with pytest.raises(NobodyNominated) as refused:
        _nominate(session, "Brand New Childminders", _staff(1))

    assert refused.value.already_booked == [existing]
    assert "Teacher 1: teacher1@riverside.example.org already has a booking" in str(refused.value)
    assert not Organisation.objects.filter(name="Brand New Childminders").exists()
    assert session.bookings.count() == 1
    assert not OutboxMessage.objects.exists()  # the page resends the holder's details once this rolled back


@pytest.mark.django_db
def test_a_typed_organisation_is_added_once_for_everyone():
    session = SessionFactory(capacity=10)

    _nominate(session, "Brookside  Childminding Network", _staff(3))

    organisation = Organisation.objects.get(name="Brookside Childminding Network")
    assert organisation.verified is False
    assert session.bookings.filter(organisation=organisation).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nominees", "words"),
    [
        ([], "at least one member of staff"),
        (_staff(21), "up to 20 people"),
        ([*_staff(2), Nominee(name="Again", email="TEACHER1@riverside.example.org", role="x")], "entered twice"),
        ([Nominee(name="Me", email="mo.khan+course@riverside.example.org", role="x")], "your own email address"),
    ],
)
def test_a_list_that_is_not_valid_is_refused_whole(school, nominees, words):
    session = SessionFactory(capacity=30)

    with pytest.raises(Refused, match=words):
        _nominate(session, school, nominees)

    assert not Booking.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_session_must_take_bookings_and_eligibility_be_confirmed(school):
    closed = SessionFactory(booking_closes_at=timezone.now() - datetime.timedelta(hours=1))
    eligible_only = SessionFactory(course=CourseFactory(eligibility="You undertake family assessments."))

    with pytest.raises(Refused, match="Booking for this session closed"):
        _nominate(closed, school, _staff(1))
    with pytest.raises(Refused, match="eligibility statement") as refused:
        _nominate(eligible_only, school, _staff(1))
    _nominate(eligible_only, school, _staff(1), eligibility_confirmed=True)

    assert refused.value.field == "eligibility"
    assert Booking.objects.get().session == eligible_only


@pytest.mark.django_db(transaction=True)
def test_two_managers_nominating_for_the_last_places_at_once_never_overfill_the_session():
    session = SessionFactory(capacity=3)
    schools = [OrganisationFactory(name=f"School {n}") for n in range(2)]

    def nominate(n, together):
        together()
        return _nominate(
            session,
            schools[n],
            _staff(3, start=10 * n),
            manager=_manager(schools[n], email=f"manager{n}@schools.example.org"),
        )

    results, errors = at_the_same_moment(nominate, 2)

    assert errors == []
    bookings = Booking.objects.filter(session=session)
    assert bookings.count() == 6
    assert bookings.filter(status=BookingStatus.CONFIRMED).count() == 3
    # The session's lock is held for the whole nomination: one manager's staff get every place.
    first_through = [result for result in results if result[0].outcome == "confirmed"]
    assert len(first_through) == 1
    assert [result.outcome for result in first_through[0]] == ["confirmed"] * 3
    assert OutboxMessage.objects.filter(category="training.nomination_made").count() == 2
