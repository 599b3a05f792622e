"""Labels, help text and layout snippets are escaped unless they are the portal's own trusted markup.

Data typed by bookers (organisation names) or by staff (eligibility statements, the office's email
address) reaches labels and layout snippets; none of it may become markup or template code.
"""

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.fields import DateInputField
from django import forms
from django.utils.safestring import mark_safe

from lscb_portal.core.models import BoardSettings, Organisation
from newsletters.forms import ContributionForm
from training.forms import BookingForm, TransferForm
from training.models import Course

HOSTILE = '<img src=x onerror="alert(1)"><a href="https://evil.example.com/">win</a>'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


class HostileForm(forms.Form):
    text = forms.CharField(label=HOSTILE, help_text=HOSTILE)
    agree = forms.BooleanField(label=HOSTILE, help_text=HOSTILE)
    choice = forms.ChoiceField(label=HOSTILE, help_text=HOSTILE, choices=[("a", "A")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(
        label=HOSTILE, help_text=HOSTILE, choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    when = DateInputField(label=HOSTILE, help_text=HOSTILE)
    trusted = forms.CharField(label=mark_safe("Your <strong>work</strong> email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def test_every_label_and_help_text_is_escaped_and_trusted_markup_is_kept():
    html = render_crispy_form(HostileForm())

    assert "<img" not in html
    assert 'href="https://evil.example.com/"' not in html
    assert html.count(ESCAPED) == 10  # five labels (or legends) and five hints
    assert "Your <strong>work</strong> email" in html


@pytest.mark.django_db
def test_a_typed_organisation_name_is_text_in_the_transfer_form():
    from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

    booking = BookingFactory(
        organisation=Organisation.objects.create(name=HOSTILE),
        session=SessionFactory(course=CourseFactory(eligibility=HOSTILE)),
    )

    html = render_crispy_form(TransferForm(booking=booking))

    assert "<img" not in html
    assert f"My colleague works for {ESCAPED}" in html
    assert f"My colleague meets this statement: {ESCAPED}" in html


def test_a_course_s_eligibility_statement_is_text_in_the_booking_form():
    form = BookingForm(course=Course(eligibility=HOSTILE), organisation_names=[])

    html = render_crispy_form(form)

    assert "<img" not in html
    assert f"I confirm: {ESCAPED}" in html


def test_organisation_names_are_never_read_as_template_code():
    names = ["{% debug %}", "{{ csrf_token }}", '"><script>x</script>', "{% load static %}{% static 'x' %}"]
    form = BookingForm(course=Course(), organisation_names=names)

    html = render_crispy_form(form)

    assert '<option value="{% debug %}"></option>' in html
    assert '<option value="{{ csrf_token }}"></option>' in html
    assert '<option value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"></option>' in html


def test_the_office_email_is_text_on_the_contribute_form():
    office = 'office@board.example.org"><a href="https://evil.example.com/">click</a>{{ form }}'

    html = render_crispy_form(ContributionForm(office_email=office))

    assert 'href="https://evil.example.com/"' not in html
    assert "&lt;a href=&quot;https://evil.example.com/&quot;&gt;click&lt;/a&gt;{{ form }}" in html


@pytest.mark.django_db
def test_the_contribute_page_links_a_plain_office_email(client):
    board = BoardSettings.get_solo()
    board.office_email = "office@board.example.org"
    board.save()

    html = client.get("/newsletters/contribute/").content.decode()

    assert '<a class="govuk-link" href="mailto:office@board.example.org">office@board.example.org</a>' in html
