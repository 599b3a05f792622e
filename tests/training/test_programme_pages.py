import datetime

import pytest
from django.utils import timezone

from training.models import BookingStatus, Delivery, Level, SessionStatus

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _in_days(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _fill(session, confirmed: int, waiting: int = 0):
    for _ in range(confirmed):
        BookingFactory(session=session)
    for _ in range(waiting):
        BookingFactory(session=session, status=BookingStatus.WAITING)


def test_the_places_table_says_total_taken_and_left_or_full(client):
    course = CourseFactory(title="Domestic Abuse Workshop for First Line Managers")
    roomy = SessionFactory(course=course, starts_at=_in_days(20), capacity=15)
    _fill(roomy, 8)
    full = SessionFactory(
        course=CourseFactory(title="The Impact of Serious Case Reviews"), starts_at=_in_days(25), capacity=2
    )
    _fill(full, 2, waiting=1)

    response = client.get("/training/")

    html = response.content.decode()
    assert response.status_code == 200
    for heading in ["Total places", "Places taken", "Places left"]:
        assert f">{heading}</th>" in html
    assert "Domestic Abuse Workshop for First Line Managers" in html
    rows = [" ".join(row.split()) for row in html.split('<tr class="govuk-table__row">')[2:]]
    assert 'numeric">15</td>' in rows[0]
    assert 'numeric">8</td>' in rows[0]
    assert 'numeric"> 7 </td>' in rows[0]
    assert "Full" in rows[1]
    assert "waiting list open" in rows[1]


def test_past_sessions_and_unpublished_courses_are_not_in_the_programme(client):
    SessionFactory(course=CourseFactory(title="Yesterday's course"), starts_at=_in_days(-1))
    SessionFactory(course=CourseFactory(title="Draft course", is_published=False), starts_at=_in_days(5))
    SessionFactory(course=CourseFactory(title="Neglect: Recognising and Responding"), starts_at=_in_days(5))

    html = client.get("/training/").content.decode()

    assert "Neglect: Recognising and Responding" in html
    assert "Yesterday" not in html
    assert "Draft course" not in html


def test_filters_by_topic_level_delivery_month_and_places(client):
    online = CourseFactory(title="Online Safety and Sexting", delivery=Delivery.ONLINE, level=Level.INTERMEDIATE)
    online.topics.add("Online safety")
    in_person = CourseFactory(title="Child Sexual Exploitation", level=Level.FOUNDATION)
    in_person.topics.add("Exploitation")
    SessionFactory(course=online, starts_at=_in_days(10))
    full = SessionFactory(course=in_person, starts_at=_in_days(40), capacity=1)
    _fill(full, 1)

    by_topic = client.get("/training/", {"topic": "online-safety"}).content.decode()
    assert "Online Safety and Sexting" in by_topic
    assert "Child Sexual Exploitation" not in by_topic
    by_level = client.get("/training/", {"level": "foundation"}).content.decode()
    assert "Child Sexual Exploitation" in by_level
    assert "Online Safety and Sexting" not in by_level
    by_delivery = client.get("/training/", {"delivery": "online"}).content.decode()
    assert "Online Safety and Sexting" in by_delivery
    assert "Child Sexual Exploitation" not in by_delivery
    with_places = client.get("/training/", {"has_places": "on"}).content.decode()
    assert "Online Safety and Sexting" in with_places
    assert "Child Sexual Exploitation" not in with_places
    month = timezone.localtime(full.starts_at).strftime("%Y-%m")
    by_month = client.get("/training/", {"month": month}).content.decode()
    assert "Child Sexual Exploitation" in by_month


def test_a_nonsense_filter_gives_a_clear_message_not_an_error(client):
    SessionFactory(course=CourseFactory(title="Prevent and Radicalisation"), starts_at=_in_days(10))

    response = client.get("/training/", {"month": "2099-13", "level": "<script>"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Choose one of the options in the list" in html
    assert "Prevent and Radicalisation" in html
    assert "<script>" not in html.split("govuk-error-summary")[1][:2000]


def test_the_programme_has_a_fixed_query_budget(client, django_assert_max_num_queries):
    for n in range(25):
        course = CourseFactory()
        course.topics.add(f"Topic {n % 5}")
        session = SessionFactory(course=course, starts_at=_in_days(5 + n), capacity=25)
        _fill(session, 20, waiting=0)
    SessionFactory(status=SessionStatus.CANCELLED, starts_at=_in_days(3))

    with django_assert_max_num_queries(6):
        response = client.get("/training/", {"has_places": "on"})

    assert response.status_code == 200
    assert response.content.decode().count('<tr class="govuk-table__row">') == 26


def test_the_course_page_lists_its_upcoming_dates_with_a_fixed_query_budget(client, django_assert_max_num_queries):
    course = CourseFactory(title="Working with Neglect", eligibility="I undertake family assessments.")
    course.topics.add("Neglect", "Early help")
    for n in range(22):
        session = SessionFactory(course=course, starts_at=_in_days(3 + n), capacity=22)
        _fill(session, 21)
    SessionFactory(course=course, starts_at=_in_days(-3))

    with django_assert_max_num_queries(6):
        response = client.get(course.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr class="govuk-table__row">') == 23
    assert "I undertake family assessments." in html
    assert "Early help" in html


def test_an_unknown_course_is_not_found(client):
    assert client.get("/training/courses/no-such-course/").status_code == 404


def test_the_session_page_has_a_fixed_query_budget(client, django_assert_max_num_queries):
    session = SessionFactory(capacity=40)
    session.course.topics.add("Neglect")
    _fill(session, 30, waiting=0)

    with django_assert_max_num_queries(6):
        response = client.get(session.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "40 places in total, 30 taken" in html
    assert "10 left" in html
    assert "Book a place" in html


def test_a_full_session_offers_the_waiting_list(client):
    session = SessionFactory(capacity=1)
    _fill(session, 1)

    html = client.get(session.get_absolute_url()).content.decode()

    assert "Join the waiting list" in html
    assert "This session is full" in html


def test_a_closed_or_cancelled_session_shows_no_form(client):
    start = _in_days(1)
    closed = SessionFactory(starts_at=start, booking_closes_at=start - datetime.timedelta(days=2))
    cancelled = SessionFactory(status=SessionStatus.CANCELLED, cancelled_reason="The trainer is unwell.")

    closed_html = client.get(closed.get_absolute_url()).content.decode()
    cancelled_html = client.get(cancelled.get_absolute_url()).content.decode()

    assert "Booking closed" in closed_html
    assert 'name="attendee_name"' not in closed_html
    assert "The trainer is unwell." in cancelled_html
    assert 'name="attendee_name"' not in cancelled_html


def test_each_session_has_a_calendar_file(client):
    session = SessionFactory(course=CourseFactory(title="Modern Slavery, Awareness"))

    response = client.get(f"/training/sessions/{session.pk}/calendar.ics")

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar"
    assert "attachment;" in response["Content-Disposition"]
    assert "SUMMARY:Modern Slavery\\, Awareness" in body
    assert f"UID:training-session-{session.pk}@" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
