"""A confirmation page for admin tasks that do something people notice (publish, email, send again).

Any app's admin view builds a ``Confirmation`` and renders it with ``confirmation_response``: the page
says what will happen as a list of facts (who is emailed, how many, at which address the thing appears),
shows warnings, the form with the choices, one or more submit buttons and a way back. The view stays
thin: on POST it validates the form, calls a service, adds a message and redirects, or renders the same
page again with the form's errors.

    return confirmation_response(request, self, Confirmation(
        obj=issue,
        title="Publish Issue 21",
        lead="Check what will happen, then publish.",
        facts=[Fact("Emails", "412 subscribers are emailed now")],
        form=form,
        buttons=[Button("_publish", "Publish"), Button("_send_test", "Send a test email", primary=False)],
        back_url=change_url,
    ))
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest
from django.template.response import TemplateResponse


@dataclass(frozen=True)
class Fact:
    """One line of "what will happen": a label and its value (plain text; items become a list)."""

    label: str
    value: str
    items: Sequence[str] = ()


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    primary: bool = True


@dataclass(frozen=True)
class Confirmation:
    obj: object
    title: str
    lead: str
    facts: Sequence[Fact]
    form: forms.Form
    buttons: Sequence[Button]
    back_url: str
    back_label: str = "Go back without doing anything"
    warnings: Sequence[str] = field(default_factory=tuple)


def confirmation_response(
    request: HttpRequest, model_admin: ModelAdmin, confirmation: Confirmation, *, status: int = 200
) -> TemplateResponse:
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": confirmation.title,
        "opts": opts,
        "original": confirmation.obj,
        "confirmation": confirmation,
        "form": confirmation.form,
        "media": model_admin.media + confirmation.form.media,
    }
    return TemplateResponse(request, "admin/portal/confirm.html", context, status=status)
