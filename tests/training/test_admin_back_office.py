import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from lscb_portal.core.models import Organisation, OutboxMessage, Subscriber, Subscription
from lscb_portal.core.roles import BOARD_MANAGERS, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training import services
from training.models import Booking, BookingNeeds, BookingStatus, Charge, ChargeReason, Length

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


@pytest.fixture
def past_session():
    return SessionFactory(
        course=CourseFactory(title="Neglect: Recognising and Responding", length=Length.HALF_DAY),
        starts_at=timezone.now() - datetime.timedelta(days=2),
    )


URL = "/admin/training/session/"


def _action(client, url, action, objects, **extra):
    return client.post(url, {"action": action, "_selected_action": [obj.pk for obj in objects], **extra})


def test_the_register_marks_everyone_in_one_go(client, administrator, past_session):
    came = BookingFactory(session=past_session, attendee_name="Amira Begum")
    absent = BookingFactory(session=past_session, attendee_name="Tom Price")
    url = f"/admin/training/session/{past_session.pk}/register/"

    page = client.get(url).content.decode()
    assert "Amira Begum" in page
    assert "Tom Price" in page

    response = client.post(
        url, {f"attendance-{came.pk}": "attended", f"attendance-{absent.pk}": "did_not_attend"}, follow=True
    )

    came.refresh_from_db()
    absent.refresh_from_db()
    assert came.status == BookingStatus.ATTENDED
    assert absent.status == BookingStatus.DID_NOT_ATTEND
    assert Charge.objects.get().booking == absent
    assert "Attendance saved: 2 delegate(s) updated." in response.content.decode()


def test_mark_everyone_attended_then_the_exceptions(client, administrator, past_session):
    names = ["Amira Begum", "Ben Brennan", "Chloe Dunn", "Tom Price"]
    amira, ben, chloe, tom = (BookingFactory(session=past_session, attendee_name=name) for name in names)
    BookingFactory(session=past_session, attendee_name="Still Waiting", status=BookingStatus.WAITING)
    url = f"/admin/training/session/{past_session.pk}/register/"
    client.post(url, {f"attendance-{tom.pk}": "did_not_attend"})  # Tom's absence was recorded earlier

    # The page as it stands: Tom not attending, everyone else unmarked; one button marks the rest attended.
    form = {f"attendance-{each.pk}": "" for each in (amira, ben, chloe)} | {f"attendance-{tom.pk}": "did_not_attend"}
    response = client.post(url, form | {"mark_all": "attended"}, follow=True)

    statuses = dict(Booking.objects.filter(session=past_session).values_list("attendee_name", "status"))
    assert statuses == {
        "Amira Begum": BookingStatus.ATTENDED,
        "Ben Brennan": BookingStatus.ATTENDED,
        "Chloe Dunn": BookingStatus.ATTENDED,
        "Tom Price": BookingStatus.DID_NOT_ATTEND,
        "Still Waiting": BookingStatus.WAITING,
    }
    page = response.content.decode()
    assert "Marked 3 delegate(s) attended and kept 1 as did not attend." in page
    assert f'id="attended-{ben.pk}" checked' in page
    assert f'id="absent-{tom.pk}" checked' in page

    # Then the exception: Ben did not come after all; saving raises his charge and leaves the others.
    response = client.post(
        url,
        {f"attendance-{each.pk}": "attended" for each in (amira, chloe)}
        | {f"attendance-{ben.pk}": "did_not_attend", f"attendance-{tom.pk}": "did_not_attend"},
        follow=True,
    )

    ben.refresh_from_db()
    amira.refresh_from_db()
    assert ben.status == BookingStatus.DID_NOT_ATTEND
    assert amira.status == BookingStatus.ATTENDED
    assert sorted(Charge.objects.values_list("booking__attendee_name", flat=True)) == ["Ben Brennan", "Tom Price"]
    assert "Attendance saved: 1 delegate(s) updated." in response.content.decode()


def test_mark_everyone_attended_keeps_a_did_not_attend_mark_the_form_did_not_send(client, administrator, past_session):
    came, absent = BookingFactory(session=past_session), BookingFactory(session=past_session)
    url = f"/admin/training/session/{past_session.pk}/register/"
    client.post(url, {f"attendance-{absent.pk}": "did_not_attend"})

    client.post(url, {"mark_all": "attended"})

    came.refresh_from_db()
    absent.refresh_from_db()
    assert came.status == BookingStatus.ATTENDED
    assert absent.status == BookingStatus.DID_NOT_ATTEND


def test_mark_everyone_attended_waits_for_the_session_to_start(client, administrator):
    session = SessionFactory()
    booking = BookingFactory(session=session)
    url = f"/admin/training/session/{session.pk}/register/"

    page = client.get(url).content.decode()
    response = client.post(url, {"mark_all": "attended"}, follow=True)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert 'value="attended" class="button" aria-describedby="mark-all-hint" disabled>' in page
    assert "once the session has started" in response.content.decode()


def test_the_register_refuses_before_the_session_with_a_message(client, administrator):
    session = SessionFactory()
    booking = BookingFactory(session=session)

    response = client.post(
        f"/admin/training/session/{session.pk}/register/", {f"attendance-{booking.pk}": "attended"}, follow=True
    )

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert "once the session has started" in response.content.decode()


def test_other_groups_cannot_open_the_register(client, past_session):
    client.force_login(StaffUserFactory(role=BOARD_MANAGERS))

    assert client.get(f"/admin/training/session/{past_session.pk}/register/").status_code == 403
    assert client.get("/admin/training/session/report/").status_code == 403


def test_the_booking_actions_mark_attendance(client, administrator, past_session):
    booking = BookingFactory(session=past_session)

    _action(client, "/admin/training/booking/", "mark_did_not_attend", [booking])

    booking.refresh_from_db()
    assert booking.status == BookingStatus.DID_NOT_ATTEND
    assert Charge.objects.get().reason == ChargeReason.DID_NOT_ATTEND


def test_the_register_exports_as_csv_and_xlsx(client, administrator, past_session):
    BookingFactory(session=past_session, attendee_name="Amira Begum", organisation=OrganisationFactory(name="=Evil"))
    BookingFactory(session=past_session, attendee_name="Left Early", status=BookingStatus.CANCELLED)

    response = _action(client, "/admin/training/session/", "export_register_csv", [past_session])
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv"
    assert rows[0][:4] == ["Session", "Date", "Reference", "Name"]
    assert [row[3] for row in rows[1:]] == ["Amira Begum"]
    assert rows[1][5] == "'=Evil"  # no formula injection

    response = _action(client, "/admin/training/session/", "export_register_xlsx", [past_session])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["D1"].value == "Name"
    assert sheet["D2"].value == "Amira Begum"
    assert sheet.max_row == 2


def test_the_register_exports_carry_access_and_dietary_needs_until_they_are_deleted(
    client, administrator, past_session
):
    booking = BookingFactory(session=past_session, attendee_name="Amira Begum")
    BookingNeeds.objects.create(booking=booking, access_needs="Step-free access", dietary_needs="=Halal")
    BookingFactory(session=past_session, attendee_name="Ben Brennan")

    rows = list(csv.reader(io.StringIO(_action(client, URL, "export_register_csv", [past_session]).content.decode())))
    sheet = load_workbook(io.BytesIO(_action(client, URL, "export_register_xlsx", [past_session]).content)).active

    assert rows[0][-2:] == ["Access needs", "Dietary needs"]
    assert [row[3:4] + row[-2:] for row in rows[1:]] == [
        ["Amira Begum", "Step-free access", "'=Halal"],  # no formula injection
        ["Ben Brennan", "", ""],
    ]
    assert [sheet["K1"].value, sheet["L1"].value] == ["Access needs", "Dietary needs"]
    assert [sheet["K2"].value, sheet["L2"].value] == ["Step-free access", "'=Halal"]

    # A week after the session the retention job deletes the needs; the exports then have none.
    services.needs_delete_expired(now=past_session.ends_at + datetime.timedelta(days=8))
    rows = list(csv.reader(io.StringIO(_action(client, URL, "export_register_csv", [past_session]).content.decode())))
    assert [row[-2:] for row in rows[1:]] == [["", ""], ["", ""]]


def test_the_register_exports_leave_needs_out_for_staff_who_may_not_read_them(client, past_session):
    user = StaffUserFactory(username="reader")  # may see sessions, not needs
    user.user_permissions.add(Permission.objects.get(content_type__app_label="training", codename="view_session"))
    client.force_login(user)
    booking = BookingFactory(session=past_session, attendee_name="Amira Begum")
    BookingNeeds.objects.create(booking=booking, access_needs="Step-free access")

    response = _action(client, URL, "export_register_csv", [past_session])

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-1] == "Status"
    assert "Step-free access" not in response.content.decode()


def test_the_sign_in_sheet_lists_everyone_holding_a_place(client, administrator, past_session):
    BookingFactory(session=past_session, attendee_name="Amira Begum")
    BookingFactory(session=past_session, attendee_name="On The List", status=BookingStatus.WAITING)

    html = _action(client, "/admin/training/session/", "print_sign_in_sheet", [past_session]).content.decode()

    assert "Neglect: Recognising and Responding" in html
    assert "Amira Begum" in html
    assert "On The List" not in html
    assert "Signature" in html


def test_email_the_attendees_asks_for_the_message_then_sends_it(client, administrator, jobs):
    session = SessionFactory()
    BookingFactory(session=session, email="amira@school.example.org")
    BookingFactory(session=session, status=BookingStatus.WAITING)

    form = _action(client, "/admin/training/session/", "email_attendees", [session]).content.decode()
    assert "Send the email" in form
    assert not OutboxMessage.objects.exists()

    _action(
        client,
        "/admin/training/session/",
        "email_attendees",
        [session],
        send="1",
        subject="Room change",
        message="We have moved to the ground floor training room.",
    )

    message = OutboxMessage.objects.get()
    assert message.to == "amira@school.example.org"
    assert message.subject == "Room change"
    assert "ground floor training room" in message.body_text
    jobs.run()
    assert mail.outbox[0].subject == "Room change"


def test_offer_the_next_waiting_place_now_after_booking_closed(client, administrator):
    session = SessionFactory(capacity=2, starts_at=timezone.now() + datetime.timedelta(hours=20))
    session.booking_closes_at = timezone.now() - datetime.timedelta(hours=1)
    session.save()
    BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=BookingStatus.WAITING)

    _action(client, "/admin/training/session/", "offer_next_waiting_place", [session])

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED
    assert waiting.offer_expires_at <= session.starts_at
    assert OutboxMessage.objects.filter(to=waiting.email, category="training.offered").exists()


def test_offer_now_refuses_when_no_place_is_free(client, administrator):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    waiting = BookingFactory(session=session, status=BookingStatus.WAITING)

    response = client.post(
        "/admin/training/session/",
        {"action": "offer_next_waiting_place", "_selected_action": [session.pk]},
        follow=True,
    )

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.WAITING
    assert "no place is free" in response.content.decode()


def test_the_places_alert_goes_to_immediate_subscribers_once(client, administrator):
    session = SessionFactory(capacity=10, course=CourseFactory(title="Domestic Abuse Workshop"))
    BookingFactory(session=session)
    immediate = Subscriber.objects.create(email="lead@school.example.org", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=immediate, list_key="training.alerts", frequency="immediate")
    weekly = Subscriber.objects.create(email="weekly@school.example.org", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=weekly, list_key="training.alerts", frequency="weekly")

    _action(client, "/admin/training/session/", "send_places_alert", [session])
    _action(client, "/admin/training/session/", "send_places_alert", [session])

    message = OutboxMessage.objects.get()
    assert message.to == "lead@school.example.org"
    assert "Domestic Abuse Workshop" in message.body_text
    assert "9 places left" in message.body_text
    assert "List-Unsubscribe" in message.headers


def test_the_places_alert_also_goes_once_to_each_agency_training_contact(client, administrator):
    session = SessionFactory(capacity=10, course=CourseFactory(title="Domestic Abuse Workshop"))
    OrganisationFactory(name="Riverside Primary School", training_contact_email="Training@Riverside.example.org")
    OrganisationFactory(name="Riverside Nursery", training_contact_email="training@riverside.example.org")
    kept = OrganisationFactory(name="Northbrook Health Visiting", training_contact_email="old@health.example.org")
    OrganisationFactory(name="Northbrook Health Visitors", training_contact_email="gone@health.example.org")
    Organisation.objects.filter(name="Northbrook Health Visitors").update(merged_into=kept)
    OrganisationFactory(name="Valley Academy", training_contact_email="lead@valley.example.org")
    subscriber = Subscriber.objects.create(email="lead@valley.example.org", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=subscriber, list_key="training.alerts", frequency="immediate")

    response = _action(client, "/admin/training/session/", "send_places_alert", [session])
    _action(client, "/admin/training/session/", "send_places_alert", [session])

    sent = {message.to: message for message in OutboxMessage.objects.all()}
    assert sorted(sent) == ["lead@valley.example.org", "old@health.example.org", "training@riverside.example.org"]
    riverside = sent["training@riverside.example.org"].body_text
    assert "Domestic Abuse Workshop" in riverside
    assert "10 places left" in riverside
    assert "training contact for Riverside Nursery, Riverside Primary School" in riverside
    assert "List-Unsubscribe" in sent["lead@valley.example.org"].headers
    said = [str(message) for message in response.wsgi_request._messages]
    assert said == ["Places alert sent to 1 subscriber and 2 agency training contacts."]


def test_charges_export_for_invoicing_once_and_can_be_waived(client, administrator, past_session):
    partner = BookingFactory(session=past_session, organisation=OrganisationFactory(name="Riverside Academy"))
    other = BookingFactory(
        session=past_session, organisation=OrganisationFactory(name="Private Nursery Ltd", is_partner=False)
    )
    client.post(
        f"/admin/training/session/{past_session.pk}/register/",
        {f"attendance-{partner.pk}": "did_not_attend", f"attendance-{other.pk}": "did_not_attend"},
    )
    waived = Charge.objects.get(booking=partner)

    form = _action(client, "/admin/training/charge/", "waive_charges", [waived]).content.decode()
    assert "Waive the charges" in form
    _action(client, "/admin/training/charge/", "waive_charges", [waived], waive="1", reason="Illness, evidenced")
    waived.refresh_from_db()
    assert waived.waived_reason == "Illness, evidenced"
    assert waived.waived_by == administrator

    response = _action(client, "/admin/training/charge/", "export_for_invoicing", Charge.objects.all())
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "Private Nursery Ltd"
    assert rows[1][7:9] == ["Non-partner", "75.00"]
    assert len(rows) == 2  # the waived charge is not invoiced
    assert Charge.objects.filter(invoiced_at__isnull=False).get().booking == other


def test_merging_an_unverified_organisation_moves_its_bookings(client, administrator):
    proper = OrganisationFactory(name="Riverside Primary School")
    typed = Organisation.objects.create(name="Riverside Primry", verified=False)
    booking = BookingFactory(organisation=typed)

    page = client.get("/admin/training/booking/merge-organisations/").content.decode()
    assert "Riverside Primry" in page
    client.post("/admin/training/booking/merge-organisations/", {"source": typed.pk, "into": proper.pk})

    booking.refresh_from_db()
    typed.refresh_from_db()
    assert booking.organisation == proper
    assert typed.merged_into == proper


def test_a_verified_organisation_cannot_be_chosen_for_merging(client, administrator):
    proper = OrganisationFactory(name="Riverside Primary School")
    other = OrganisationFactory(name="Hillside Primary School")

    response = client.post("/admin/training/booking/merge-organisations/", {"source": other.pk, "into": proper.pk})

    other.refresh_from_db()
    assert other.merged_into is None
    assert "Select a valid choice" in response.content.decode()


def test_the_charge_and_evaluation_lists_have_a_fixed_query_count(
    client, administrator, past_session, django_assert_max_num_queries
):
    for _ in range(25):
        booking = BookingFactory(session=past_session, status=BookingStatus.DID_NOT_ATTEND)
        Charge.objects.create(
            booking=booking,
            organisation=booking.organisation,
            reason="did_not_attend",
            partner_rate=True,
            amount=Decimal("50"),
        )
    assert Booking.objects.count() == 25
    with django_assert_max_num_queries(14):
        assert client.get("/admin/training/charge/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/admin/training/evaluation/").status_code == 200
