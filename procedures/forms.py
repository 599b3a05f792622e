from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from lscb_portal.core.forms import PrintedCodeForm
from lscb_portal.core.search import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the procedures manual", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = True
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("q", label_size=Size.MEDIUM, label_tag="h2"), Button("search", "Search")
        )
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": MAX_QUERY_LENGTH})
        self.fields["q"].help_text = "For example: neglect, section 47, county lines"


class RealDateField(DateInputField):
    """A GOV.UK date input that says "enter a real date" for 31 February rather than Python's words."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError as error:
            raise forms.ValidationError("Date must be a real date, for example 27 3 2018") from error


class AsAtForm(forms.Form):
    """A date to see a chapter as it stood then (for audits and case reviews)."""

    date = RealDateField(label="Date", help_text="For example, 27 3 2018", require_all_fields=False)

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages.update(
            {
                "required": "Enter the date you want to see the chapter as at",
                "incomplete": "Enter a day, month and year",
            }
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                Field("date"),
                legend="See this chapter as it stood on a date",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Button("show", "Show the chapter on this date", css_class="govuk-button--secondary"),
        )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value.year < 1900:
            raise forms.ValidationError("Enter a year after 1900")
        if value and value > date.today().replace(year=date.today().year + 10):
            raise forms.ValidationError("Enter a date no more than ten years from now")
        return value


def empty_as_at_form(action: str) -> AsAtForm:
    """The unbound "as it stood on a date" form of the chapter whose as-at page is ``action`` (for
    ``blank_form_html``)."""
    return AsAtForm(action=action)


class VerifyForm(PrintedCodeForm):
    code_label = "Code at the foot of the printed page"
    missing_message = "Enter the code from the printed page"
