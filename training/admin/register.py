"""Marking attendance on a session's register."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from lscb_portal.core.errors import Refused

from .. import exports, services
from ..models import Session


class RegisterView:
    """The session's register, a page of its own beside the session."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/register/", view(self.register_view), name="training_session_register"),
            *super().get_urls(),
        ]

    def register_view(self, request, pk: int):
        """The session's register: mark everyone attended or not in one go."""
        session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        bookings = [booking for booking in exports.register_bookings([session]) if booking.status in services.MARKABLE]
        if request.method == "POST":
            attended, absent = [], []
            for booking in bookings:
                choice = request.POST.get(f"attendance-{booking.pk}")
                if choice == "attended":
                    attended.append(booking.pk)
                elif choice == "did_not_attend":
                    absent.append(booking.pk)
            try:
                changed = services.attendance_mark(session=session, attended=attended, did_not_attend=absent)
            except Refused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(request, f"Attendance saved: {changed} delegate(s) updated.", messages.SUCCESS)
            return redirect("admin:training_session_register", pk=session.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Register: {session}",
            "session": session,
            "bookings": bookings,
            "opts": self.model._meta,
            "has_started": session.has_started(),
        }
        return TemplateResponse(request, "training/admin/register.html", context)
