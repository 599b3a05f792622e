"""Copying sessions: one session to new dates, and a term's sessions forward by a number of weeks with a preview.

A copy keeps the course, venue, trainers, places and cap per organisation, the times and the gaps between a
course's dates, and the booking window moved by the same days; never the bookings. Only training
administrators copy, and no address of the copy pages answers a 500 whatever it is sent."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.roles import BOARD_MANAGERS, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training import services
from training.models import Booking, Session, SessionStatus, Trainer, Venue, default_booking_closes
from training.workingdays import bank_holiday, is_working_day

from .factories import BookingFactory, CourseFactory, SessionFactory, TrainerFactory, VenueFactory

pytestmark = pytest.mark.django_db

FORWARD = "/admin/training/session/copy-forward/"


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


def _working_day(days_ahead: int, weekday: int = 2) -> datetime.date:
    """A working day (``weekday``, Monday 0) ``days_ahead`` or a little more from today."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    while not is_working_day(day):
        day += datetime.timedelta(days=7)
    return day


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _session(day: datetime.date, **values) -> Session:
    starts = _at(day, 9, 30)
    return SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **values)


def _with_venue_and_trainers(session: Session) -> Session:
    venue = Venue.objects.filter(name="Northminster House, 1st Floor").first()
    venue = venue or VenueFactory(name="Northminster House, 1st Floor")
    services.venue_copy_to(session, venue)
    session.save()
    trainers = [
        Trainer.objects.filter(name=name).first() or TrainerFactory(name=name)
        for name in ("Tomasz Nowak", "Helen Marsh")
    ]
    session.trainer_records.set(trainers)
    session.trainers = services.trainer_names(trainers)
    session.save()
    return session


def _bank_holiday_ahead() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=60)
    while not (bank_holiday(day) and day.weekday() < 5):
        day += datetime.timedelta(days=1)
    return day


# The service: one session to new dates.


def test_a_copy_keeps_everything_but_the_dates_and_the_bookings():
    source = _with_venue_and_trainers(_session(_working_day(30), capacity=18, places_per_organisation=3))
    source.booking_opens_at = source.starts_at - datetime.timedelta(days=20)
    source.booking_closes_at = source.starts_at - datetime.timedelta(days=3, hours=2)
    source.save()
    BookingFactory(session=source)
    new_day = _working_day(120)

    copy = services.session_copy(session=source, first_date=new_day)

    days = (new_day - timezone.localdate(source.starts_at)).days
    assert copy.pk != source.pk
    assert copy.status == SessionStatus.SCHEDULED
    assert timezone.localtime(copy.starts_at) == timezone.localtime(_at(new_day, 9, 30))
    assert copy.ends_at - copy.starts_at == datetime.timedelta(hours=3)
    assert (copy.course, copy.venue, copy.capacity, copy.places_per_organisation) == (
        source.course,
        source.venue,
        18,
        3,
    )
    assert copy.venue_lines == source.venue_lines
    assert copy.access_notes == source.access_notes
    assert copy.trainers == "Helen Marsh, Tomasz Nowak"
    assert set(copy.trainer_records.all()) == set(source.trainer_records.all())
    assert timezone.localtime(copy.booking_opens_at) == services.copying.shifted(source.booking_opens_at, days)
    assert timezone.localtime(copy.booking_closes_at) == services.copying.shifted(source.booking_closes_at, days)
    assert not Booking.objects.filter(session=copy).exists()
    assert [(part.starts_at, part.ends_at) for part in copy.parts.all()] == [(copy.starts_at, copy.ends_at)]
    assert copy.history.first().history_change_reason.startswith("Copied from the session of")


def test_a_course_over_several_dates_keeps_its_times_and_gaps_across_a_clock_change():
    # Four weekly evenings, copied to start in the week the clocks change: each evening stays at 18:00.
    source = _session(_working_day(30, weekday=1))
    first = timezone.localdate(source.starts_at)
    services.session_parts_set(
        session=source,
        parts=[
            services.PartDates(starts_at=_at(day, 18), ends_at=_at(day, 20, 30))
            for day in (first + datetime.timedelta(weeks=n) for n in range(4))
        ],
    )
    new_first = datetime.date(timezone.localdate().year + 1, 3, 23)  # a Tuesday or so, the week before BST starts
    while new_first.weekday() != 1:
        new_first += datetime.timedelta(days=1)

    copy = services.session_copy(session=Session.objects.get(pk=source.pk), first_date=new_first)

    local = [timezone.localtime(part.starts_at) for part in copy.parts.all()]
    assert [moment.date() for moment in local] == [new_first + datetime.timedelta(weeks=n) for n in range(4)]
    assert {(moment.hour, moment.minute) for moment in local} == {(18, 0)}
    assert {timezone.localtime(part.ends_at).time() for part in copy.parts.all()} == {datetime.time(20, 30)}


def test_a_closing_time_left_at_the_default_is_worked_out_again_for_the_new_date():
    source = _session(_working_day(30))
    assert source.booking_closes_at == default_booking_closes(source.starts_at)
    holiday = _bank_holiday_ahead()
    # The day two working days after the bank holiday: shifting the old closing date could land on the holiday.
    new_day = holiday + datetime.timedelta(days=1)
    while not is_working_day(new_day):
        new_day += datetime.timedelta(days=1)

    copy = services.session_copy(session=source, first_date=new_day)

    assert copy.booking_closes_at == default_booking_closes(copy.starts_at)
    assert timezone.localdate(copy.booking_closes_at) != holiday


def test_a_weekend_bank_holiday_or_past_date_is_copied_only_once_confirmed():
    source = _session(_working_day(30))
    saturday = _working_day(60, weekday=0) + datetime.timedelta(days=5)
    holiday = _bank_holiday_ahead()
    past = _working_day(-60)

    for day, words in [(saturday, "Saturday"), (holiday, "is a bank holiday"), (past, "in the past")]:
        with pytest.raises(Refused) as refused:
            services.session_copy(session=source, first_date=day)
        assert words in str(refused.value)
        assert refused.value.field == "confirm"
    assert Session.objects.count() == 1

    copy = services.session_copy(session=source, first_date=saturday, confirmed=True)
    assert timezone.localdate(copy.starts_at) == saturday


def test_the_same_session_is_not_copied_twice_to_the_same_date():
    source = _session(_working_day(30))
    new_day = _working_day(90)
    services.session_copy(session=source, first_date=new_day)

    with pytest.raises(Refused, match="There is already a session of"):
        services.session_copy(session=source, first_date=new_day)
    assert Session.objects.count() == 2


def test_a_cancelled_session_can_be_put_on_again_on_new_dates():
    source = _session(_working_day(30), status=SessionStatus.CANCELLED, cancelled_reason="Trainer ill")

    copy = services.session_copy(session=source, first_date=_working_day(90))

    assert (copy.status, copy.cancelled_reason) == (SessionStatus.SCHEDULED, "")


def test_a_link_made_for_one_meeting_is_not_copied_but_a_standing_room_link_is():
    course = CourseFactory(delivery="online")
    one_off = _session(_working_day(30), course=course, joining_url="https://teams.example.org/meeting-1")
    room = VenueFactory(name="Microsoft Teams", is_online=True, address="", postcode="")
    room.joining_url = "https://teams.example.org/room"
    room.save()
    standing = _session(_working_day(30, weekday=3), course=course)
    services.venue_copy_to(standing, room)
    standing.save()

    assert services.session_copy(session=one_off, first_date=_working_day(90)).joining_url == ""
    assert (
        services.session_copy(session=standing, first_date=_working_day(90, weekday=3)).joining_url == room.joining_url
    )


# The service: a term forward.


def test_a_term_is_copied_forward_in_one_go_leaving_out_cancelled_sessions_and_copies_already_made():
    sessions = [_session(_working_day(14 + 7 * n)) for n in range(3)]
    cancelled = _session(_working_day(40), status=SessionStatus.CANCELLED)

    term, made = services.sessions_copy_forward(sessions=[*sessions, cancelled], weeks=13)

    assert len(made) == 3
    assert term.cancelled == (cancelled,)
    for source, copy in zip(sessions, made, strict=True):
        assert copy.course == source.course
        assert timezone.localtime(copy.starts_at) == services.copying.shifted(source.starts_at, 91)
        assert copy.status == SessionStatus.SCHEDULED
    # Sent again (a double click): nothing is made twice.
    again, made_again = services.sessions_copy_forward(sessions=[*sessions, cancelled], weeks=13)
    assert made_again == []
    assert len(again.already_made) == 3
    assert Session.objects.count() == 7


@pytest.mark.parametrize("weeks", [0, -1, 105, 10_000])
def test_weeks_out_of_range_are_refused(weeks):
    session = _session(_working_day(30))

    with pytest.raises(Refused, match="from 1 to 104"):
        services.sessions_copy_forward(sessions=[session], weeks=weeks)
    assert Session.objects.count() == 1


def test_the_preview_warns_of_bank_holidays_and_weekends():
    holiday = _bank_holiday_ahead()
    source = _session(holiday - datetime.timedelta(weeks=2))

    term = services.sessions_copy_preview(sessions=[source], weeks=2)

    assert any("is a bank holiday" in warning for warning in term.copies[0].warnings)


# The admin pages.


def test_the_copy_page_is_linked_from_the_session_and_lands_on_the_new_session(client, administrator):
    source = _with_venue_and_trainers(_session(_working_day(30)))
    new_day = _working_day(100)
    url = f"/admin/training/session/{source.pk}/copy/"

    assert url in client.get(f"/admin/training/session/{source.pk}/change/").content.decode()
    page = client.get(url)
    response = client.post(url, {"first_date": new_day.isoformat()}, follow=True)

    assert "Northminster House, 1st Floor" in page.content.decode()
    copy = Session.objects.exclude(pk=source.pk).get()
    assert response.redirect_chain[-1][0] == f"/admin/training/session/{copy.pk}/change/"
    assert "Copied to a new session" in response.content.decode()
    assert timezone.localdate(copy.starts_at) == new_day


def test_the_copy_page_asks_before_copying_to_a_weekend(client, administrator):
    source = _session(_working_day(30))
    saturday = _working_day(60, weekday=0) + datetime.timedelta(days=5)
    url = f"/admin/training/session/{source.pk}/copy/"

    asked = client.post(url, {"first_date": saturday.isoformat()})
    assert Session.objects.count() == 1
    made = client.post(url, {"first_date": saturday.isoformat(), "confirm": "on"})

    assert asked.status_code == 200
    assert "The session starts on a Saturday" in asked.content.decode()
    assert "Copy anyway" in asked.content.decode()
    assert made.status_code == 302
    assert Session.objects.count() == 2


@pytest.mark.parametrize("typed", ["", "next tuesday", "31/02/2027", "0001-01-01", "9999-12-31", "2027-13-01"])
def test_the_copy_page_refuses_dates_it_cannot_use(client, administrator, typed):
    source = _session(_working_day(30))

    response = client.post(f"/admin/training/session/{source.pk}/copy/", {"first_date": typed, "confirm": "on"})

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert Session.objects.count() == 1


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_the_copy_page_of_a_session_that_does_not_exist_is_not_found(client, administrator, pk):
    assert client.get(f"/admin/training/session/{pk}/copy/").status_code == 404
    assert client.post(f"/admin/training/session/{pk}/copy/", {"first_date": "2030-01-02"}).status_code == 404


def test_the_list_action_leads_to_the_preview_then_copies_every_session(client, administrator):
    sessions = [_session(_working_day(14 + 7 * n)) for n in range(3)]
    cancelled = _session(_working_day(40), status=SessionStatus.CANCELLED)
    chosen = [*sessions, cancelled]

    action = client.post(
        "/admin/training/session/",
        {"action": "copy_forward", "_selected_action": [session.pk for session in chosen]},
    )
    assert action.status_code == 302
    assert action.url.startswith(FORWARD + "?ids=")
    asked = client.get(action.url)
    preview = client.get(action.url + "&weeks=13")

    assert 'name="weeks"' in asked.content.decode()
    text = preview.content.decode()
    assert "3 new sessions, 13 weeks later" in text
    assert "Left out: 1 cancelled session" in text
    assert text.count('<th scope="row">') == 3  # one row for each new session
    assert "Copy 3 sessions" in text
    assert Session.objects.count() == 4  # the preview makes nothing

    copied = client.post(FORWARD, {"ids": ",".join(str(session.pk) for session in chosen), "weeks": "13"}, follow=True)

    assert "Copied 3 sessions forward 13 weeks" in copied.content.decode()
    assert "Left out 1 cancelled session." in copied.content.decode()
    assert Session.objects.count() == 7


def test_the_preview_makes_a_fixed_number_of_queries(client, administrator):
    def preview_of(count: int, start: int) -> int:
        sessions = [_with_venue_and_trainers(_session(_working_day(start + n))) for n in range(count)]
        ids = ",".join(str(session.pk) for session in sessions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(FORWARD, {"ids": ids, "weeks": "13"})
        assert f"{count} new sessions" in response.content.decode()
        return len(queries)

    few = preview_of(2, 14)
    many = preview_of(12, 200)

    # The login session, user and permissions, the sessions with their dates and trainers, the copies already
    # in the programme, and the page's shell: the same for 2 sessions as for 12.
    assert many == few
    assert many <= 11


@pytest.mark.parametrize(
    "ids",
    ["", "abc", "1,,2", ",", "1;2", "-1", "99999999", "9999999999", "1" * 40, ",".join(str(n) for n in range(1, 400))],
)
def test_a_bad_list_of_sessions_says_so_and_never_fails(client, administrator, ids):
    _session(_working_day(30))

    response = client.get(FORWARD, {"ids": ids, "weeks": "13"}, follow=True)
    posted = client.post(FORWARD, {"ids": ids, "weeks": "13"}, follow=True)

    for answer in (response, posted):
        assert answer.status_code == 200
        assert answer.redirect_chain[-1][0] == "/admin/training/session/"
        assert "Those sessions could not be found." in answer.content.decode()
    assert Session.objects.count() == 1


@pytest.mark.parametrize("weeks", ["0", "-3", "105", "x", "1.5", "1e5", "99999999999999999999999"])
def test_weeks_out_of_range_on_the_page_say_so_and_make_nothing(client, administrator, weeks):
    session = _session(_working_day(30))

    shown = client.get(FORWARD, {"ids": str(session.pk), "weeks": weeks})
    posted = client.post(FORWARD, {"ids": str(session.pk), "weeks": weeks})

    for answer in (shown, posted):
        assert answer.status_code == 200
        text = answer.content.decode()
        assert "errornote" in text
        assert 'id="preview-heading"' not in text
    assert Session.objects.count() == 1


def test_only_training_administrators_copy(client):
    client.force_login(StaffUserFactory(role=BOARD_MANAGERS))
    session = _session(_working_day(30))

    assert client.get(f"/admin/training/session/{session.pk}/copy/").status_code == 403
    assert (
        client.post(
            f"/admin/training/session/{session.pk}/copy/", {"first_date": _working_day(90).isoformat()}
        ).status_code
        == 403
    )
    assert client.get(FORWARD, {"ids": str(session.pk), "weeks": "13"}).status_code == 403
    assert client.post(FORWARD, {"ids": str(session.pk), "weeks": "13"}).status_code == 403
    assert Session.objects.count() == 1
