"""Cancelling sessions: a confirmation page that asks why, and tells everyone booked or waiting."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from lscb_portal.core.errors import Refused

from .. import services
from ..models import Session, SessionStatus


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        help_text="Everyone booked or on the waiting list is emailed this reason.",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60, "class": "lscb-fit"}),
        required=False,
    )

    def clean_reason(self):
        try:
            return services.check_cancel_reason(self.cleaned_data["reason"])
        except Refused as refused:
            raise forms.ValidationError(str(refused)) from None


class CancelSessionView:
    """The page that cancels one session (from its change page) or several (the list's action)."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/cancel/", view(self.cancel_view), name="training_session_cancel"),
            *super().get_urls(),
        ]

    def cancel_view(self, request, pk: int):
        session = get_object_or_404(Session, pk=pk)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        sessions = Session.objects.filter(pk=pk)
        return self._cancel_page(request, sessions, action=None) or redirect("admin:training_session_changelist")

    def _cancel_page(self, request, sessions, *, action: str | None):
        """The confirmation page, or None once the sessions are cancelled (the messages say what happened)."""
        # The list's action posts here first with no answer yet: the form is then shown, not checked.
        answered = request.method == "POST" and (action is None or "confirm" in request.POST)
        form = CancelSessionForm(request.POST if answered else None)
        scheduled = sessions.filter(status=SessionStatus.SCHEDULED)
        if form.is_bound and form.is_valid():
            cancelled, emailed = 0, 0
            for session in scheduled:
                try:
                    emailed += services.session_cancel(session=session, reason=form.cleaned_data["reason"])
                except Refused as refused:
                    self.message_user(request, f"{session}: {refused}", messages.WARNING)
                else:
                    cancelled += 1
            self.message_user(
                request,
                f"Cancelled {cancelled} session(s); {emailed} delegate(s) and people waiting emailed.",
                messages.SUCCESS,
            )
            return None
        listed = list(scheduled.select_related("course").with_places().order_by("starts_at"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Cancel the session" if len(listed) == 1 else "Cancel the sessions",
            "form": form,
            "sessions": listed,
            "already_cancelled": sessions.exclude(status=SessionStatus.SCHEDULED).count(),
            "action": action,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "training/admin/cancel_session.html", context)
