"""Venues and trainers as lists: typed once, chosen on the session form, and copied onto the session so that
what delegates saw stays as it was; the sessions typed before the lists get records made from their text."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from lscb_portal.core.roles import BOARD_MANAGERS, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training import certificates, services
from training.models import Booking, Session, Trainer, Venue

from .factories import BookingFactory, CourseFactory, SessionFactory, TrainerFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = StaffUserFactory(role=TRAINING_ADMINISTRATORS)
    client.force_login(user)
    return user


def _local(value: datetime.datetime, prefix: str) -> dict:
    local = timezone.localtime(value)
    return {f"{prefix}_0": local.strftime("%d/%m/%Y"), f"{prefix}_1": local.strftime("%H:%M:%S")}


def _change_form(session: Session, **overrides) -> dict:
    parts = list(session.parts.all())
    data = {
        "course": session.course.pk,
        **_local(session.booking_closes_at, "booking_closes_at"),
        "venue": session.venue_id or "",
        "trainer_records": [trainer.pk for trainer in session.trainer_records.all()],
        "joining_url": session.joining_url,
        "capacity": session.capacity,
        "bookings-TOTAL_FORMS": "0",
        "bookings-INITIAL_FORMS": "0",
        "bookings-MIN_NUM_FORMS": "0",
        "bookings-MAX_NUM_FORMS": "1000",
        "parts-TOTAL_FORMS": str(len(parts)),
        "parts-INITIAL_FORMS": str(len(parts)),
        "parts-MIN_NUM_FORMS": "1",
        "parts-MAX_NUM_FORMS": "1000",
    }
    for n, part in enumerate(parts):
        data |= {
            f"parts-{n}-id": part.pk,
            f"parts-{n}-session": session.pk,
            **_local(part.starts_at, f"parts-{n}-starts_at"),
            **_local(part.ends_at, f"parts-{n}-ends_at"),
        }
    return data | overrides


def test_choosing_a_venue_and_trainers_copies_what_delegates_see_onto_the_session(client, administrator):
    session = SessionFactory(venue_name="", venue_address="", venue_postcode="", trainers="")
    venue = VenueFactory(name="Northminster House, 1st Floor", address="Market Street\nNorthbrook", postcode="NB1 4QT")
    helen, tomasz = TrainerFactory(name="Tomasz Nowak"), TrainerFactory(name="Helen Marsh")

    response = client.post(
        f"/admin/training/session/{session.pk}/change/",
        _change_form(session, venue=venue.pk, trainer_records=[helen.pk, tomasz.pk]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    assert session.venue == venue
    assert session.venue_lines == ["Northminster House, 1st Floor", "Market Street", "Northbrook", "NB1 4QT"]
    assert session.access_notes == venue.access_notes
    assert session.trainers == "Helen Marsh, Tomasz Nowak"
    assert set(session.trainer_records.all()) == {helen, tomasz}
    assert session.history.first().trainers == "Helen Marsh, Tomasz Nowak"
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Northminster House, 1st Floor" in page
    assert "Helen Marsh, Tomasz Nowak" in page


def test_the_session_form_chooses_venue_and_trainers_with_autocomplete(client, administrator):
    session = SessionFactory()
    VenueFactory(name="Riverside Community Centre")

    page = client.get(f"/admin/training/session/{session.pk}/change/").content.decode()
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "training", "model_name": "session", "field_name": "venue", "term": "riverside"},
    ).json()

    assert 'name="venue"' in page
    assert "admin-autocomplete" in page
    assert 'name="trainer_records"' in page
    assert 'name="venue_address"' not in page  # typed once, on the venue
    assert [result["text"] for result in found["results"]] == ["Riverside Community Centre, NB3 7HL"]


def test_an_online_room_gives_its_standing_link_and_no_address(client, administrator):
    course = CourseFactory(delivery="online")
    session = SessionFactory(course=course, venue_name="", venue_address="", venue_postcode="")
    room = Venue.objects.create(name="Microsoft Teams", is_online=True, joining_url="https://teams.example.org/room")

    client.post(f"/admin/training/session/{session.pk}/change/", _change_form(session, venue=room.pk))

    session.refresh_from_db()
    assert (session.venue_name, session.venue_address, session.joining_url) == (
        "Microsoft Teams",
        "",
        "https://teams.example.org/room",
    )


def test_a_link_made_for_one_meeting_is_kept_when_the_room_changes(client, administrator):
    session = SessionFactory(joining_url="https://teams.example.org/meeting-123")
    room = Venue.objects.create(name="Microsoft Teams", is_online=True, joining_url="https://teams.example.org/room")

    client.post(f"/admin/training/session/{session.pk}/change/", _change_form(session, venue=room.pk))

    session.refresh_from_db()
    assert session.joining_url == "https://teams.example.org/meeting-123"


def test_editing_a_venue_reaches_the_sessions_to_come_and_not_those_held(client, administrator):
    venue = VenueFactory(access_notes="Park in Castle Street.")
    details = services.venues.venue_details(venue)
    past = SessionFactory(venue=venue, **details, starts_at=timezone.now() - datetime.timedelta(days=30))
    upcoming = SessionFactory(venue=venue, **details)
    form = client.get(f"/admin/training/venue/{venue.pk}/change/").content.decode()
    assert "Is written on its 1 session still to come." in form

    response = client.post(
        f"/admin/training/venue/{venue.pk}/change/",
        {
            "name": venue.name,
            "address": venue.address,
            "postcode": venue.postcode,
            "access_notes": "Castle Street car park is closed: use Mill Lane.",
            "joining_url": "",
        },
        follow=True,
    )

    assert "The venue&#x27;s details updated on 1 session still to come." in response.content.decode()
    past.refresh_from_db()
    upcoming.refresh_from_db()
    assert past.access_notes == "Park in Castle Street."
    assert upcoming.access_notes == "Castle Street car park is closed: use Mill Lane."
    assert upcoming.history.first().history_change_reason == "Venue details updated"


def test_renaming_a_trainer_keeps_the_names_certificates_already_printed(client, administrator):
    trainer = TrainerFactory(name="Dr Ruth Okafor")
    past = SessionFactory(trainers="Dr Ruth Okafor", starts_at=timezone.now() - datetime.timedelta(days=30))
    upcoming = SessionFactory(trainers="Dr Ruth Okafor")
    past.trainer_records.set([trainer])
    upcoming.trainer_records.set([trainer])
    booking = BookingFactory(session=past, status="attended")

    client.post(
        f"/admin/training/trainer/{trainer.pk}/change/",
        {"name": "Dr Ruth Okafor-Smith", "email": "", "agency": "Northbrook Community Health NHS Trust"},
    )

    past.refresh_from_db()
    upcoming.refresh_from_db()
    assert upcoming.trainers == "Dr Ruth Okafor-Smith"
    certificate = certificates.new_certificate(Booking.objects.get(pk=booking.pk), at=timezone.now())
    assert certificates.facts_for(certificate).trainers == ["Dr Ruth Okafor"]


def test_a_venue_or_trainer_is_typed_once(client, administrator):
    VenueFactory(name="Riverside Community Centre", postcode="NB3 7HL")
    TrainerFactory(name="Helen Marsh")

    venue = client.post(
        "/admin/training/venue/add/", {"name": "riverside community centre", "postcode": "nb3 7hl", "address": "x"}
    )
    trainer = client.post("/admin/training/trainer/add/", {"name": "HELEN MARSH"})

    assert "There is already a venue with this name and postcode." in venue.content.decode()
    assert "There is already a trainer with this name." in trainer.content.decode()
    assert Venue.objects.count() == 1
    assert Trainer.objects.count() == 1


def test_an_online_room_has_no_address_and_a_building_no_joining_link(client, administrator):
    online = client.post(
        "/admin/training/venue/add/", {"name": "Microsoft Teams", "is_online": "on", "address": "Market Street"}
    )
    building = client.post(
        "/admin/training/venue/add/", {"name": "Riverside", "joining_url": "https://teams.example.org/room"}
    )

    assert "An online room has no address" in online.content.decode()
    assert "Only an online room has a joining link" in building.content.decode()
    assert not Venue.objects.exists()


def test_the_lists_search_and_count_the_sessions_to_come(client, administrator):
    venue = VenueFactory(name="Northbrook Civic Centre")
    VenueFactory(name="Riverside Community Centre")
    SessionFactory(venue=venue)
    SessionFactory(venue=venue)

    page = client.get("/admin/training/venue/", {"q": "civic"}).content.decode()
    trainers = client.get("/admin/training/trainer/", {"q": "nobody"})

    assert "Northbrook Civic Centre" in page
    assert "Riverside Community Centre" not in page
    assert '<td class="field-upcoming">2</td>' in page
    assert trainers.status_code == 200


def test_only_training_administrators_manage_the_lists(client):
    client.force_login(StaffUserFactory(role=BOARD_MANAGERS))

    assert client.get("/admin/training/venue/").status_code == 403
    assert client.post("/admin/training/trainer/add/", {"name": "Helen Marsh"}).status_code == 403
    assert not Trainer.objects.exists()


def test_sessions_typed_before_the_lists_get_records_without_duplicates():
    migration = importlib.import_module("training.migrations.0011_venues_and_trainers_from_sessions")
    first = SessionFactory(
        venue_name="Northminster House", venue_postcode="NB1 4QT", trainers="Helen Marsh, DS Kieran Walsh"
    )
    later = SessionFactory(
        venue_name="northminster  house",
        venue_postcode="nb1 4qt",
        access_notes="Step-free entrance on Market Street.",
        trainers="helen marsh",
        starts_at=first.starts_at + datetime.timedelta(days=7),
    )
    online = SessionFactory(
        course=CourseFactory(delivery="online"),
        venue_name="Microsoft Teams",
        venue_address="",
        venue_postcode="",
        joining_url="https://teams.example.org/meeting-1",
        trainers="",
    )
    nowhere = SessionFactory(venue_name="", venue_address="", venue_postcode="", trainers="")

    migration.venues_and_trainers_from_sessions(apps, None)

    assert Venue.objects.count() == 2
    house = Venue.objects.get(name="northminster  house".replace("  ", " "))
    assert house.access_notes == "Step-free entrance on Market Street."  # the latest session's details
    assert Session.objects.get(pk=first.pk).venue == house == Session.objects.get(pk=later.pk).venue
    teams = Session.objects.get(pk=online.pk).venue
    assert (teams.name, teams.is_online, teams.joining_url) == ("Microsoft Teams", True, "")
    assert Session.objects.get(pk=nowhere.pk).venue is None
    assert sorted(Trainer.objects.values_list("name", flat=True)) == ["DS Kieran Walsh", "helen marsh"]
    assert sorted(first.trainer_records.values_list("name", flat=True)) == ["DS Kieran Walsh", "helen marsh"]
    # What delegates see is left as it was typed.
    first.refresh_from_db()
    assert (first.venue_name, first.trainers) == ("Northminster House", "Helen Marsh, DS Kieran Walsh")


def test_a_venue_or_trainer_no_longer_used_is_not_offered_but_stays_where_it_was_chosen(client, administrator):
    closed = VenueFactory(name="Riverside Old Library", in_use=False)
    VenueFactory(name="Riverside Community Centre")
    retired = TrainerFactory(name="Helen Marsh", in_use=False)
    TrainerFactory(name="Helen Okoro")
    session = SessionFactory(venue=closed)
    session.trainer_records.add(retired)

    def offered(field_name, term):
        found = client.get(
            "/admin/autocomplete/",
            {"app_label": "training", "model_name": "session", "field_name": field_name, "term": term},
        ).json()
        return [result["text"] for result in found["results"]]

    assert offered("venue", "riverside") == ["Riverside Community Centre, NB3 7HL"]
    assert offered("trainer_records", "helen") == ["Helen Okoro (Northbrook Safeguarding Children Board)"]
    page = client.get(f"/admin/training/session/{session.pk}/change/").content.decode()
    assert "Riverside Old Library" in page
    assert "Helen Marsh" in page
    listed = client.get("/admin/training/venue/", {"in_use__exact": "0"}).content.decode()
    assert "Riverside Old Library" in listed
    assert "Riverside Community Centre" not in listed
