import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from lscb_portal.core.forms import Markup
from lscb_portal.core.models import Organisation

from .models import Audience, Course, Delivery, Level
from .selectors import ProgrammeFilters

EMAIL_ERRORS = {
    "required": "Enter your work email address",
    "invalid": "Enter an email address in the correct format, like name@example.org",
}


def _organisation_datalist(names: list[str]) -> str:
    # A native datalist: the browser suggests names as people type, with or without JavaScript.
    options = format_html_join("", '<option value="{}"></option>', ((name,) for name in names))
    return format_html('<datalist id="organisation-names">{}</datalist>', options)


NEW_ORGANISATION = "new"


class OrganisationQuestion:
    """Asks "did you mean …?" when the organisation typed matches others loosely (GOV.UK's pattern).

    Bound with a typed name that is not an organisation's own name but is like some, the form gains a
    required radio question ``organisation_choice``: one of those organisations, or "not listed" to keep
    the name as typed. ``cleaned_data["organisation"]`` is then the chosen record, or the typed name.
    """

    def ask_about_organisation(self) -> list:
        typed = self.data.get("organisation", "") if self.is_bound else ""
        self.organisation_suggestions = (
            Organisation.objects.similar_to(typed) if isinstance(typed, str) and len(typed) <= 200 else []
        )
        if not self.organisation_suggestions:
            return []
        typed = " ".join(typed.split())
        choices = [(str(each.pk), each.name) for each in self.organisation_suggestions]
        self.fields["organisation_choice"] = forms.ChoiceField(
            label="Did you mean one of these organisations?",
            choices=[*choices, (NEW_ORGANISATION, f"No, {typed} is not listed here")],
            widget=forms.RadioSelect,
            help_text="Organisations with a name like the one you typed are already booking. Choosing the "
            "right one keeps your organisation's bookings together.",
            error_messages={
                "required": "Choose your organisation from the list, or tell us it is not listed",
                "invalid_choice": "Choose your organisation from the list, or tell us it is not listed",
            },
        )
        return [Field.radios("organisation_choice", legend_size=Size.SMALL)]

    def clean_organisation_choice(self):
        choice = self.cleaned_data["organisation_choice"]
        if choice == NEW_ORGANISATION:
            return None
        return next(each for each in self.organisation_suggestions if str(each.pk) == choice)

    def organisation_meant(self) -> Organisation | str:
        """The organisation record chosen, or the name as typed."""
        return self.cleaned_data.get("organisation_choice") or self.cleaned_data["organisation"]


class BookingForm(OrganisationQuestion, forms.Form):
    attendee_name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter your full name"}
    )
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        help_text="We send your booking details and your link to manage the booking here.",
        error_messages=EMAIL_ERRORS,
    )
    phone = forms.CharField(
        label="Work phone number (optional)",
        max_length=40,
        required=False,
        help_text="So the training team can reach you if the session changes at short notice.",
    )
    organisation = forms.CharField(
        label="Organisation",
        max_length=200,
        help_text="Start typing to choose your organisation. If it is not listed, type its full name.",
        error_messages={"required": "Enter the name of your organisation"},
    )
    role = forms.CharField(label="Job title", max_length=150, error_messages={"required": "Enter your job title"})
    manager_name = forms.CharField(label="Manager's name", max_length=150, required=False)
    manager_email = forms.EmailField(
        label="Manager's email address",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter your manager's email address in the correct format, like name@example.org"},
    )
    access_needs = forms.CharField(
        label="Access needs (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example a hearing loop, step-free access or materials in large print.",
    )
    dietary_needs = forms.CharField(
        label="Dietary needs (optional)", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    eligibility = forms.BooleanField(required=False)

    def __init__(self, *args, course: Course, organisation_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        if course.requires_manager_approval:
            self.fields["manager_name"].required = True
            self.fields["manager_name"].error_messages["required"] = "Enter your manager's name"
            self.fields["manager_email"].required = True
            self.fields["manager_email"].error_messages["required"] = "Enter your manager's email address"
            self.fields["manager_email"].help_text = "This course needs your manager's approval: we email them a link."
        else:
            self.fields["manager_name"].label = "Manager's name (optional)"
            self.fields["manager_email"].label = "Manager's email address (optional)"
        self.fields["organisation"].widget.attrs.update({"list": "organisation-names", "autocomplete": "off"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["attendee_name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields["role"].widget.attrs["autocomplete"] = "organization-title"
        eligibility_fields = []
        if course.eligibility:
            self.fields["eligibility"].required = True
            self.fields["eligibility"].label = f"I confirm: {course.eligibility}"
            self.fields["eligibility"].error_messages["required"] = (
                "Confirm that you meet the eligibility statement to book"
            )
            eligibility_fields = [
                Fieldset(Field.checkbox("eligibility"), legend="Who can book", legend_size=Size.MEDIUM)
            ]
        else:
            del self.fields["eligibility"]
        question = self.ask_about_organisation()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.text("attendee_name", field_width=Fluid.TWO_THIRDS),
                Field.text("email", field_width=Fluid.TWO_THIRDS),
                Field.text("phone", field_width=Fluid.ONE_THIRD),
                Field.text("organisation", field_width=Fluid.TWO_THIRDS),
                Markup(_organisation_datalist(organisation_names)),
                *question,
                Field.text("role", field_width=Fluid.TWO_THIRDS),
                legend="Your details",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("manager_name", field_width=Fluid.TWO_THIRDS),
                Field.text("manager_email", field_width=Fluid.TWO_THIRDS),
                legend="Your manager",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">Tell us anything we need to do so that you can take part. We use it '
                    "only to prepare the session and delete it a week afterwards.</p>"
                ),
                Field.textarea("access_needs"),
                Field.textarea("dietary_needs"),
                legend="Access and dietary needs",
                legend_size=Size.MEDIUM,
            ),
            *eligibility_fields,
            Button("submit", "Book a place"),
        )


def empty_booking_form(requires_manager_approval: bool, eligibility: str, organisation_names: tuple[str]):
    """The booking form as every reader of a session of such a course sees it (for ``blank_form_html``)."""
    course = Course(requires_manager_approval=requires_manager_approval, eligibility=eligibility)
    return BookingForm(course=course, organisation_names=list(organisation_names))


class TransferForm(forms.Form):
    attendee_name = forms.CharField(
        label="Your colleague's full name", max_length=150, error_messages={"required": "Enter your colleague's name"}
    )
    email = forms.EmailField(
        label="Your colleague's work email address",
        max_length=254,
        error_messages={
            "required": "Enter your colleague's work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.CharField(
        label="Their job title", max_length=150, error_messages={"required": "Enter your colleague's job title"}
    )
    phone = forms.CharField(label="Their work phone number (optional)", max_length=40, required=False)
    same_organisation = forms.BooleanField(
        error_messages={"required": "Confirm that your colleague works for the same organisation"}
    )

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = booking.organisation.name
        self.fields["same_organisation"].label = f"My colleague works for {organisation}"
        extra = []
        if booking.session.course.eligibility:
            self.fields["eligibility"] = forms.BooleanField(
                label=f"My colleague meets this statement: {booking.session.course.eligibility}",
                error_messages={"required": "Confirm that your colleague meets the eligibility statement"},
            )
            extra = [Field.checkbox("eligibility")]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("attendee_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("role", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fluid.ONE_THIRD),
            Fieldset(Field.checkbox("same_organisation"), *extra, legend="Confirm", legend_size=Size.SMALL),
            Button("submit", "Pass my place to this colleague"),
        )


class MyTrainingForm(forms.Form):
    email = forms.EmailField(label="Work email address", max_length=254, error_messages=EMAIL_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Email me a link"),
        )


def month_choices(now: datetime.datetime | None = None, count: int = 12) -> list[tuple[str, str]]:
    today = timezone.localdate(now or timezone.now())
    year, month = today.year, today.month
    choices = []
    for _ in range(count):
        choices.append((f"{year}-{month:02d}", datetime.date(year, month, 1).strftime("%B %Y")))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return choices


class ProgrammeFilterForm(forms.Form):
    topic = forms.ChoiceField(label="Topic", required=False)
    audience = forms.ChoiceField(label="Who it is for", required=False, choices=[("", "Everyone")] + Audience.choices)
    level = forms.ChoiceField(label="Level", required=False, choices=[("", "Any level")] + Level.choices)
    month = forms.ChoiceField(label="Month", required=False)
    delivery = forms.ChoiceField(
        label="How it is delivered", required=False, choices=[("", "In person or online")] + Delivery.choices
    )
    has_places = forms.BooleanField(label="Only sessions with places left", required=False)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        topic_choices, months = self.choices(topics)
        self.fields["topic"].choices = list(topic_choices)
        self.fields["month"].choices = list(months)
        for name in ["topic", "audience", "level", "month", "delivery"]:
            self.fields[name].error_messages["invalid_choice"] = "Choose one of the options in the list"
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("topic"),
            Field.select("audience"),
            Field.select("level"),
            Field.select("month"),
            Field.select("delivery"),
            Field.checkbox("has_places", small=True),
            Button("filter", "Show sessions", css_class="govuk-button--secondary"),
        )

    @staticmethod
    def choices(topics) -> tuple[tuple, tuple]:
        """The topic and month choices: the topics given (those in use), the next twelve months."""
        return (
            (("", "All topics"), *((tag.slug, tag.name) for tag in topics)),
            (("", "Any month"), *month_choices()),
        )

    def filters(self) -> ProgrammeFilters:
        if not self.is_bound or not self.is_valid():
            return ProgrammeFilters()
        data = self.cleaned_data
        return ProgrammeFilters(
            topic=data["topic"],
            audience=data["audience"],
            level=data["level"],
            month=data["month"],
            has_places=data["has_places"],
            delivery=data["delivery"],
        )

    @property
    def active(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())


def empty_programme_filter(topics: tuple, months: tuple) -> ProgrammeFilterForm:
    """The unbound programme filter with these choices (for ``blank_form_html``)."""
    form = ProgrammeFilterForm(topics=[])
    form.fields["topic"].choices = list(topics)
    form.fields["month"].choices = list(months)
    return form


def organisation_names() -> list[str]:
    return list(Organisation.objects.verified().order_by("name").values_list("name", flat=True))


SCORE_CHOICES = [
    ("1", "1 – very low"),
    ("2", "2 – low"),
    ("3", "3 – moderate"),
    ("4", "4 – good"),
    ("5", "5 – very good"),
]


def _score_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose a score for: {label[0].lower()}{label[1:]}"},
    )


class EvaluationForm(forms.Form):
    knowledge_before = _score_field("Your knowledge of the subject before the course")
    knowledge_after = _score_field("Your knowledge of the subject now")
    confidence_before = _score_field("Your confidence to act on it before the course")
    confidence_after = _score_field("Your confidence to act on it now")
    practice_change = forms.CharField(
        label="What will you do differently in your practice as a result of the course?",
        help_text="For example, a conversation you will have, a check you will make, or a referral you would make.",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Tell us what you will do differently in your practice"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.radios("knowledge_before", legend_size=Size.SMALL, inline=True),
                Field.radios("knowledge_after", legend_size=Size.SMALL, inline=True),
                legend="Knowledge",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("confidence_before", legend_size=Size.SMALL, inline=True),
                Field.radios("confidence_after", legend_size=Size.SMALL, inline=True),
                legend="Confidence",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("practice_change", label_size=Size.SMALL, max_characters=3000),
            Button("submit", "Send the evaluation"),
        )
