"""Organisations that hold: names typed by bookers are matched loosely before a new record is made.

The booker is asked "did you mean …?" and may still insist; a new organisation is not a partner until
staff confirm it; and a cap per organisation counts every record that is the same organisation (names
that match loosely, records merged into it), so "Riverside Primary" beside "Riverside Primary School"
does not get round "3 places per school".
"""

from decimal import Decimal

import pytest

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Organisation
from training import services
from training.models import Booking, BookingStatus, Charge, ChargeBasis

from .factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory
from .factories import booking_form_data as _form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Riverside Primary School", "riverside"),
        ("riverside primary", "riverside"),
        ("THE  Riverside—Primary Academy", "riverside"),
        ("St. Anne's CE Primary School", "st annes ce"),
        ("St Annes C.E. Primary", "st annes c e"),
        ("Riverside Infant School", "riverside infant"),
        ("École Saint-Jean", "école saint jean"),
    ],
)
def test_the_name_key_ignores_case_punctuation_and_the_words_that_say_nothing(name, key):
    organisation = Organisation.objects.create(name=name)
    organisation.refresh_from_db()

    assert organisation.name_key == key


def test_similar_names_are_found_likeliest_first_and_an_exact_name_asks_nothing():
    school = OrganisationFactory(name="Riverside Primary School")
    typed_before = Organisation.objects.create(name="Riverside Primary", verified=False)
    OrganisationFactory(name="Riverside Infant School")
    OrganisationFactory(name="Northbrook College")
    merged = Organisation.objects.create(name="Riverside Prim. Sch.", merged_into=school)

    assert Organisation.objects.similar_to("riverside primary academy") == [school, typed_before]
    assert Organisation.objects.similar_to("Riverside Primery School")[0] == school  # a close spelling
    assert Organisation.objects.similar_to("RIVERSIDE PRIMARY SCHOOL") == []  # its own name
    assert merged not in Organisation.objects.similar_to("Riverside Prim Sch")
    assert Organisation.objects.similar_to("Hillside Nursery") == []
    assert Organisation.objects.similar_to("") == []


def test_the_booker_is_asked_did_you_mean_and_nothing_is_booked_yet(client):
    OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory()

    response = client.post(session.get_absolute_url(), _form(organisation="Riverside Primary"))

    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Did you mean one of these organisations?" in html
    assert 'name="organisation_choice"' in html
    assert "> Riverside Primary School </label>" in html
    assert "No, Riverside Primary is not listed here" in html
    assert "Choose your organisation from the list, or tell us it is not listed" in html
    assert 'value="Riverside Primary"' in html  # what was typed is kept
    assert not Booking.objects.exists()
    assert not Organisation.objects.filter(name="Riverside Primary").exists()


def test_choosing_the_suggestion_books_with_that_organisation(client):
    school = OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory()

    client.post(session.get_absolute_url(), _form(organisation="Riverside Primary", organisation_choice=school.pk))

    assert Booking.objects.get().organisation == school
    assert not Organisation.objects.filter(name="Riverside Primary").exists()


def test_insisting_adds_a_new_unverified_non_partner_organisation(client):
    OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory()

    client.post(session.get_absolute_url(), _form(organisation="Riverside Primary", organisation_choice="new"))

    booking = Booking.objects.get()
    assert booking.organisation.name == "Riverside Primary"
    assert booking.organisation.verified is False
    assert booking.organisation.is_partner is False


def test_a_new_organisation_is_charged_as_a_non_partner_until_staff_confirm_it(make_attendee):
    session = SessionFactory(
        course=CourseFactory(charge_basis=ChargeBasis.FIXED, non_attendance_charge=40, non_partner_charge=60)
    )
    booking = services.booking_create(
        session=session, attendee=make_attendee(organisation="Hillside Childminders"), eligibility_confirmed=False
    )

    assert services.charge_due(booking=booking) == (Decimal("60"), False)
    Organisation.objects.filter(pk=booking.organisation_id).update(is_partner=True, verified=True)
    booking.refresh_from_db()
    assert services.charge_due(booking=booking) == (Decimal("40"), True)


@pytest.mark.parametrize("choice", ["999999", "<script>alert(1)</script>", "", "new'--"])
def test_a_hostile_or_stale_choice_is_asked_again_not_a_500(client, choice):
    OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory()

    response = client.post(
        session.get_absolute_url(), _form(organisation="Riverside Primary", organisation_choice=choice)
    )

    assert response.status_code == 200
    assert "Choose your organisation from the list, or tell us it is not listed" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_very_long_or_odd_organisation_name_gets_a_message_not_a_500(client):
    OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory()

    long_name = client.post(session.get_absolute_url(), _form(organisation="Riverside " * 40))
    odd = client.post(session.get_absolute_url(), _form(organisation="\\m(.*)\\M ' ; %%"))

    assert long_name.status_code == 200
    assert "Ensure this value has at most 200 characters" in long_name.content.decode()
    assert odd.status_code in (200, 302)


# ------------------------------------------------------------------ the cap holds


@pytest.fixture
def one_per_school():
    school = OrganisationFactory(name="Riverside Primary School")
    session = SessionFactory(places_per_organisation=1)
    BookingFactory(session=session, organisation=school)
    return session, school


def test_the_cap_is_not_dodged_by_insisting_on_another_spelling(client, one_per_school):
    session, school = one_per_school

    response = client.post(
        session.get_absolute_url(), _form(organisation="Riverside Primary", organisation_choice="new")
    )

    assert "Riverside Primary already has 1 place on this session" in response.content.decode()
    assert Booking.objects.filter(session=session).count() == 1
    assert not Organisation.objects.filter(name="Riverside Primary").exists()  # refused: nothing added


def test_the_cap_counts_an_organisation_typed_earlier_under_another_spelling(make_attendee, one_per_school):
    session, school = one_per_school
    Booking.objects.filter(session=session).update(
        organisation=Organisation.objects.create(name="Riverside Primary", verified=False)
    )

    with pytest.raises(Refused, match="already has 1 place"):
        services.booking_create(
            session=session, attendee=make_attendee(organisation=school), eligibility_confirmed=False
        )
    assert Booking.objects.filter(session=session).count() == 1


def test_the_cap_counts_records_merged_into_the_organisation(make_attendee, one_per_school):
    session, school = one_per_school
    typo = Organisation.objects.create(name="Rivrside Primery Schl", verified=False)
    services.organisation_merge(source=typo, into=school)

    with pytest.raises(Refused, match="already has 1 place"):
        services.booking_create(
            session=session, attendee=make_attendee(organisation="rivrside primery schl"), eligibility_confirmed=False
        )
    assert Booking.objects.filter(session=session).count() == 1
    assert Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).get().organisation == school


def test_different_schools_with_telling_words_are_capped_apart(make_attendee):
    infants = OrganisationFactory(name="Riverside Infant School")
    juniors = OrganisationFactory(name="Riverside Junior School")
    session = SessionFactory(places_per_organisation=1)
    services.booking_create(session=session, attendee=make_attendee(organisation=infants), eligibility_confirmed=False)

    services.booking_create(session=session, attendee=make_attendee(organisation=juniors), eligibility_confirmed=False)

    assert set(Booking.objects.filter(session=session).values_list("organisation", flat=True)) == {
        infants.pk,
        juniors.pk,
    }
    assert Charge.objects.count() == 0


def test_staff_confirm_typed_organisations_as_partners_or_not(client):
    from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
    from tests.core.factories import StaffUserFactory

    client.force_login(StaffUserFactory(role=TRAINING_ADMINISTRATORS))
    nursery = Organisation.objects.create(name="Hillside Nursery", verified=False, is_partner=False)
    charity = Organisation.objects.create(name="Brookside Family Trust", verified=False, is_partner=False)

    for action, organisation in [("confirm_as_partners", nursery), ("confirm_as_non_partners", charity)]:
        response = client.post(
            "/admin/core/organisation/", {"action": action, "_selected_action": [organisation.pk]}, follow=True
        )
        assert "Confirmed 1 organisation(s)." in response.content.decode()

    nursery.refresh_from_db()
    charity.refresh_from_db()
    assert (nursery.verified, nursery.is_partner) == (True, True)
    assert (charity.verified, charity.is_partner) == (True, False)
    assert nursery.history.first().history_change_reason == "Confirmed as a partner agency"
