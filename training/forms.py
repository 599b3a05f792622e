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
from .services import MAX_NOMINEES, Nominee
from .services.bookings import mailbox

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


class NominationForm(OrganisationQuestion, forms.Form):
    """The manager's part of a nomination: who they are, and what they confirm. The staff they nominate are
    the rows of ``NomineeFormSet``; the page renders this form in two parts (``details_helper`` above the rows,
    ``confirm_helper`` below them)."""

    manager_name = forms.CharField(
        label="Your full name", max_length=150, error_messages={"required": "Enter your full name"}
    )
    email = forms.EmailField(
        label="Your work email address",
        max_length=254,
        help_text="We send you one email listing everyone you nominate and what happened to each.",
        error_messages=EMAIL_ERRORS,
    )
    organisation = forms.CharField(
        label="Your organisation",
        max_length=200,
        help_text="Everyone you nominate is booked with this organisation. Start typing to choose it; if it is not "
        "listed, type its full name.",
        error_messages={"required": "Enter the name of your organisation"},
    )
    role = forms.CharField(label="Your job title", max_length=150, error_messages={"required": "Enter your job title"})
    eligibility = forms.BooleanField(required=False)
    manager_confirms = forms.BooleanField(
        label="I manage everyone I have named here, and I agree to them attending this session",
        error_messages={"required": "Confirm that you manage everyone named and agree to them attending"},
    )

    def __init__(self, *args, course: Course, organisation_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        self.fields["organisation"].widget.attrs.update({"list": "organisation-names", "autocomplete": "off"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["manager_name"].widget.attrs["autocomplete"] = "name"
        self.fields["role"].widget.attrs["autocomplete"] = "organization-title"
        if course.requires_manager_approval:
            self.fields[
                "manager_confirms"
            ].help_text = (
                "This course needs a manager's approval. Your nomination is that approval: nobody is asked again."
            )
        confirm = [Field.checkbox("manager_confirms")]
        if course.eligibility:
            self.fields["eligibility"].required = True
            self.fields["eligibility"].label = f"Everyone I have named meets this statement: {course.eligibility}"
            self.fields["eligibility"].error_messages["required"] = (
                "Confirm that everyone you nominate meets the eligibility statement"
            )
            confirm.insert(0, Field.checkbox("eligibility"))
        else:
            del self.fields["eligibility"]
        question = self.ask_about_organisation()
        self.details_helper = FormHelper()
        self.details_helper.form_tag = False
        self.details_helper.disable_csrf = True
        self.details_helper.layout = Layout(
            Fieldset(
                Field.text("manager_name", field_width=Fluid.TWO_THIRDS),
                Field.text("email", field_width=Fluid.TWO_THIRDS),
                Field.text("organisation", field_width=Fluid.TWO_THIRDS),
                Markup(_organisation_datalist(organisation_names)),
                *question,
                Field.text("role", field_width=Fluid.TWO_THIRDS),
                legend="Your details",
                legend_size=Size.MEDIUM,
            )
        )
        self.confirm_helper = FormHelper()
        self.confirm_helper.form_tag = False
        self.confirm_helper.disable_csrf = True
        self.confirm_helper.layout = Layout(Fieldset(*confirm, legend="Confirm", legend_size=Size.MEDIUM))


class NomineeForm(forms.Form):
    """One member of staff on a nomination. A row left blank is skipped."""

    name = forms.CharField(label="Full name", max_length=150, error_messages={"required": "Enter their full name"})
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        help_text="Their own address: we send them their booking and their link to manage it.",
        error_messages={
            "required": "Enter their work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.CharField(label="Job title", max_length=150, error_messages={"required": "Enter their job title"})

    def __init__(self, *args, number: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["email"].widget.attrs["spellcheck"] = "false"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                Field.text("name", field_width=Fluid.TWO_THIRDS),
                Field.text("email", field_width=Fluid.TWO_THIRDS),
                Field.text("role", field_width=Fluid.TWO_THIRDS),
                legend=f"Member of staff {number}",
                legend_size=Size.SMALL,
            )
        )


NOMINEE_ROWS = 3


class BaseNomineeFormSet(forms.BaseFormSet):
    """The rows of staff: any may be left blank, at least one filled in, nobody twice and never the manager.

    At most ``MAX_NOMINEES`` rows are ever built, whatever the management form claims.
    """

    default_error_messages = {"too_many_forms": f"You can nominate up to {MAX_NOMINEES} people at once"}

    def __init__(self, *args, manager_email: str = "", **kwargs):
        kwargs.setdefault("prefix", "staff")
        super().__init__(*args, **kwargs)
        self.manager_email = manager_email

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "number": (index or 0) + 1}

    def _construct_form(self, i, **kwargs):
        # Every row may be left blank (the formset asks for at least one filled in).
        return super()._construct_form(i, empty_permitted=True, use_required_attribute=False, **kwargs)

    def filled(self) -> list[NomineeForm]:
        return [form for form in self.forms if form.has_changed()]

    def clean(self):
        if not self.management_form.is_valid():
            return
        filled = self.filled()
        if not filled and not any(self.errors):
            raise forms.ValidationError(
                "Enter the name, email address and job title of at least one member of staff", code="no_staff"
            )
        seen: dict[str, int] = {}
        manager = mailbox(self.manager_email) if self.manager_email else None
        for form in filled:
            email = (form.cleaned_data.get("email") or "").strip().lower()
            if not email:
                continue
            if email in seen:
                form.add_error(
                    "email", f"{email} is already entered for member of staff {seen[email]}: nominate each person once"
                )
            else:
                seen[email] = form.number
            if manager and mailbox(email) == manager:
                form.add_error("email", "Enter their own email address, not yours")

    def nominees(self) -> list[Nominee]:
        return [
            Nominee(name=form.cleaned_data["name"], email=form.cleaned_data["email"], role=form.cleaned_data["role"])
            for form in self.filled()
        ]


NomineeFormSet = forms.formset_factory(
    NomineeForm,
    formset=BaseNomineeFormSet,
    extra=0,
    max_num=MAX_NOMINEES,
    absolute_max=MAX_NOMINEES,
    validate_max=True,
)


def nominee_rows(data, *, add: int = 0) -> list[dict]:
    """The rows of staff as typed (for "Add another member of staff"), with ``add`` blank rows after them, never
    more than ``MAX_NOMINEES``. Reads only what a row's fields hold; anything else sent is ignored."""
    try:
        count = int(data.get("staff-TOTAL_FORMS", NOMINEE_ROWS))
    except (TypeError, ValueError):
        count = NOMINEE_ROWS
    count = max(1, min(count, MAX_NOMINEES))
    fields = ("name", "email", "role")
    rows = [{name: str(data.get(f"staff-{i}-{name}", ""))[:254] for name in fields} for i in range(count)]
    return (rows + [{}] * add)[:MAX_NOMINEES]


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
        manager = []
        if booking.session.course.requires_manager_approval:
            # The colleague's place needs their manager's approval, as a new booking would: often the same manager.
            self.fields["manager_name"] = forms.CharField(
                label="Their manager's name",
                max_length=150,
                initial=booking.manager_name,
                error_messages={"required": "Enter your colleague's manager's name"},
            )
            self.fields["manager_email"] = forms.EmailField(
                label="Their manager's email address",
                max_length=254,
                initial=booking.manager_email,
                help_text="This course needs a manager's approval: we email them a link to approve your colleague's "
                "place, and hold it until they answer.",
                error_messages={
                    "required": "Enter your colleague's manager's email address",
                    "invalid": "Enter the manager's email address in the correct format, like name@example.org",
                },
            )
            manager = [
                Fieldset(
                    Field.text("manager_name", field_width=Fluid.TWO_THIRDS),
                    Field.text("manager_email", field_width=Fluid.TWO_THIRDS),
                    legend="Their manager",
                    legend_size=Size.SMALL,
                )
            ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("attendee_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("role", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fluid.ONE_THIRD),
            *manager,
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
