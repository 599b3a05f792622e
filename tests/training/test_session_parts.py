"""Courses over several dates: one session, several dated parts, one booking for all of them.

The session's own start and end are the span of its parts; the pages, the calendar file, the
emails, the register, the sign-in sheet and the certificate list every part; attendance is marked
part by part and the booking's status sums the marks up.
"""

import datetime
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone
from icalendar import Calendar

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training import calendars, exports, links, selectors, services
from training.models import (
    Booking,
    BookingStatus,
    Charge,
    ChargeBasis,
    Evaluation,
    Length,
    PartAttendance,
    Session,
    SessionPart,
)
from training.services import PartDates

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory
from .test_admin import _parts_form, _session_form

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)


def _at(days: float, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time ``days`` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _two_day(first_day: float = 30, **session) -> Session:
    """A two-day course a week apart, 9:30am to 4pm each day."""
    session = SessionFactory(starts_at=_at(first_day, 9, 30), ends_at=_at(first_day, 16), **session)
    return services.session_parts_set(
        session=session,
        parts=[
            PartDates(starts_at=_at(first_day, 9, 30), ends_at=_at(first_day, 16)),
            PartDates(starts_at=_at(first_day + 7, 9, 30), ends_at=_at(first_day + 7, 16)),
        ],
    )


# ------------------------------------------------------------------ the model and the service


def test_setting_the_parts_makes_the_session_span_them():
    session = _two_day()

    session.refresh_from_db()
    parts = list(session.parts.all())
    assert [(p.starts_at, p.ends_at) for p in parts] == [(_at(30, 9, 30), _at(30, 16)), (_at(37, 9, 30), _at(37, 16))]
    assert (session.starts_at, session.ends_at) == (_at(30, 9, 30), _at(37, 16))
    assert session.history.first().history_change_reason == "Dates changed"


def test_parts_given_out_of_order_are_kept_in_date_order_and_an_unchanged_part_keeps_its_identity():
    session = _two_day()
    first, second = session.parts.all()

    services.session_parts_set(
        session=session,
        parts=[
            PartDates(starts_at=_at(44, 18), ends_at=_at(44, 20)),
            PartDates(starts_at=_at(30, 9, 30), ends_at=_at(30, 16)),
            PartDates(starts_at=_at(37, 18), ends_at=_at(37, 20)),
        ],
    )

    parts = list(SessionPart.objects.filter(session=session))
    assert [(p.starts_at, p.ends_at) for p in parts] == [
        (_at(30, 9, 30), _at(30, 16)),
        (_at(37, 18), _at(37, 20)),
        (_at(44, 18), _at(44, 20)),
    ]
    assert parts[0].pk == first.pk  # its dates stayed
    assert parts[1].pk == second.pk  # moved to the new date
    session.refresh_from_db()
    assert session.ends_at == _at(44, 20)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([], "Enter the date and times"),
        ([(_at(30, 16), _at(30, 9))], "must end after it starts"),
        ([(_at(30, 9), _at(30, 16)), (_at(30, 15), _at(30, 17))], "starts before the date before it ends"),
    ],
)
def test_parts_that_make_no_sense_are_refused_and_nothing_changes(parts, message):
    session = _two_day()

    with pytest.raises(Refused, match=message):
        services.session_parts_set(session=session, parts=[PartDates(starts_at=s, ends_at=e) for s, e in parts])

    assert session.parts.count() == 2
    session.refresh_from_db()
    assert session.ends_at == _at(37, 16)


def test_dates_that_would_start_the_course_before_booking_closes_are_refused():
    # Booking closes two days before the first date; moving the first date three days earlier would start the
    # course while booking is still open (the same rule as the session's own form).
    session = _two_day(booking_closes_at=_at(28, 17))

    with pytest.raises(Refused, match="Booking must close before the session starts"):
        services.session_parts_set(
            session=session,
            parts=[
                PartDates(starts_at=_at(27, 9, 30), ends_at=_at(27, 16)),
                PartDates(starts_at=_at(37, 9, 30), ends_at=_at(37, 16)),
            ],
        )

    session.refresh_from_db()
    assert session.starts_at == _at(30, 9, 30)


def test_a_date_with_attendance_marked_can_be_neither_moved_nor_removed():
    session = _two_day(first_day=-8)
    booking = BookingFactory(session=session)
    first = session.parts.first()
    services.attendance_mark(session=session, part=first, attended=[booking.pk], did_not_attend=[])

    with pytest.raises(Refused, match="cannot be moved or removed"):
        services.session_parts_set(session=session, parts=[PartDates(starts_at=_at(-1, 9, 30), ends_at=_at(-1, 16))])

    assert session.parts.count() == 2
    assert PartAttendance.objects.get().part == first


def test_every_session_so_far_gets_one_part_and_its_attendance_mark_from_the_data_migration():
    migration = importlib.import_module("training.migrations.0008_session_parts")
    came = BookingFactory(session=SessionFactory(starts_at=timezone.now() - 2 * DAY), status=BookingStatus.ATTENDED)
    absent = BookingFactory(session=came.session, status=BookingStatus.DID_NOT_ATTEND)
    confirmed = BookingFactory(session=SessionFactory())
    SessionPart.objects.all().delete()  # as before the migration

    migration.one_part_per_session(apps, None)

    for session in (came.session, confirmed.session):
        assert [(p.starts_at, p.ends_at) for p in session.parts.all()] == [(session.starts_at, session.ends_at)]
    marks = dict(PartAttendance.objects.values_list("booking_id", "attended"))
    assert marks == {came.pk: True, absent.pk: False}


# ------------------------------------------------------------------ one booking for every date


def test_one_booking_covers_every_date_and_the_confirmation_lists_them(make_attendee):
    session = _two_day()

    booking = services.booking_create(session=session, attendee=make_attendee(), eligibility_confirmed=False)

    assert Booking.objects.filter(session=session).count() == 1
    assert booking.status == BookingStatus.CONFIRMED
    email = OutboxMessage.objects.get(to=booking.email)
    day_one, day_two = (timezone.localtime(_at(d, 9, 30)) for d in (30, 37))
    assert "2 dates, all in one booking" in email.body_text
    assert f"{day_one:%A} {day_one.day} {day_one:%B %Y}, 9:30am to 4pm" in email.body_text
    assert f"{day_two:%A} {day_two.day} {day_two:%B %Y}, 9:30am to 4pm" in email.body_text


def test_booking_closes_before_the_first_date():
    session = _two_day(first_day=3)
    session.refresh_from_db()

    assert session.booking_closes_at < _at(3, 9, 30)
    with time_machine.travel(session.booking_closes_at + datetime.timedelta(minutes=1), tick=False):
        assert services.booking_state(session, timezone.now()) == services.BookingState.CLOSED


# ------------------------------------------------------------------ pages and calendar


def test_the_programme_and_the_session_page_show_every_date(client):
    session = _two_day(course=CourseFactory(title="Signs of Safety: Practice Skills"))
    day_two = timezone.localtime(_at(37, 9, 30))

    programme = client.get("/training/").content.decode()
    page = client.get(session.get_absolute_url()).content.decode()

    assert f"and {day_two:%a} {day_two.day} {day_two:%B %Y}" in programme
    assert "2 dates, one booking" in programme
    assert "9:30am to 4pm" in programme
    assert "2 dates, all in one booking" in page
    assert page.count("9:30am to 4pm") == 2
    assert f"2 dates from {timezone.localtime(_at(30, 9)):%A}" in page


def test_the_programme_costs_the_same_queries_with_several_dates(client, django_assert_max_num_queries):
    for n in range(3):
        SessionFactory(starts_at=_at(10 + n, 9), ends_at=_at(10 + n, 12))
    with django_assert_max_num_queries(6) as few:
        client.get("/training/", {"page": "1"})
    for n in range(10):
        _two_day(first_day=20 + n)
    with django_assert_max_num_queries(len(few)):
        html = client.get("/training/", {"page": "1"}).content.decode()
    assert html.count("2 dates, one booking") == 20  # in the table and on the phone's cards


def test_the_calendar_file_has_one_event_for_each_date(client):
    session = _two_day(course=CourseFactory(title="Signs of Safety"))

    events = list(
        Calendar.from_ical(client.get(f"/training/sessions/{session.pk}/calendar.ics").content).walk("VEVENT")
    )

    assert [str(event["uid"]).split("@")[0] for event in events] == [
        f"training-session-{session.pk}-1",
        f"training-session-{session.pk}-2",
    ]
    assert str(events[1]["summary"]) == "Signs of Safety (2 of 2)"
    assert events[1].decoded("dtstart") == _at(37, 9, 30)


def test_a_one_date_session_keeps_its_one_event_and_identifier():
    session = SessionFactory()

    (event,) = Calendar.from_ical(calendars.session_calendar(session)).walk("VEVENT")

    assert str(event["uid"]).startswith(f"training-session-{session.pk}@")


def test_my_training_lists_every_date_of_a_booking(client):
    booking = BookingFactory(session=_two_day())

    html = client.get(f"/training/my/{links.my_training_token(booking.email)}/").content.decode()

    assert "2 dates, all in one booking" in html


# ------------------------------------------------------------------ attendance per date


@pytest.fixture
def held_course():
    """A two-day course whose dates have both been held, charged by length (a full day each)."""
    course = CourseFactory(length=Length.FULL_DAY, charge_basis=ChargeBasis.LENGTH)
    return _two_day(first_day=-10, course=course)


def test_marking_one_date_leaves_the_booking_confirmed_until_every_date_is_marked(held_course):
    booking = BookingFactory(session=held_course)
    first, second = held_course.parts.all()

    services.attendance_mark(session=held_course, part=first, attended=[booking.pk], did_not_attend=[])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    services.attendance_mark(session=held_course, part=second, attended=[booking.pk], did_not_attend=[])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert dict(PartAttendance.objects.values_list("part_id", "attended")) == {first.pk: True, second.pk: True}


def test_missing_one_date_means_attended_some_dates_no_charge_and_no_certificate(held_course, client):
    booking = BookingFactory(session=held_course, organisation=OrganisationFactory(is_partner=False))
    first, second = held_course.parts.all()

    services.attendance_mark(session=held_course, part=first, attended=[booking.pk], did_not_attend=[])
    services.attendance_mark(session=held_course, part=second, attended=[], did_not_attend=[booking.pk])

    booking.refresh_from_db()
    assert booking.status == BookingStatus.PARTLY_ATTENDED
    assert booking.holds_place
    assert not Charge.objects.exists()
    with pytest.raises(Refused):
        services.evaluation_submit(
            booking=booking,
            answers=services.EvaluationAnswers(
                knowledge_before=1, knowledge_after=4, confidence_before=2, confidence_after=4, practice_change="More"
            ),
        )
    assert not Evaluation.objects.exists()
    assert not services.certificate_available(booking)
    response = client.get(f"/training/certificates/{links.certificate_token(booking)}/")
    assert response.status_code == 403


def test_missing_every_date_charges_the_rate_for_each_date(held_course):
    booking = BookingFactory(session=held_course, organisation=OrganisationFactory(is_partner=False))
    first, second = held_course.parts.all()

    services.attendance_mark(session=held_course, part=first, attended=[], did_not_attend=[booking.pk])
    assert not Charge.objects.exists()  # one date still to come
    services.attendance_mark(session=held_course, part=second, attended=[], did_not_attend=[booking.pk])

    booking.refresh_from_db()
    assert booking.status == BookingStatus.DID_NOT_ATTEND
    assert Charge.objects.get(booking=booking).amount == Decimal("300.00")  # two full days at the non-partner rate


def test_correcting_a_date_to_attended_removes_the_charge(held_course):
    booking = BookingFactory(session=held_course)
    services.attendance_mark(session=held_course, attended=[], did_not_attend=[booking.pk])
    assert Charge.objects.filter(booking=booking).exists()

    services.attendance_mark(
        session=held_course, part=held_course.parts.last(), attended=[booking.pk], did_not_attend=[]
    )

    booking.refresh_from_db()
    assert booking.status == BookingStatus.PARTLY_ATTENDED
    assert not Charge.objects.exists()


def test_a_date_not_yet_held_cannot_be_marked_nor_the_whole_course():
    session = _two_day(first_day=-1)  # the first date was yesterday, the second is in six days
    booking = BookingFactory(session=session)
    first, second = session.parts.all()

    with pytest.raises(Refused, match="once the session has started"):
        services.attendance_mark(session=session, part=second, attended=[booking.pk], did_not_attend=[])
    with pytest.raises(Refused, match="once its last date has started"):
        services.attendance_mark(session=session, attended=[booking.pk], did_not_attend=[])
    other = SessionFactory(starts_at=timezone.now() - DAY)
    with pytest.raises(Refused, match="not one of this session's dates"):
        services.attendance_mark(session=session, part=other.parts.get(), attended=[booking.pk], did_not_attend=[])

    assert not PartAttendance.objects.exists()
    services.attendance_mark(session=session, part=first, attended=[booking.pk], did_not_attend=[])
    assert PartAttendance.objects.get().part == first


@pytest.mark.parametrize(
    ("marks", "status"),
    [
        ([True, True], BookingStatus.ATTENDED),
        ([True, False], BookingStatus.PARTLY_ATTENDED),
        ([False, False], BookingStatus.DID_NOT_ATTEND),
        ([True, None], BookingStatus.CONFIRMED),
        ([], BookingStatus.CONFIRMED),
    ],
)
def test_the_status_sums_up_the_marks(marks, status):
    assert services.status_from_marks(marks) == status


# ------------------------------------------------------------------ the back office


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


def test_the_register_is_marked_one_date_at_a_time(client, administrator, held_course):
    came = BookingFactory(session=held_course, attendee_name="Amira Ahmed")
    absent = BookingFactory(session=held_course, attendee_name="Ben Brennan")
    url = f"/admin/training/session/{held_course.pk}/register/"

    page = client.get(url).content.decode()
    assert "Date 1:" in page
    assert "Date 2:" in page
    assert 'aria-current="page">Date 2' in page  # the latest date held
    response = client.post(
        url, {"date": "1", f"attendance-{came.pk}": "attended", f"attendance-{absent.pk}": "did_not_attend"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?date=1")
    first = held_course.parts.first()
    assert dict(PartAttendance.objects.filter(part=first).values_list("booking_id", "attended")) == {
        came.pk: True,
        absent.pk: False,
    }
    page = client.get(response["Location"]).content.decode()
    assert f'id="attended-{came.pk}" checked' in page
    assert "Date 1: attended<br>Date 2: not marked" in page


def test_mark_everyone_attended_marks_only_the_date_shown(client, administrator, held_course):
    amira = BookingFactory(session=held_course, attendee_name="Amira Ahmed")
    ben = BookingFactory(session=held_course, attendee_name="Ben Brennan")
    url = f"/admin/training/session/{held_course.pk}/register/"
    assert "Mark everyone attended on date 2" in client.get(url).content.decode()

    response = client.post(url, {"date": "1", f"attendance-{ben.pk}": "did_not_attend", "mark_all": "attended"})

    assert response["Location"].endswith("?date=1")
    first, second = held_course.parts.all()
    assert dict(PartAttendance.objects.filter(part=first).values_list("booking_id", "attended")) == {
        amira.pk: True,
        ben.pk: False,
    }
    assert not PartAttendance.objects.filter(part=second).exists()
    amira.refresh_from_db()
    assert amira.status == BookingStatus.CONFIRMED  # until date 2 is marked too


def test_the_register_selector_gives_each_delegate_a_mark_for_each_date(held_course, django_assert_num_queries):
    booking = BookingFactory(session=held_course, attendee_name="Zara Young")
    BookingFactory(session=held_course, attendee_name="Amira Ahmed")
    BookingFactory(session=held_course, status=BookingStatus.WAITING)
    services.attendance_mark(
        session=held_course, part=held_course.parts.first(), attended=[booking.pk], did_not_attend=[]
    )

    with django_assert_num_queries(3):
        register = selectors.session_register(session=held_course)

    assert [row.booking.attendee_name for row in register.rows] == ["Amira Ahmed", "Zara Young"]
    assert [row.marks for row in register.rows] == [(None, None), (True, None)]
    assert len(register.parts) == 2


def test_a_new_session_gets_its_first_date_and_more_dates_are_added_below_it(client, administrator):
    course = CourseFactory()
    data = _session_form(SessionFactory.build(course=course, starts_at=_at(40, 9, 30), ends_at=_at(40, 16)))
    data = {key: value for key, value in data.items() if not key.startswith("parts-")}
    data["booking_closes_at_0"] = timezone.localtime(_at(35, 17)).strftime("%d/%m/%Y")
    data["booking_closes_at_1"] = "17:00:00"
    data["save_anyway"] = "on"  # the date may fall on a weekend, depending on the day the test runs
    response = client.post("/admin/training/session/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get(course=course)
    assert [(p.starts_at, p.ends_at) for p in session.parts.all()] == [(_at(40, 9, 30), _at(40, 16))]

    dates = [(_at(40, 9, 30), _at(40, 16)), (_at(47, 9, 30), _at(47, 16))]
    response = client.post(
        f"/admin/training/session/{session.pk}/change/", {**_session_form(session), **_parts_form(session, dates)}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert [(p.starts_at, p.ends_at) for p in session.parts.all()] == dates
    assert session.ends_at == _at(47, 16)


def test_overlapping_dates_are_refused_beside_the_dates_in_the_admin(client, administrator):
    session = _two_day()
    dates = [(_at(30, 9, 30), _at(30, 16)), (_at(30, 15), _at(30, 17))]
    response = client.post(
        f"/admin/training/session/{session.pk}/change/", {**_session_form(session), **_parts_form(session, dates)}
    )

    assert response.status_code == 200
    assert "starts before the date before it ends" in response.content.decode()
    assert [p.ends_at for p in session.parts.all()] == [_at(30, 16), _at(37, 16)]


def test_the_sign_in_sheet_has_a_sheet_for_each_date_and_the_export_lists_the_dates(client, administrator):
    session = _two_day()
    BookingFactory(session=session, attendee_name="Amira Ahmed")

    response = client.post(
        "/admin/training/session/", {"action": "print_sign_in_sheet", "_selected_action": [session.pk]}
    )
    csv = exports.register_csv(Session.objects.filter(pk=session.pk))

    html = response.content.decode()
    assert html.count('class="lscb-sign-in-sheet"') == 2
    assert html.count("Amira Ahmed") == 2
    day_one, day_two = (timezone.localtime(_at(d, 9, 30)) for d in (30, 37))
    assert f"{day_one:%d/%m/%Y} 09:30; {day_two:%d/%m/%Y} 09:30" in csv
