"""The one error a service raises when a rule says no.

Every app's services raise ``Refused`` with a message written for the person who asked
("Booking for this session closed on 2 April 2026 at 17:00. …"), never a technical one:
views show it on the page, next to ``field`` when it names a form field, and the back
office shows it as an error message (``admin_site.PortalAdminSite`` catches any that an
admin page or action lets through, so a refusal is never a server error).

It is a ``ValidationError``, so a form takes it as it is (``add_to_form``) and a refusal
can carry several problems at once (``Refused([...])``, as publishing a procedures round
does); but services raise it only for refusals, and callers catch ``Refused``.
"""

from django import forms
from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A rule said no. ``field`` names the form field the message belongs to, if any."""

    def __init__(self, message: str | list[str], *, field: str | None = None, code: str | None = None):
        super().__init__(message, code=code)
        self.field = field

    def __str__(self) -> str:
        return " ".join(self.messages)


def add_to_form(form: forms.BaseForm, refused: Refused) -> None:
    """Show a refusal on a form: beside its field when the form has that field, at the top otherwise."""
    form.add_error(refused.field if refused.field in form.fields else None, refused)
