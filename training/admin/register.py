"""Marking attendance on a session's register, one date at a time."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from lscb_portal.core.errors import Refused

from .. import conf, selectors, services
from ..models import BookingStatus, Session


class RegisterView:
    """The session's register, a page of its own beside the session."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/register/", view(self.register_view), name="training_session_register"),
            *super().get_urls(),
        ]

    def register_view(self, request, pk: int):
        """The register for one of the session's dates: mark everyone attended or not in one go."""
        session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        register = selectors.session_register(session=session)
        now = timezone.now()
        number = _chosen_part(request, register.parts, now)
        part = register.parts[number] if register.parts else None
        if request.method == "POST" and part is not None:
            everyone = "mark_all" in request.POST
            sending = "send_evaluations" in request.POST
            attended, absent = _choices(request, register.rows, number, everyone=everyone)
            try:
                changed = services.attendance_mark(
                    session=session, part=part, attended=attended, did_not_attend=absent
                )
            except Refused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                if changed or not sending:
                    self.message_user(request, _saved_message(changed, attended, absent, everyone), messages.SUCCESS)
                if sending:
                    # The one form: the marks on it are saved first, so nothing chosen is lost and those just
                    # marked attended are asked too.
                    rows = selectors.session_register(session=session).rows
                    asked = services.evaluations_send_now(
                        booking_ids=[row.booking.pk for row in rows if _askable(row.booking)]
                    )
                    self.message_user(request, _asked_message(asked), messages.SUCCESS if asked else messages.WARNING)
            url = reverse("admin:training_session_register", args=[session.pk])
            return redirect(f"{url}?date={number + 1}" if len(register.parts) > 1 else url)
        askable = sum(1 for row in register.rows if _askable(row.booking))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Register: {session}",
            "session": session,
            "parts": [(index + 1, each, index == number) for index, each in enumerate(register.parts)],
            "part": part,
            "number": number + 1,
            "rows": [(row.booking, row.marks[number] if part else None, row.marks) for row in register.rows],
            "opts": self.model._meta,
            "has_started": part is not None and part.has_started(now),
            "askable": askable,
            "asked": sum(1 for row in register.rows if row.booking.evaluation_sent_at is not None),
            "evaluation_weeks": conf.evaluation_after().days // 7,
        }
        return TemplateResponse(request, "training/admin/register.html", context)


def _chosen_part(request, parts, now) -> int:
    """The date asked for (``?date=2``, counted from 1), else the latest that has started, else the first."""
    asked = request.POST.get("date") or request.GET.get("date") or ""
    if asked.isdigit() and 1 <= int(asked) <= len(parts):
        return int(asked) - 1
    started = [index for index, part in enumerate(parts) if part.has_started(now)]
    return started[-1] if started else 0


def _choices(request, rows, number: int, *, everyone: bool) -> tuple[list[int], list[int]]:
    """The bookings marked attended and did not attend on the form.

    With "Mark everyone attended" (``everyone``), every delegate not marked as not attending on the form is
    attended; a row the form did not send keeps its did-not-attend mark, so no exception is undone.
    """
    attended, absent = [], []
    for row in rows:
        choice = request.POST.get(f"attendance-{row.booking.pk}")
        if choice is None and everyone and row.marks[number] is False:
            choice = "did_not_attend"
        if choice == "did_not_attend":
            absent.append(row.booking.pk)
        elif choice == "attended" or everyone:
            attended.append(row.booking.pk)
    return attended, absent


def _saved_message(changed: int, attended: list[int], absent: list[int], everyone: bool) -> str:
    if not everyone:
        return f"Attendance saved: {changed} delegate(s) updated."
    return (
        f"Marked {len(attended)} delegate(s) attended"
        + (f" and kept {len(absent)} as did not attend" if absent else "")
        + ". Now change anyone who did not come to 'Did not attend', then save attendance."
    )


def _askable(booking) -> bool:
    """Attended the whole session and not yet asked for the evaluation (the service checks again)."""
    return booking.status == BookingStatus.ATTENDED and booking.evaluation_sent_at is None


def _asked_message(asked: int) -> str:
    if not asked:
        return "Nobody was emailed: everyone recorded as attending has already been asked for the evaluation."
    return (
        f"Emailed the evaluation to {asked} delegate(s) who attended. "
        "Each gets their certificate as soon as they complete it."
    )
