"""The training team books delegates (one, or a pasted list) and moves bookings between dates of a course,
through ``services.bookings_add`` and ``services.booking_move``: the public booking rules hold for them."""

import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation
from training import services
from training.models import BookingStatus, SessionStatus
from training.services import Attendee, Delegate

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def delegates(*rows, first_line=1):
    return [
        Delegate(line=first_line + n, attendee=Attendee(name=name, email=email, organisation=organisation, role=""))
        for n, (name, email, organisation) in enumerate(rows)
    ]


def test_a_list_is_booked_in_order_places_first_then_the_waiting_list(outbox):
    session = SessionFactory(capacity=2)
    OrganisationFactory(name="Riverside Primary School")

    booked = services.bookings_add(
        session=session,
        delegates=delegates(
            ("Amira Begum", "Amira@Riverside.example.org", "Riverside Primary School"),
            ("Tom Price", "tom@riverside.example.org", "Riverside Primary School"),
            ("Lena Novak", "lena@riverside.example.org", "Riverside Primary School"),
        ),
        notify=True,
    )

    assert [(b.attendee_name, b.status) for b in booked] == [
        ("Amira Begum", BookingStatus.CONFIRMED),
        ("Tom Price", BookingStatus.CONFIRMED),
        ("Lena Novak", BookingStatus.WAITING),
    ]
    assert booked[0].email == "amira@riverside.example.org"
    [later] = services.bookings_add(
        session=session, delegates=delegates(("Zed Moss", "zed@x.example.org", "Org Z")), notify=False
    )
    # Behind those already waiting, in the order entered.
    assert list(session.bookings.waiting().values_list("pk", flat=True)) == [booked[2].pk, later.pk]
    assert {m.to: m.category for m in outbox()} == {
        "amira@riverside.example.org": "training.confirmed",
        "tom@riverside.example.org": "training.confirmed",
        "lena@riverside.example.org": "training.waiting",
    }
    assert booked[0].history.first().history_change_reason == "Booked by the training team"


def test_without_emailing_nobody_is_written_to(outbox):
    session = SessionFactory(capacity=1)

    booked = services.bookings_add(
        session=session,
        delegates=delegates(("A One", "a@x.example.org", "Org A"), ("B Two", "b@x.example.org", "Org A")),
        notify=False,
    )

    assert [b.status for b in booked] == [BookingStatus.CONFIRMED, BookingStatus.WAITING]
    assert outbox() == []
    assert booked[0].history.first().history_change_reason == "Booked by the training team (not emailed)"


def test_one_bad_line_saves_nothing_and_every_bad_line_is_named():
    session = SessionFactory(capacity=10, places_per_organisation=1)
    BookingFactory(session=session, email="taken@x.example.org")

    with pytest.raises(Refused) as refused:
        services.bookings_add(
            session=session,
            delegates=delegates(
                ("A One", "a@x.example.org", "Brand New Org"),
                ("B Two", "taken@x.example.org", "Org B"),
                ("C Three", "c@x.example.org", "Org C"),
                ("D Four", "d@x.example.org", "Org C"),
                first_line=2,
            ),
            notify=True,
        )

    messages = refused.value.messages
    assert len(messages) == 2
    assert messages[0].startswith("Line 3: taken@x.example.org already has a booking for this session (TR-")
    assert messages[1] == ("Line 5: Org C already has 1 place on this session, the most one organisation can book.")
    assert session.bookings.count() == 1
    assert not Organisation.objects.filter(name__in=["Brand New Org", "Org C"]).exists()


def test_the_team_books_before_booking_opens_and_after_it_closes_but_not_once_started_or_cancelled():
    now = timezone.now()
    not_open = SessionFactory(booking_opens_at=now + datetime.timedelta(days=3))
    closed = SessionFactory(
        starts_at=now + datetime.timedelta(hours=5), booking_closes_at=now - datetime.timedelta(hours=1)
    )
    started = SessionFactory(
        starts_at=now - datetime.timedelta(hours=1), booking_closes_at=now - datetime.timedelta(days=1)
    )
    cancelled = SessionFactory(status=SessionStatus.CANCELLED)
    one = delegates(("A One", "a@x.example.org", "Org A"))

    assert services.bookings_add(session=not_open, delegates=one, notify=False)[0].status == BookingStatus.CONFIRMED
    assert services.bookings_add(session=closed, delegates=one, notify=False)[0].status == BookingStatus.CONFIRMED
    with pytest.raises(Refused, match="has already started"):
        services.bookings_add(session=started, delegates=one, notify=False)
    with pytest.raises(Refused, match="has been cancelled"):
        services.bookings_add(session=cancelled, delegates=one, notify=False)


def test_a_course_needing_approval_or_eligibility_is_confirmed_by_the_team(outbox):
    course = CourseFactory(requires_manager_approval=True, eligibility="I undertake family assessments.")
    session = SessionFactory(course=course)

    [booking] = services.bookings_add(
        session=session, delegates=delegates(("A One", "a@x.example.org", "Org A")), notify=True
    )

    assert booking.status == BookingStatus.CONFIRMED
    assert booking.eligibility_confirmed
    assert [m.category for m in outbox()] == ["training.confirmed"]


def test_organisations_are_matched_loosely_and_a_close_spelling_asks_did_you_mean():
    school = OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory(places_per_organisation=2)

    booked = services.bookings_add(
        session=session,
        delegates=delegates(
            ("A One", "a@x.example.org", "riverside primary"),
            ("B Two", "b@x.example.org", "  RIVERSIDE  Primary School "),
        ),
        notify=False,
    )
    assert [b.organisation for b in booked] == [school, school]

    with pytest.raises(Refused) as refused:
        services.bookings_add(
            session=session, delegates=delegates(("C Three", "c@x.example.org", "Riversde Primary")), notify=False
        )
    assert "Did you mean “Riverside Primary School”?" in str(refused.value)

    [added] = services.bookings_add(
        session=SessionFactory(),
        delegates=delegates(("C Three", "c@x.example.org", "Riversde Primary")),
        notify=False,
        add_new_organisations=True,
    )
    assert added.organisation.name == "Riversde Primary"
    assert not added.organisation.verified
    assert not added.organisation.is_partner


def test_a_move_keeps_the_booking_and_offers_the_freed_place_to_the_old_queue(outbox):
    course = CourseFactory()
    old = SessionFactory(course=course, capacity=1)
    new = SessionFactory(course=course, capacity=5, starts_at=old.starts_at + datetime.timedelta(days=14))
    booking = BookingFactory(session=old, status=BookingStatus.CONFIRMED)
    waiting = BookingFactory(session=old, status=BookingStatus.WAITING)

    moved = services.booking_move(booking=booking, to_session=new)

    assert moved.pk == booking.pk
    booking.refresh_from_db()
    assert booking.session == new
    assert booking.reference == moved.reference
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.history.count() == 2  # made, then moved: one record, its history whole
    assert booking.history.first().history_change_reason.startswith("Moved by the training team from ")
    assert booking.history.last().session_id == old.pk
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED
    moved_mail = outbox(to=booking.email)
    assert [m.category for m in moved_mail] == ["training.moved"]
    assert "moved your booking" in moved_mail[0].body_text
    assert [a["filename"].startswith("cancelled-") for a in moved_mail[0].attachments] == [True, False]


def test_a_move_never_overfills_the_new_date_and_a_waiting_booking_joins_its_queue(outbox):
    course = CourseFactory()
    old = SessionFactory(course=course, capacity=1)
    full = SessionFactory(course=course, capacity=1)
    BookingFactory(session=full)
    holding = BookingFactory(session=old)
    waiting = BookingFactory(session=old, status=BookingStatus.WAITING)

    with pytest.raises(Refused, match="is full"):
        services.booking_move(booking=holding, to_session=full)
    holding.refresh_from_db()
    assert holding.session == old

    services.booking_move(booking=waiting, to_session=full, notify=False)
    waiting.refresh_from_db()
    assert (waiting.session, waiting.status) == (full, BookingStatus.WAITING)
    assert outbox() == []


@pytest.mark.parametrize("problem", ["other course", "same session", "cancelled booking", "already booked"])
def test_a_move_that_breaks_a_rule_is_refused(problem):
    course = CourseFactory()
    old = SessionFactory(course=course)
    new = SessionFactory(course=course)
    booking = BookingFactory(session=old, email="jo@x.example.org")
    target = new
    if problem == "other course":
        target = SessionFactory()
    elif problem == "same session":
        target = old
    elif problem == "cancelled booking":
        booking.status = BookingStatus.CANCELLED
        booking.save()
    else:
        BookingFactory(session=new, email="JO@x.example.org")

    with pytest.raises(Refused):
        services.booking_move(booking=booking, to_session=target)
    booking.refresh_from_db()
    assert booking.session == old
