"""The session's bookings page in the back office: the team adds delegates (one, or a pasted list), takes a
phone booking onto the waiting list, moves bookings; sees live and cancelled bookings apart and whether
each delegate's email went out; filters the bookings list by session."""

import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.models import Organisation, OutboxMessage, OutboxStatus
from lscb_portal.core.roles import BOARD_MANAGERS, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training.models import Booking, BookingStatus, EndReason

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


def bookings_url(session) -> str:
    return f"/admin/training/session/{session.pk}/bookings/"


def paste(client, session, text, **extra):
    data = {"form": "list", "list-lines": text, "list-notify": "on", **extra}
    return client.post(bookings_url(session), data, follow=True)


def test_the_bookings_page_is_linked_from_the_session_page_and_the_list(client, administrator):
    session = SessionFactory()

    assert bookings_url(session) in client.get(f"/admin/training/session/{session.pk}/change/").content.decode()
    assert bookings_url(session) in client.get("/admin/training/session/").content.decode()
    response = client.get(bookings_url(session))
    assert response.status_code == 200
    assert "Add several delegates" in response.content.decode()


def test_other_groups_cannot_open_it(client):
    client.force_login(StaffUserFactory(role=BOARD_MANAGERS))
    session = SessionFactory()

    assert client.get(bookings_url(session)).status_code == 403
    assert paste(client, session, "A One, a@x.example.org, Org A").status_code == 403
    assert not Booking.objects.exists()


def test_a_pasted_list_from_a_spreadsheet_or_typed_is_booked_with_emails(client, administrator):
    session = SessionFactory(capacity=3)
    OrganisationFactory(name="Riverside Primary School")
    text = (
        "Name\tEmail\tOrganisation\tJob title\r\n"
        "Amira\tBegum\tamira@riverside.example.org\tRiverside Primary School\tClass teacher\t\t\r\n"
        "\n"
        "Tom Price, TOM@riverside.example.org, Leicester City Council, Children's Services\n"
        "Lena Novak,lena@x.example.org,riverside primary\n"
        "Zed Moss, zed@x.example.org, Northbrook Health Visiting\n"
    )

    response = paste(client, session, text)

    html = response.content.decode()
    assert "Booked 3 delegates; the session was full for 1, who joined the waiting list: Zed Moss." in html
    assert "Each was emailed." in html
    rows = list(
        session.bookings.order_by("sequence").values_list(
            "attendee_name", "email", "organisation__name", "role", "status"
        )
    )
    assert rows == [
        ("Amira Begum", "amira@riverside.example.org", "Riverside Primary School", "Class teacher", "confirmed"),
        ("Tom Price", "tom@riverside.example.org", "Leicester City Council, Children's Services", "", "confirmed"),
        ("Lena Novak", "lena@x.example.org", "Riverside Primary School", "", "confirmed"),
        ("Zed Moss", "zed@x.example.org", "Northbrook Health Visiting", "", "waiting"),
    ]
    assert OutboxMessage.objects.count() == 4
    assert not Organisation.objects.get(name="Northbrook Health Visiting").is_partner


def test_a_list_with_bad_lines_books_nobody_and_names_each_line(client, administrator):
    session = SessionFactory(capacity=10)
    text = (
        "Amira Begum, amira@riverside.example.org, Riverside Primary School\n"
        "Tom Price, tom@riverside, Riverside Primary School\n"
        "Lena Novak, lena@x.example.org\n"
        "Just a name\n"
        "Amira Again, AMIRA@riverside.example.org, Riverside Primary School\n"
    )

    response = paste(client, session, text)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nobody has been booked." in html
    assert "Line 2: “tom@riverside” is not an email address." in html
    assert "Line 3: The organisation is missing." in html
    assert "Line 4: No email address found." in html
    assert "Line 5: amira@riverside.example.org is also on line 1." in html
    assert "Line 1:" not in html
    # What was pasted is kept, to be corrected.
    assert "Amira Again, AMIRA@riverside.example.org" in html
    assert not Booking.objects.exists()


def test_a_line_the_rules_refuse_books_nobody(client, administrator):
    session = SessionFactory(capacity=10, places_per_organisation=1)
    OrganisationFactory(name="Riverside Primary School")

    response = paste(
        client,
        session,
        "A One, a@x.example.org, Riverside Primary School\nB Two, b@x.example.org, Riverside Primary\n",
    )

    assert "Line 2: Riverside Primary School already has 1 place on this session" in response.content.decode()
    assert not Booking.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_phone_booking_on_a_full_session_joins_the_waiting_list_without_an_email(client, administrator):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    BookingFactory(session=session, status=BookingStatus.WAITING)
    OrganisationFactory(name="Riverside Primary School")

    page = client.get(bookings_url(session)).content.decode()
    assert "Add a delegate to the waiting list" in page
    assert "joins the waiting list as 2nd" in page
    response = client.post(
        bookings_url(session),
        {
            "form": "one",
            "one-name": "Priya Shah",
            "one-email": "priya@riverside.example.org",
            "one-organisation": "Riverside Primary School",
            "one-phone": "01632 960 555",
            "one-access_needs": "Step-free access",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "the session was full for 1, who joined the waiting list: Priya Shah. Nobody was emailed." in html
    booking = Booking.objects.get(email="priya@riverside.example.org")
    assert booking.status == BookingStatus.WAITING
    assert booking.needs.access_needs == "Step-free access"
    assert "On the waiting list (2nd)" in html
    assert not OutboxMessage.objects.exists()


def test_a_single_delegate_refused_is_told_beside_the_field(client, administrator):
    session = SessionFactory()
    OrganisationFactory(name="Riverside Primary School")

    response = client.post(
        bookings_url(session),
        {
            "form": "one",
            "one-name": "Priya Shah",
            "one-email": "priya@x.example.org",
            "one-organisation": "Riversde Primary",
        },
    )

    assert response.status_code == 200
    assert response.context["one"].errors["organisation"] == [
        "“Riversde Primary” is not on the list of organisations. Did you mean “Riverside Primary School”? Correct "
        "the organisation, or choose to add organisations not on the list."
    ]
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"form": "list", "list-lines": "x" * 70_000},
        {"form": "list", "list-lines": "\n".join(f"P {n}, p{n}@x.example.org, Org" for n in range(400))},
        {"form": "list", "list-lines": "Nul\x00 Name, a@x.example.org, Org"},
        {"form": "list", "list-lines": "A, " + "a" * 300 + "@x.example.org, " + "O" * 500},
        {"form": "list", "list-lines": ""},
        {"form": "one", "one-name": "A" * 500, "one-email": "not an email", "one-organisation": ""},
        {"form": "nonsense"},
        {},
    ],
)
def test_hostile_input_gets_a_message_not_a_500(client, administrator, data):
    session = SessionFactory()

    response = client.post(bookings_url(session), data)

    assert response.status_code == 200
    assert not Booking.objects.exists()


def test_a_missing_session_or_a_booking_of_another_session_is_not_found(client, administrator):
    session = SessionFactory()
    other = BookingFactory()

    assert client.get("/admin/training/session/99999999/bookings/").status_code == 404
    assert client.get(f"{bookings_url(session)}{other.pk}/move/").status_code == 404
    assert client.post(f"{bookings_url(session)}{other.pk}/move/", {"to_session": session.pk}).status_code == 404


def test_the_page_shows_live_and_cancelled_bookings_apart_at_a_fixed_query_count(
    client, administrator, django_assert_max_num_queries
):
    session = SessionFactory(capacity=30)
    for _ in range(30):
        booking = BookingFactory(session=session)
        OutboxMessage.objects.create(
            to=booking.email,
            subject="Booking confirmed",
            body_text="…",
            category="training.confirmed",
            dedupe_key=f"training.confirmed:{booking.reference}",
            status=OutboxStatus.SENT,
        )
    for _ in range(10):
        BookingFactory(session=session, status=BookingStatus.WAITING)
    for _ in range(5):
        BookingFactory(
            session=session,
            status=BookingStatus.CANCELLED,
            cancel_reason=EndReason.ATTENDEE,
            cancelled_at=timezone.now(),
        )

    with django_assert_max_num_queries(14):
        response = client.get(bookings_url(session))

    assert response.status_code == 200
    assert len(response.context["live"]) == 40
    assert len(response.context["cancelled"]) == 5
    assert [b.email_status_text for b in response.context["live"]].count("Sent") == 30
    assert "Cancelled (5)" in response.content.decode()

    change = client.get(f"/admin/training/session/{session.pk}/change/").content.decode()
    # The session's own page lists the live bookings and sends the reader to the one list of cancelled ones.
    cancelled_part, live_part = change.split("Cancelled bookings</", 1)[1].split("(add or move delegates", 1)
    assert f'5 cancelled: <a href="{bookings_url(session)}#cancelled-heading">' in cancelled_part
    assert "Cancelled by the delegate" not in change
    assert live_part.count("On the waiting list") == 10


def test_moving_a_booking_from_its_page(client, administrator):
    course = CourseFactory()
    old = SessionFactory(course=course, capacity=1)
    new = SessionFactory(course=course, starts_at=old.starts_at + datetime.timedelta(days=7))
    SessionFactory(
        course=course,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        booking_closes_at=timezone.now() - datetime.timedelta(days=2),
    )
    booking = BookingFactory(session=old)
    waiting = BookingFactory(session=old, status=BookingStatus.WAITING)
    url = f"{bookings_url(old)}{booking.pk}/move/"

    page = client.get(url)
    assert list(page.context["form"].fields["to_session"].queryset) == [new]

    response = client.post(url, {"to_session": new.pk, "notify": "on"}, follow=True)

    assert f"moved to {new}, with a confirmed place; emailed." in response.content.decode()
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.session == new
    assert waiting.status == BookingStatus.OFFERED
    assert OutboxMessage.objects.filter(to=booking.email, category="training.moved").exists()


@pytest.mark.parametrize("choice", ["", "abc", "99999999", "-1"])
def test_a_hostile_move_choice_is_asked_again(client, administrator, choice):
    course = CourseFactory()
    booking = BookingFactory(session=SessionFactory(course=course))
    SessionFactory(course=course)

    response = client.post(f"{bookings_url(booking.session)}{booking.pk}/move/", {"to_session": choice})

    assert response.status_code == 200
    assert response.context["form"].errors["to_session"]


def test_a_move_to_a_full_date_is_refused_on_the_page(client, administrator):
    course = CourseFactory()
    booking = BookingFactory(session=SessionFactory(course=course))
    full = SessionFactory(course=course, capacity=1)
    BookingFactory(session=full)

    response = client.post(f"{bookings_url(booking.session)}{booking.pk}/move/", {"to_session": full.pk})

    assert "is full" in response.content.decode()
    booking.refresh_from_db()
    assert booking.session != full


def test_the_bookings_list_shows_email_status_and_filters_by_session(
    client, administrator, django_assert_max_num_queries
):
    session = SessionFactory()
    other = SessionFactory()
    sent, failed, waiting, silent = (BookingFactory(session=session) for _ in range(4))
    for booking, status in [(sent, OutboxStatus.SENT), (failed, OutboxStatus.FAILED), (waiting, OutboxStatus.PENDING)]:
        OutboxMessage.objects.create(
            to=booking.email,
            subject="Booking confirmed",
            body_text="…",
            category="training.confirmed",
            dedupe_key=f"training.confirmed:{booking.reference}",
            status=status,
        )
    for _ in range(20):
        BookingFactory(session=other)

    with django_assert_max_num_queries(16):
        response = client.get("/admin/training/booking/", {"session": session.pk})

    listed = {b.pk: b for b in response.context["cl"].result_list}
    assert set(listed) == {sent.pk, failed.pk, waiting.pk, silent.pk}
    html = response.content.decode()
    for text in ["Sent", "Failed", "Waiting to send", "Not emailed"]:
        assert f'<td class="field-email_status">{text}</td>' in html
    change = client.get(f"/admin/training/booking/{failed.pk}/change/").content.decode()
    assert "Failed: Booking confirmed" in change


def test_the_session_filter_lists_a_bounded_choice(client, administrator):
    course = CourseFactory()
    for days in range(40):
        SessionFactory(course=course, starts_at=timezone.now() + datetime.timedelta(days=days + 1))
    long_ago = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(days=400),
        booking_closes_at=timezone.now() - datetime.timedelta(days=402),
    )

    response = client.get("/admin/training/booking/", {"session": long_ago.pk})
    [session_filter] = [
        f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "session"
    ]
    choices = list(session_filter.lookup_choices)
    assert len(choices) == 26  # the chosen one, then the next 25
    assert choices[0][0] == str(long_ago.pk)

    for hostile in ["abc", "99999999999999999999", "-1", "1 OR 1=1"]:
        assert client.get("/admin/training/booking/", {"session": hostile}).status_code == 200
