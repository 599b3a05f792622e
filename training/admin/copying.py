"""Copying sessions: one session to new dates (from its change page), or a term forward by a number of weeks
(the list's action, then a preview of every new session before anything is made).

The copies are made by ``services.session_copy`` and ``services.sessions_copy_forward``, which hold the
session form's date rules; these pages ask, show what will be made and say what happened.
"""

import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from lscb_portal.core.errors import Refused, add_to_form
from lscb_portal.core.wording import counted

from .. import services
from ..models import Session

IDS = re.compile(r"^\d{1,10}(,\d{1,10})*$")


class CopySessionForm(forms.Form):
    first_date = forms.DateField(
        label="New first date",
        help_text="For example, 17/09/2026. The times stay the same, and a course over several dates keeps the "
        "same days between its dates.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": "Enter the new first date.", "invalid": "Enter a real date, like 17/09/2026."},
    )
    confirm = forms.BooleanField(
        label="Copy anyway",
        required=False,
        help_text="Tick to copy to dates on a weekend, a bank holiday or already past, once you have checked them.",
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.copy: services.SessionCopy | None = None

    def clean_first_date(self):
        first_date = self.cleaned_data["first_date"]
        if not datetime.date(2000, 1, 1) <= first_date <= datetime.date(2099, 12, 31):
            raise forms.ValidationError("Enter a date this century.")
        return first_date

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.copy = services.session_copy_preview(session=self.session, first_date=cleaned["first_date"])
        except Refused as refused:
            add_to_form(self, refused)
            return cleaned
        if self.copy.exists:
            local = timezone.localtime(self.copy.starts_at)
            self.add_error(
                "first_date",
                f"There is already a session of {self.session.course.title} on {local:%-d %B %Y at %H:%M}.",
            )
        elif self.copy.warnings and not cleaned.get("confirm"):
            self.add_error("confirm", [*self.copy.warnings, "Check the dates, or tick “Copy anyway”."])
        return cleaned


class CopyForwardForm(forms.Form):
    weeks = forms.IntegerField(
        label="Copy forward by (weeks)",
        min_value=1,
        max_value=services.copying.MAX_WEEKS,
        help_text=f"From 1 to {services.copying.MAX_WEEKS}. A term is usually 12 to 14 weeks; a year is 52.",
        error_messages={
            "required": "Enter a number of weeks.",
            "invalid": "Enter a whole number of weeks, like 13.",
            "min_value": f"Enter a number of weeks from 1 to {services.copying.MAX_WEEKS}.",
            "max_value": f"Enter a number of weeks from 1 to {services.copying.MAX_WEEKS}.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "vSmallField"}),
    )


def _day(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%a %-d %b %Y}"


def _dates_text(parts) -> str:
    """The dates of a session as the preview lists them: "Tue 3 Mar 2026, 09:30 to 12:30"."""
    local = timezone.localtime
    return "; ".join(
        f"{_day(part.starts_at)}, {local(part.starts_at):%H:%M} to {local(part.ends_at):%H:%M}" for part in parts
    )


class CopySessionsView:
    """The session admin's copy pages: one session to new dates, and the term's sessions forward."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/copy/", view(self.copy_view), name="training_session_copy"),
            path("copy-forward/", view(self.copy_forward_view), name="training_session_copy_forward"),
            *super().get_urls(),
        ]

    # One session to new dates.

    def copy_view(self, request, pk: int):
        session = get_object_or_404(
            Session.objects.select_related("course", "venue").prefetch_related("parts", "trainer_records"), pk=pk
        )
        if not (self.has_view_permission(request, session) and self.has_add_permission(request)):
            raise PermissionDenied
        form = CopySessionForm(request.POST or None, session=session)
        if request.method == "POST" and form.is_valid():
            try:
                copy = services.session_copy(
                    session=session, first_date=form.cleaned_data["first_date"], confirmed=form.cleaned_data["confirm"]
                )
            except Refused as refused:
                add_to_form(form, refused)
            else:
                message = f"Copied to a new session: {copy}. It has no bookings yet."
                if copy.course.delivery == "online" and not copy.joining_url:
                    message += " Add its online joining link below."
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:training_session_change", copy.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Copy the session to new dates",
            "opts": self.model._meta,
            "original": session,
            "session": session,
            "dates": _dates_text(session.parts.all()),
            "form": form,
            "copy": form.copy,
            "new_dates": _dates_text(form.copy.parts) if form.copy else "",
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "training/admin/copy_session.html", context)

    # A term's sessions forward by a number of weeks.

    @admin.action(description="Copy selected sessions forward…", permissions=["add"])
    def copy_forward(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.order_by("starts_at").values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:training_session_copy_forward')}?{urlencode({'ids': ids})}")

    def _chosen_sessions(self, request) -> list[Session] | None:
        """The sessions named by ``?ids=`` (or the posted ids), or None when the list is not one."""
        ids = (request.POST.get("ids") if request.method == "POST" else request.GET.get("ids")) or ""
        if not IDS.match(ids):
            return None
        wanted = set(map(int, ids.split(",")))
        if len(wanted) > services.copying.MAX_SESSIONS:
            return None
        sessions = list(
            self.get_queryset(request)
            .filter(pk__in=wanted)
            .select_related("venue")
            .prefetch_related("parts", "trainer_records")
        )
        return sessions if len(sessions) == len(wanted) else None

    def copy_forward_view(self, request):
        if not (self.has_view_permission(request) and self.has_add_permission(request)):
            raise PermissionDenied
        sessions = self._chosen_sessions(request)
        if not sessions:
            self.message_user(
                request,
                "Those sessions could not be found. Choose the sessions to copy in the list (at most "
                f"{services.copying.MAX_SESSIONS}), then “Copy selected sessions forward…”.",
                messages.ERROR,
            )
            return redirect("admin:training_session_changelist")
        answered = request.POST if request.method == "POST" else (request.GET if "weeks" in request.GET else None)
        form = CopyForwardForm(answered)
        term = None
        if form.is_bound and form.is_valid():
            try:
                term = services.sessions_copy_preview(sessions=sessions, weeks=form.cleaned_data["weeks"])
            except Refused as refused:
                add_to_form(form, refused)
        if request.method == "POST" and term is not None:
            return self._copy_forward(request, sessions, term)
        context = {
            **self.admin_site.each_context(request),
            "title": "Copy sessions forward",
            "opts": self.model._meta,
            "form": form,
            "term": term,
            "rows": [(copy, _dates_text(copy.source.parts.all()), _dates_text(copy.parts)) for copy in term.copies]
            if term
            else [],
            "ids": ",".join(str(session.pk) for session in sessions),
            "sessions": sorted(sessions, key=lambda session: session.starts_at),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "training/admin/copy_forward.html", context)

    def _copy_forward(self, request, sessions, term):
        # The preview's button posts here: what it showed is what is made, in one transaction.
        try:
            term, made = services.sessions_copy_forward(sessions=sessions, weeks=term.weeks)
        except Refused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            query = urlencode({"ids": ",".join(str(session.pk) for session in sessions), "weeks": term.weeks})
            return HttpResponseRedirect(f"{reverse('admin:training_session_copy_forward')}?{query}")
        weeks = counted(term.weeks, "week")
        text = f"Copied {counted(len(made), 'session')} forward {weeks}, with booking open by the same dates moved on."
        if term.cancelled:
            text += f" Left out {counted(len(term.cancelled), 'cancelled session')}."
        if term.already_made:
            already = counted(len(term.already_made), "session")
            text += f" Left out {already} already in the programme on the new dates."
        self.message_user(request, text, messages.SUCCESS)
        if not made:
            return redirect("admin:training_session_changelist")
        ids = ",".join(str(session.pk) for session in made)
        return HttpResponseRedirect(f"{reverse('admin:training_session_changelist')}?{urlencode({'id__in': ids})}")
