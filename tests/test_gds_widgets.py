"""Every form widget the portal uses renders GOV.UK Frontend markup through crispy-forms-gds.

Where crispy-forms-gds 2.0.1 gets the markup wrong the portal overrides its templates in
templates/gds/ (error classes on email, number, URL, date, search inputs, text areas and selects;
error-summary links for radios, checkboxes and dates; form-wide errors without Bootstrap classes)
and gives the widgets it does not know their GOV.UK classes with CRISPY_CLASS_CONVERTERS.
"""

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test.html import Element, parse_html
from django.utils.html import escape

SECTORS = [("", "Choose a sector"), ("health", "Health"), ("police", "Police"), ("education", "Education")]
FREQUENCIES = [("immediate", "As it happens"), ("weekly", "Weekly digest")]
LISTS = [("newsletters", "Newsletters"), ("training", "Training alerts"), ("procedures", "Procedure updates")]


class EveryWidgetForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As it should appear on your certificate")
    email = forms.EmailField(label="Work email address", help_text="We send your booking confirmation here")
    places = forms.IntegerField(label="Number of places", help_text="Up to 3 places for each organisation")
    website = forms.URLField(label="Organisation website", help_text="For example, https://example.org")
    summary = forms.CharField(
        label="Summary of your article", widget=forms.Textarea, help_text="Articles should be 200 to 300 words"
    )
    sector = forms.ChoiceField(label="Sector", choices=SECTORS, help_text="The sector you work in")
    frequency = forms.ChoiceField(
        label="How often do you want emails?", choices=FREQUENCIES, widget=forms.RadioSelect, help_text="Choose one"
    )
    lists = forms.MultipleChoiceField(
        label="What do you want to hear about?",
        choices=LISTS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    consent = forms.BooleanField(label="I agree to the terms", help_text="You must agree to book")
    start = DateInputField(label="Date of the session", help_text="For example, 27 3 2026")
    attended_on = forms.DateField(
        label="Date you attended", widget=forms.DateInput(attrs={"type": "date"}), help_text="Use the date picker"
    )
    document = forms.FileField(label="Upload your article", help_text="A Word document or PDF, up to 10 MB")
    q = forms.CharField(label="Search the procedures", widget=forms.SearchInput, help_text="Enter a word or phrase")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.disable_csrf = True
        self.helper.attrs = {"novalidate": ""}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("places") == 99:
            raise ValidationError("You cannot book 99 places")
        return cleaned


# (field, the element that carries the id, its tag, the GOV.UK class, the error class on it)
SIMPLE_WIDGETS = [
    ("name", "input", "govuk-input", "govuk-input--error"),
    ("email", "input", "govuk-input", "govuk-input--error"),
    ("places", "input", "govuk-input", "govuk-input--error"),
    ("website", "input", "govuk-input", "govuk-input--error"),
    ("summary", "textarea", "govuk-textarea", "govuk-textarea--error"),
    ("sector", "select", "govuk-select", "govuk-select--error"),
    ("attended_on", "input", "govuk-input", "govuk-input--error"),
    ("document", "input", "govuk-file-upload", "govuk-file-upload--error"),
    ("q", "input", "govuk-input", "govuk-input--error"),
]
INPUT_TYPES = {
    "name": "text",
    "email": "email",
    "places": "number",
    "website": "url",
    "attended_on": "date",
    "document": "file",
    "q": "search",
}
# Fields made of several inputs in a fieldset: the id the error summary must link to.
FIELDSET_WIDGETS = {"frequency": "id_frequency_1", "lists": "id_lists_1", "start": "id_start_0"}

BAD_DATA = {
    "name": "",
    "email": "helen.marsh-at-example.org",
    "places": "three",
    "website": "not a web address",
    "summary": "",
    "sector": "",
    "frequency": "",
    "start_0": "",
    "start_1": "",
    "start_2": "",
    "attended_on": "the first of March",
    "q": "",
}
GOOD_DATA = {
    "name": "Helen Marsh",
    "email": "helen.marsh@example.org",
    "places": "2",
    "website": "https://example.org/school",
    "summary": "Our school's safeguarding week\nPupils led assemblies.",
    "sector": "education",
    "frequency": "weekly",
    "lists": ["training", "procedures"],
    "consent": "on",
    "start_0": "27",
    "start_1": "3",
    "start_2": "2026",
    "attended_on": "2026-03-01",
    "q": "neglect",
}


# --- A small HTML query helper over django.test.html's parse tree -------------------------------


def walk(node):
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from walk(child)


def attrs(element: Element) -> dict:
    return dict(element.attributes)


def classes(element: Element) -> set[str]:
    return set((attrs(element).get("class") or "").split())


def text(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(text(child) for child in node.children).strip()


class Page:
    def __init__(self, html: str):
        self.html = html
        self.root = parse_html(html)
        self.elements = list(walk(self.root))

    def by_id(self, element_id: str) -> Element:
        found = [element for element in self.elements if attrs(element).get("id") == element_id]
        assert len(found) == 1, f"expected one element with id {element_id!r}, found {len(found)}"
        return found[0]

    def all(self, tag: str | None = None, *, cls: str | None = None, within: Element | None = None) -> list:
        elements = list(walk(within)) if within is not None else self.elements
        return [
            element
            for element in elements
            if (tag is None or element.name == tag) and (cls is None or cls in classes(element))
        ]

    def group(self, field: str) -> Element:
        return self.by_id(f"div_id_{field}")


def render(form: forms.Form) -> Page:
    template = Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}")
    return Page(template.render(Context({"form": form})))


def described_by(element: Element) -> list[str]:
    return (attrs(element).get("aria-describedby") or "").split()


@pytest.fixture
def unbound() -> Page:
    return render(EveryWidgetForm())


@pytest.fixture
def invalid() -> Page:
    form = EveryWidgetForm(BAD_DATA)
    assert not form.is_valid()
    return render(form)


# --- Without errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "tag", "govuk_class", "error_class"), SIMPLE_WIDGETS)
def test_single_input_widgets_render_gov_uk_markup(unbound, field, tag, govuk_class, error_class):
    group = unbound.group(field)
    widget = unbound.by_id(f"id_{field}")

    assert "govuk-form-group" in classes(group)
    assert "govuk-form-group--error" not in classes(group)
    assert widget.name == tag
    assert govuk_class in classes(widget)
    assert error_class not in classes(widget)
    if field in INPUT_TYPES:
        assert attrs(widget)["type"] == INPUT_TYPES[field]
    labels = unbound.all("label", cls="govuk-label", within=group)
    assert [attrs(label)["for"] for label in labels] == [f"id_{field}"]
    hint = unbound.by_id(f"id_{field}_hint")
    assert "govuk-hint" in classes(hint)
    assert described_by(widget) == [f"id_{field}_hint"]
    assert not unbound.all(cls="govuk-error-message", within=group)


def test_widgets_have_no_classes_from_other_template_packs(unbound):
    every_class = set().union(*(classes(element) for element in unbound.elements))

    assert not {"numberinput", "urlinput", "searchinput", "dateinput", "fileinput", "form-control"} & every_class


def test_radios_render_in_a_fieldset_with_a_legend_and_hint(unbound):
    group = unbound.group("frequency")
    fieldset = unbound.all("fieldset", cls="govuk-fieldset", within=group)[0]

    legend = unbound.all("legend", cls="govuk-fieldset__legend", within=fieldset)[0]
    assert text(legend) == "How often do you want emails?"
    assert described_by(fieldset) == ["id_frequency_hint"]
    assert unbound.all("div", cls="govuk-radios", within=fieldset)
    radios = unbound.all("input", cls="govuk-radios__input", within=fieldset)
    assert [attrs(radio)["type"] for radio in radios] == ["radio", "radio"]
    for radio in radios:
        label = [label for label in unbound.all("label") if attrs(label).get("for") == attrs(radio)["id"]]
        assert len(label) == 1
        assert "govuk-radios__label" in classes(label[0])


def test_checkboxes_render_in_a_fieldset_with_a_legend_and_hint(unbound):
    group = unbound.group("lists")
    fieldset = unbound.all("fieldset", cls="govuk-fieldset", within=group)[0]

    assert text(unbound.all("legend", within=fieldset)[0]) == "What do you want to hear about?"
    assert described_by(fieldset) == ["id_lists_hint"]
    assert unbound.all("div", cls="govuk-checkboxes", within=fieldset)
    boxes = unbound.all("input", cls="govuk-checkboxes__input", within=fieldset)
    assert [attrs(box)["id"] for box in boxes] == ["id_lists_1", "id_lists_2", "id_lists_3"]
    assert [attrs(label)["for"] for label in unbound.all("label", cls="govuk-checkboxes__label", within=group)] == [
        "id_lists_1",
        "id_lists_2",
        "id_lists_3",
    ]


def test_a_single_checkbox_has_its_label_beside_it(unbound):
    group = unbound.group("consent")
    box = unbound.by_id("id_consent")

    assert attrs(box)["type"] == "checkbox"
    assert "govuk-checkboxes__input" in classes(box)
    assert unbound.all("div", cls="govuk-checkboxes__item", within=group)
    label = unbound.all("label", cls="govuk-checkboxes__label", within=group)[0]
    assert attrs(label)["for"] == "id_consent"
    assert text(label) == "I agree to the terms"
    assert described_by(box) == ["id_consent_hint"]


def test_a_three_part_date_has_a_label_for_each_part(unbound):
    group = unbound.group("start")
    fieldset = unbound.all("fieldset", cls="govuk-fieldset", within=group)[0]

    assert text(unbound.all("legend", within=fieldset)[0]) == "Date of the session"
    assert described_by(fieldset) == ["id_start_hint"]
    assert unbound.all("div", cls="govuk-date-input", within=fieldset)
    parts = unbound.all("input", cls="govuk-date-input__input", within=fieldset)
    assert [attrs(part)["id"] for part in parts] == ["id_start_0", "id_start_1", "id_start_2"]
    labels = {attrs(label)["for"]: text(label) for label in unbound.all("label", within=fieldset)}
    assert labels == {"id_start_0": "Day", "id_start_1": "Month", "id_start_2": "Year"}


def test_no_error_summary_without_errors(unbound):
    assert not unbound.all(cls="govuk-error-summary")
    assert "govuk-form-group--error" not in unbound.html


def test_the_form_tag_turns_off_browser_validation(unbound):
    form = unbound.all("form")[0]

    assert "novalidate" in attrs(form)


# --- With errors ---------------------------------------------------------------------------------


EXPECTED_ERRORS = {
    "name": "This field is required.",
    "email": "Enter a valid email address.",
    "places": "Enter a whole number.",
    "website": "Enter a valid URL.",
    "summary": "This field is required.",
    "sector": "This field is required.",
    "frequency": "This field is required.",
    "lists": "This field is required.",
    "consent": "This field is required.",
    "start": "Enter the day, month and year",
    "attended_on": "Enter a valid date.",
    "document": "This field is required.",
    "q": "This field is required.",
}


@pytest.mark.parametrize(("field", "tag", "govuk_class", "error_class"), SIMPLE_WIDGETS)
def test_single_input_widgets_show_their_error(invalid, field, tag, govuk_class, error_class):
    group = invalid.group(field)
    widget = invalid.by_id(f"id_{field}")

    assert "govuk-form-group--error" in classes(group)
    assert {govuk_class, error_class} <= classes(widget)
    assert attrs(widget)["aria-invalid"] == "true"
    error = invalid.by_id(f"id_{field}_1_error")
    assert "govuk-error-message" in classes(error)
    assert text(error) == f"Error: {EXPECTED_ERRORS[field]}"
    assert described_by(widget) == [f"id_{field}_hint", f"id_{field}_1_error"]


@pytest.mark.parametrize("field", sorted(FIELDSET_WIDGETS))
def test_fieldset_widgets_show_their_error(invalid, field):
    group = invalid.group(field)
    fieldset = invalid.all("fieldset", within=group)[0]

    assert "govuk-form-group--error" in classes(group)
    error = invalid.by_id(f"id_{field}_1_error")
    assert "govuk-error-message" in classes(error)
    assert text(error) == f"Error: {EXPECTED_ERRORS[field]}"
    assert described_by(fieldset) == [f"id_{field}_hint", f"id_{field}_1_error"]


def test_a_single_checkbox_shows_its_error(invalid):
    group = invalid.group("consent")
    box = invalid.by_id("id_consent")

    assert "govuk-form-group--error" in classes(group)
    assert text(invalid.by_id("id_consent_1_error")) == "Error: This field is required."
    assert described_by(box) == ["id_consent_hint", "id_consent_1_error"]


def test_every_part_of_a_blank_date_is_marked(invalid):
    for part in ("id_start_0", "id_start_1", "id_start_2"):
        assert "govuk-input--error" in classes(invalid.by_id(part))


def test_error_summary_links_every_error_to_an_element_on_the_page(invalid):
    summary = invalid.all("div", cls="govuk-error-summary")[0]

    assert text(invalid.all("h2", cls="govuk-error-summary__title", within=summary)[0]) == "There is a problem"
    assert [attrs(element)["role"] for element in invalid.all(within=summary) if "role" in attrs(element)] == ["alert"]
    links = invalid.all("a", within=summary)
    targets = {text(link): [] for link in links}
    for link in links:
        targets[text(link)].append(attrs(link)["href"])
    expected = [
        (message, f"#{FIELDSET_WIDGETS.get(field, f'id_{field}')}") for field, message in EXPECTED_ERRORS.items()
    ]
    assert [(text(link), attrs(link)["href"]) for link in links] == expected
    for link in links:
        target = invalid.by_id(attrs(link)["href"][1:])
        assert target.name in {"input", "textarea", "select"}


def test_error_summary_links_a_date_part_error_to_that_part():
    form = EveryWidgetForm({**GOOD_DATA, "start_1": "March"})
    assert not form.is_valid()
    page = render(form)

    summary = page.all("div", cls="govuk-error-summary")[0]
    assert [(text(link), attrs(link)["href"]) for link in page.all("a", within=summary)] == [
        ("Enter a valid month", "#id_start_1"),
        ("This field is required.", "#id_document"),
    ]
    assert "govuk-input--error" in classes(page.by_id("id_start_1"))
    assert "govuk-input--error" not in classes(page.by_id("id_start_0"))


def test_form_wide_errors_use_gov_uk_classes_and_link_to_the_first_field():
    upload = {"document": SimpleUploadedFile("article.docx", b"Our safeguarding week", "application/msword")}
    form = EveryWidgetForm({**GOOD_DATA, "places": "99"}, upload)
    assert not form.is_valid()
    page = render(form)

    summary = page.all("div", cls="govuk-error-summary")[0]
    assert [(text(link), attrs(link)["href"]) for link in page.all("a", within=summary)] == [
        ("You cannot book 99 places", "#id_name")
    ]
    messages = [text(element) for element in page.all(cls="govuk-error-message")]
    assert messages == ["Error: You cannot book 99 places"]
    assert "alert-danger" not in page.html


# --- What was typed is kept ----------------------------------------------------------------------


def test_a_bound_form_keeps_what_was_typed():
    form = EveryWidgetForm(GOOD_DATA)
    assert not form.is_valid()  # the document is missing
    page = render(form)

    for field in ("name", "email", "places", "website", "attended_on", "q"):
        assert attrs(page.by_id(f"id_{field}"))["value"] == GOOD_DATA[field], field
    # Line breaks too: the parse tree folds whitespace, so look at the markup itself.
    assert f">\n{escape(GOOD_DATA['summary'])}</textarea>" in page.html
    selected = [attrs(option)["value"] for option in page.all("option") if "selected" in attrs(option)]
    assert selected == ["education"]
    checked = {attrs(element)["id"] for element in page.elements if "checked" in attrs(element)}
    assert checked == {"id_frequency_2", "id_lists_2", "id_lists_3", "id_consent"}
    assert [attrs(page.by_id(f"id_start_{part}"))["value"] for part in range(3)] == ["27", "3", "2026"]
    assert "value" not in attrs(page.by_id("id_document"))


def test_a_bound_form_with_errors_keeps_the_bad_values_to_correct():
    form = EveryWidgetForm(BAD_DATA)
    assert not form.is_valid()
    page = render(form)

    assert attrs(page.by_id("id_email"))["value"] == "helen.marsh-at-example.org"
    assert attrs(page.by_id("id_places"))["value"] == "three"
    assert attrs(page.by_id("id_website"))["value"] == "not a web address"
    assert attrs(page.by_id("id_attended_on"))["value"] == "the first of March"
