"""Erasing one person by email address leaves no trace of them in any table, history and outbox included."""

import datetime
import io
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from lscb_portal.core import subscriptions
from lscb_portal.core.models import OutboxMessage, Subscriber
from lscb_portal.core.privacy import erase_personal_data, find_traces
from newsletters import services as newsletter_services
from newsletters.models import Article, Contribution
from tests.core.factories import StaffUserFactory
from tests.newsletters.factories import IssueFactory, SeriesFactory
from tests.training.factories import CourseFactory, OrganisationFactory, SessionFactory
from training import services as training_services
from training.models import Booking, BookingNeeds

pytestmark = pytest.mark.django_db

EMAIL = "Wilhelmina.Quartermaine@Riverside.example.org"
NAME = "Wilhelmina Quartermaine"
OTHER_EMAIL = "bartholomew.finch@riverside.example.org"
OTHER_NAME = "Bartholomew Finch"


def every_column_holding(*needles: str) -> dict[str, int]:
    """Scan every text, character and JSON column of every table in the database, not only Django's models."""
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') "
            "AND is_generated = 'NEVER' AND table_name IN (SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')"
        )
        columns = cursor.fetchall()
        for table, column in columns:
            for needle in needles:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608 (names from the catalogue)
                    [f"%{needle}%"],
                )
                count = cursor.fetchone()[0]
                if count:
                    found[f"{table}.{column}"] = found.get(f"{table}.{column}", 0) + count
    return found


@pytest.fixture
def person(jobs):
    """Wilhelmina: alerts, two bookings (one with needs, one whose address she later changed), a colleague's
    booking she must approve as manager, a contribution made into an article, and the back office's log."""
    series = SeriesFactory(title="Frontline News", slug="frontline-news")
    subscriptions.subscribe(
        email=EMAIL,
        list_keys=[series.list_key, "training.alerts"],
        frequency="weekly",
        major_only=False,
        consent_text="I agree.",
    )
    school = OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory(course=CourseFactory(title="Neglect in the early years"))
    booking = training_services.booking_create(
        session=session,
        attendee=training_services.Attendee(
            name=NAME,
            email=EMAIL,
            organisation=school,
            role="Deputy head",
            phone="07700 900123",
            manager_name="Hester Longbottom",
            manager_email="hester.longbottom@riverside.example.org",
            access_needs="Step-free access for Wilhelmina",
            dietary_needs="Vegetarian",
        ),
        eligibility_confirmed=True,
    )
    approval_course = CourseFactory(title="Child protection for leads", requires_manager_approval=True)
    colleague = training_services.booking_create(
        session=SessionFactory(course=approval_course),
        attendee=training_services.Attendee(
            name=OTHER_NAME,
            email=OTHER_EMAIL,
            organisation=school,
            role="Teacher",
            manager_name=NAME,
            manager_email=EMAIL,
        ),
        eligibility_confirmed=True,
    )
    moved = training_services.booking_create(
        session=SessionFactory(course=CourseFactory(title="Prevent awareness")),
        attendee=training_services.Attendee(name=NAME, email=EMAIL, organisation=school, role="Deputy head"),
        eligibility_confirmed=True,
    )
    moved.email = "w.q@home.example.net"
    moved.save()
    contribution = newsletter_services.contribution_submit(
        name=NAME,
        role="Deputy head",
        agency="Riverside Primary School",
        email=EMAIL,
        title="Our neglect toolkit in practice",
        text="We used the toolkit with twelve families.\n\nIt helped us see patterns early.",
        consent_text="I agree to the board publishing my article.",
    )
    article = newsletter_services.contribution_accept(contribution=contribution, issue=IssueFactory(series=series))
    staff = StaffUserFactory()
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Booking),
        object_id=str(booking.pk),
        object_repr=str(booking),
        action_flag=CHANGE,
        change_message=f"Changed phone for {NAME}.",
    )
    jobs.run()
    return {"booking": booking, "colleague": colleague, "moved": moved, "article": article, "series": series}


def test_the_person_is_found_everywhere_before_erasure(person):
    found = every_column_holding(EMAIL, NAME)
    for table in (
        "core_subscriber.email",
        "core_outboxmessage.to",
        "training_booking.email",
        "training_historicalbooking.email",
        "training_booking.manager_email",
        "newsletters_contribution.email",
        "newsletters_historicalcontribution.name",
        "newsletters_article.author_name",
        "django_admin_log.object_repr",
    ):
        assert table in found, table
    assert BookingNeeds.objects.filter(booking=person["booking"]).exists()


def test_erasure_leaves_no_trace_in_any_table(person):
    counts = erase_personal_data(email=EMAIL)
    assert (
        every_column_holding(EMAIL, NAME, "07700 900123", "Step-free access for Wilhelmina", "w.q@home.example.net")
        == {}
    )
    assert find_traces(EMAIL, NAME) == {}
    assert counts["training.bookings_anonymised"] == 2
    assert counts["newsletters.contributions_deleted"] == 1
    assert counts["core.subscribers"] == 1


def test_erasure_keeps_the_anonymous_record_and_other_peoples_data(person):
    bookings_before = Booking.objects.count()
    erase_personal_data(email=EMAIL)
    booking = Booking.objects.get(pk=person["booking"].pk)
    assert booking.attendee_name == "[erased]"
    assert booking.email.endswith("@erased.invalid")
    assert booking.organisation.name == "Riverside Primary School"
    assert booking.status == "cancelled"  # an upcoming place is given back (tests/training/test_review_fixes.py)
    assert Booking.objects.count() == bookings_before
    assert not BookingNeeds.objects.filter(booking=booking).exists()
    colleague = Booking.objects.get(pk=person["colleague"].pk)
    assert colleague.attendee_name == OTHER_NAME
    assert colleague.email == OTHER_EMAIL
    assert colleague.manager_email == ""
    assert OutboxMessage.objects.filter(to=OTHER_EMAIL).exists()
    assert Article.objects.get(pk=person["article"].pk).author_name == ""
    assert not Contribution.objects.exists()
    assert not Subscriber.objects.exists()


def test_erasure_is_all_or_nothing(person, monkeypatch):
    from lscb_portal.core import privacy

    def broken(email):
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        privacy._registry, "newsletters", privacy.PersonalData(app="newsletters", export=dict, erase=broken)
    )
    with pytest.raises(RuntimeError):
        erase_personal_data(email=EMAIL)
    assert Booking.objects.get(pk=person["booking"].pk).attendee_name == NAME
    assert Subscriber.objects.filter(email__iexact=EMAIL).exists()


def test_the_erase_command_checks_every_table_and_reports(person):
    out = io.StringIO()
    call_command("erase_personal_data", EMAIL, "--yes", stdout=out)
    assert "no longer found in any table" in out.getvalue()
    assert find_traces(EMAIL) == {}


def test_the_erase_command_refuses_a_non_address_and_erases_nothing(person):
    with pytest.raises(CommandError, match="not an email address"):
        call_command("erase_personal_data", "not an address", "--yes")
    assert Subscriber.objects.filter(email__iexact=EMAIL).exists()


def test_the_erase_command_asks_first(person, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_personal_data", EMAIL)
    assert Booking.objects.filter(email__iexact=EMAIL).exists()


def test_export_holds_everything_about_the_person_across_apps(person):
    out = io.StringIO()
    call_command("export_personal_data", EMAIL, stdout=out)
    data = json.loads(out.getvalue())
    assert data["email"] == EMAIL.lower()
    assert {row["list_key"] for row in data["core"]["subscriptions"]} == {person["series"].list_key, "training.alerts"}
    assert data["core"]["subscriber"][0]["consent_text"] == "I agree."
    assert any(row["to"] == EMAIL.lower() for row in data["core"]["emails_sent"])
    assert {row["reference"] for row in data["training"]["bookings"]} == {person["booking"].reference}
    assert data["training"]["access_and_dietary_needs"][0]["dietary_needs"] == "Vegetarian"
    assert data["training"]["bookings_you_were_asked_to_approve"][0]["attendee_name"] == OTHER_NAME
    history_ids = {row["id"] for row in data["training"]["booking_history"]}
    assert {person["booking"].pk, person["moved"].pk} <= history_ids
    assert data["newsletters"]["contributions"][0]["title"] == "Our neglect toolkit in practice"
    assert data["newsletters"]["contribution_history"]
    assert "Nothing" in data["procedures"]["held"]
    assert OTHER_EMAIL not in json.dumps(data["training"]["bookings"])


def test_export_of_an_unknown_address_is_empty_not_an_error():
    out = io.StringIO()
    call_command("export_personal_data", "nobody@example.org", stdout=out)
    data = json.loads(out.getvalue())
    assert data["core"]["subscriber"] == []
    assert data["training"]["bookings"] == []
    assert timezone.now() - datetime.datetime.fromisoformat(data["exported_at"]) < datetime.timedelta(minutes=1)


def test_the_erase_command_without_a_terminal_says_to_use_yes(person, monkeypatch):
    def no_terminal(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_personal_data", EMAIL)
    assert Booking.objects.filter(email__iexact=EMAIL).exists()
