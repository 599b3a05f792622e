import datetime

import pytest
from django.utils import timezone

from training.models import BookingStatus, Delivery, Level, SessionStatus
from training.selectors import PROGRAMME_PAGE_SIZE

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
    assert 'numeric">7</td>' in rows[0]
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


def _rows(html: str) -> list[str]:
    """The body rows of the places table, whitespace collapsed (the first row is the header)."""
    return [" ".join(row.split()) for row in html.split('<tr class="govuk-table__row">')[2:]]


def _programme(count: int, *, course=None) -> list:
    """``count`` sessions one day apart, soonest first, each of its own course titled by its place."""
    return [
        SessionFactory(course=course or CourseFactory(title=f"Course number {n:03}"), starts_at=_in_days(5 + n))
        for n in range(1, count + 1)
    ]


def test_the_programme_has_a_fixed_query_budget_and_renders_one_page(client, django_assert_max_num_queries):
    # More than two pages, with bookings and topics, so a per-row query would show in the count.
    for n in range(PROGRAMME_PAGE_SIZE * 2 + 10):
        course = CourseFactory()
        course.topics.add(f"Topic {n % 5}")
        session = SessionFactory(course=course, starts_at=_in_days(5 + n), capacity=25)
        _fill(session, 2, waiting=1)
    SessionFactory(status=SessionStatus.CANCELLED, starts_at=_in_days(3))

    for page in ("1", "3"):
        with django_assert_max_num_queries(6):
            response = client.get("/training/", {"has_places": "on", "page": page})
        html = response.content.decode()
        assert response.status_code == 200
        assert len(_rows(html)) == (PROGRAMME_PAGE_SIZE if page == "1" else 10)
    first = client.get("/training/", {"has_places": "on"}).content.decode()
    assert "Showing 1 to 25 of 60 sessions that match your filters." in first


def test_the_programme_is_paged_soonest_first(client):
    sessions = _programme(PROGRAMME_PAGE_SIZE * 2 + 3)

    first = client.get("/training/").content.decode()
    second = client.get("/training/", {"page": "2"}).content.decode()
    last = client.get("/training/", {"page": "3"}).content.decode()

    assert "Showing 1 to 25 of 53 sessions." in first
    assert "Showing 26 to 50 of 53 sessions." in second
    assert "Showing 51 to 53 of 53 sessions." in last
    first_rows, second_rows, last_rows = _rows(first), _rows(second), _rows(last)
    assert [len(first_rows), len(second_rows), len(last_rows)] == [25, 25, 3]
    assert "Course number 001" in first_rows[0]
    assert "Course number 025" in first_rows[-1]
    assert "Course number 026" in second_rows[0]
    assert "Course number 050" in second_rows[-1]
    assert sessions[-1].get_absolute_url() in last_rows[-1]
    assert "Course number 026" not in first


def test_the_programme_has_gov_uk_pagination_below_the_table(client):
    _programme(PROGRAMME_PAGE_SIZE * 2 + 3)

    html = client.get("/training/", {"page": "2"}).content.decode()

    nav = html[html.index('<nav class="govuk-pagination" aria-label="Programme pages">') :]
    assert html.index("</table>") < html.index('class="govuk-pagination"')
    assert 'href="/training/?page=1" rel="prev"' not in nav  # page 1 has the bare address
    assert 'href="/training/" rel="prev"' in nav
    assert 'href="/training/?page=3" rel="next"' in nav
    assert 'aria-label="Page 2" aria-current="page">2<' in nav
    assert nav.count('aria-current="page"') == 1
    assert 'Previous<span class="govuk-visually-hidden"> page</span>' in nav


def test_one_page_of_sessions_has_no_pagination(client):
    _programme(3)

    html = client.get("/training/").content.decode()

    assert "3 sessions." in html
    assert "govuk-pagination" not in html
    assert "Showing" not in html


def test_page_links_keep_every_filter(client):
    course = CourseFactory(title="Neglect: Recognising and Responding", level=Level.FOUNDATION)
    course.topics.add("Neglect")
    _programme(PROGRAMME_PAGE_SIZE + 5, course=course)
    SessionFactory(course=CourseFactory(title="Advanced practice", level=Level.ADVANCED), starts_at=_in_days(6))
    filters = {"topic": "neglect", "level": "foundation", "delivery": "in_person", "has_places": "on"}

    first = client.get("/training/", filters).content.decode()
    second = client.get("/training/", {**filters, "page": "2"}).content.decode()

    assert "Showing 1 to 25 of 30 sessions that match your filters." in first
    assert (
        'href="/training/?topic=neglect&amp;level=foundation&amp;delivery=in_person&amp;has_places=on&amp;page=2"'
        in first
    )
    assert (
        'href="/training/?topic=neglect&amp;level=foundation&amp;delivery=in_person&amp;has_places=on" rel="prev"'
        in second
    )
    assert len(_rows(second)) == 5
    assert "Advanced practice" not in first + second


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("abc", "Showing 1 to 25 of 53 sessions."),  # not a number: the first page
        ("99999", "Showing 51 to 53 of 53 sessions."),  # beyond the end: the last page
        ("-1", "Showing 51 to 53 of 53 sessions."),  # below 1: the last page, as Paginator.get_page does
        ("0", "Showing 51 to 53 of 53 sessions."),
        ("", "Showing 1 to 25 of 53 sessions."),
        ("2.5", "Showing 1 to 25 of 53 sessions."),
    ],
)
def test_a_bad_page_number_gives_a_page_not_an_error(client, page, shown):
    _programme(PROGRAMME_PAGE_SIZE * 2 + 3)

    response = client.get("/training/", {"page": page})

    assert response.status_code == 200
    assert shown in response.content.decode()


def test_a_page_number_with_no_sessions_at_all_gives_the_empty_programme(client):
    response = client.get("/training/", {"page": "7"})

    assert response.status_code == 200
    assert "There are no upcoming sessions" in response.content.decode()


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


def test_the_course_page_cleans_aims_written_around_the_model(client):
    course = CourseFactory()
    type(course).objects.filter(pk=course.pk).update(
        aims='<p>Recognise neglect</p><script>alert("aims")</script>',
        learning_outcomes='<p onclick="steal()">Make a referral</p>',
    )

    html = client.get(course.get_absolute_url()).content.decode()

    assert '<div class="lscb-prose"><p>Recognise neglect</p></div>' in html
    assert '<div class="lscb-prose"><p>Make a referral</p></div>' in html
    assert 'alert("aims")' not in html
    assert "steal()" not in html


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
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    assert "SUMMARY:Modern Slavery\\, Awareness" in body
    assert f"UID:training-session-{session.pk}@" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
