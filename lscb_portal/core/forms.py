"""Empty forms that every reader sees alike, rendered once per process.

Rendering a form through the GOV.UK field templates costs more than the rest of a page's
form handling, and an empty booking form, programme filter or feedback form is the same for
everyone who sees it. ``blank_form_html`` keeps each one's HTML, keyed on the function that
builds it and that function's arguments, and puts each request's own CSRF token in.
"""

import functools
from collections.abc import Callable, Hashable

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.middleware.csrf import get_token
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from . import codes

# Stands in for the CSRF token in a kept form; not a secret, only ever replaced by the request's token.
CSRF_TOKEN_MARKER = "csrf-token-marker"  # noqa: S105


class Markup(LayoutObject):
    """A snippet of HTML in a crispy layout, put in as it is: never compiled as a template.

    crispy's ``HTML`` compiles its text as a template, so data in it (an organisation's name, an
    email address) would run as template code; ``Markup`` takes HTML built with ``format_html`` and
    escapes anything that is not a SafeString.
    """

    def __init__(self, html: str):
        self.html = conditional_escape(html)

    def render(self, form, context, template_pack=None, **kwargs) -> SafeString:
        return self.html


def blank_form_html(request, build: Callable[..., forms.Form], *args: Hashable) -> SafeString:
    """``{% crispy %}``'s HTML of the empty form ``build(*args)``, with this request's CSRF token.

    ``build`` must be a module-level function and ``args`` everything the form's HTML depends on
    (its choices, the course's rules): a different value renders and keeps another copy.
    """
    html = _rendered(build, args)
    if CSRF_TOKEN_MARKER in html:
        html = html.replace(CSRF_TOKEN_MARKER, get_token(request))
    return mark_safe(html)  # noqa: S308 - the form's own templates rendered it


@functools.lru_cache(maxsize=512)
def _rendered(build: Callable[..., forms.Form], args: tuple) -> str:
    return render_crispy_form(build(*args), context={"csrf_token": CSRF_TOKEN_MARKER})


class TableRowForm(forms.ModelForm):
    """A form shown as one row of an admin table (a tabular inline). Its inputs have no <label> of their
    own, only the column heading, so each is named after its field's label for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label or "").capitalize())


WRONG_CODE = "Enter the 8 letters and numbers of the code, for example K7PM-4QXD"


class PrintedCodeForm(forms.Form):
    """Checking a code printed on paper (``core.codes``): a chapter's print code, a certificate's code.

    Sent by GET (the answer is a page anyone may see for that code); subclasses name the code.
    """

    code_label = "Code"
    missing_message = "Enter the code"

    code = forms.CharField(max_length=20, help_text="8 letters and numbers, for example K7PM-4QXD")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = self.code_label
        self.fields["code"].error_messages.update(required=self.missing_message, max_length=WRONG_CODE)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("code", field_width=10, label_size=Size.MEDIUM, label_tag="h2"), Button("check", "Check")
        )

    def clean_code(self):
        code = codes.normalise_code(self.cleaned_data["code"])
        if len(code) != codes.LENGTH:
            raise forms.ValidationError(WRONG_CODE)
        return code
