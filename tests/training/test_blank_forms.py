"""The empty booking form and programme filter, rendered once and reused: the same HTML as rendering them each time."""

import re

import pytest
from django.template import Context, Template
from django.test import Client

from training.forms import BookingForm, ProgrammeFilterForm, organisation_names
from training.models import Booking
from training.selectors import topics_in_use

from .factories import CourseFactory, OrganisationFactory, SessionFactory
from .factories import booking_form_data as _form

pytestmark = pytest.mark.django_db

CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _without_token(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.mark.parametrize(
    "course_options",
    [{}, {"requires_manager_approval": True}, {"eligibility": "I undertake family assessments."}],
)
def test_the_session_page_shows_the_booking_form_as_the_form_templates_render_it(client, course_options):
    OrganisationFactory(name="Riverside Primary School", verified=True)
    session = SessionFactory(course=CourseFactory(**course_options))
    form = BookingForm(course=session.course, organisation_names=organisation_names())
    rendered = CRISPY.render(Context({"form": form, "csrf_token": "token"}))

    html = client.get(session.get_absolute_url()).content.decode()

    assert "Riverside Primary School" in rendered
    assert _without_token(rendered).strip() in _without_token(html)


def test_a_newly_verified_organisation_shows_in_the_booking_form(client):
    session = SessionFactory()
    assert "Westbridge Academy" not in client.get(session.get_absolute_url()).content.decode()

    OrganisationFactory(name="Westbridge Academy", verified=True)

    assert '<option value="Westbridge Academy">' in client.get(session.get_absolute_url()).content.decode()


def test_each_page_gets_its_own_csrf_token_and_the_form_posts_with_it():
    session = SessionFactory(capacity=5)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html = first.get(session.get_absolute_url()).content.decode()
    other = second.get(session.get_absolute_url()).content.decode()
    token = TOKEN.search(html).group(1)

    response = first.post(session.get_absolute_url(), {**_form(), "csrfmiddlewaretoken": token})

    assert "csrf-token-placeholder" not in html
    assert TOKEN.search(other).group(1) != token
    assert response.status_code == 302
    assert Booking.objects.filter(session=session).count() == 1


def test_a_form_with_errors_is_still_rendered_with_them(client):
    session = SessionFactory(capacity=5)

    html = client.post(session.get_absolute_url(), {**_form(), "attendee_name": ""}).content.decode()

    assert "Enter your full name" in html


def test_the_programme_shows_its_filter_as_the_form_templates_render_it(client):
    SessionFactory().course.topics.add("Neglect")
    rendered = CRISPY.render(Context({"form": ProgrammeFilterForm(topics=topics_in_use())}))

    html = client.get("/training/").content.decode()

    assert '<option value="neglect">Neglect</option>' in rendered
    assert rendered.strip() in html


def test_a_new_topic_shows_in_the_programme_filter(client):
    course = SessionFactory().course
    assert "Exploitation" not in client.get("/training/").content.decode()

    course.topics.add("Exploitation")

    assert '<option value="exploitation">Exploitation</option>' in client.get("/training/").content.decode()
