"""The session's register and sign-in sheet as PDFs (training/registers.py), from the session's admin page."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from .. import registers
from ..models import Session


class SessionDocumentsView:
    """Two views beside the session: ``register.pdf`` (with needs, for the trainer) and ``sign-in-sheet.pdf``."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/register.pdf", view(self.register_pdf_view), name="training_session_register_pdf"),
            path("<int:pk>/sign-in-sheet.pdf", view(self.sign_in_sheet_pdf_view), name="training_session_sign_in_pdf"),
            *super().get_urls(),
        ]

    def register_pdf_view(self, request, pk: int):
        # Access and dietary needs are special-category data: only those who may read them get this copy.
        if not request.user.has_perm("training.view_bookingneeds"):
            raise PermissionDenied
        return self._pdf(request, pk, sign_in_sheet=False)

    def sign_in_sheet_pdf_view(self, request, pk: int):
        return self._pdf(request, pk, sign_in_sheet=True)

    def _pdf(self, request, pk: int, *, sign_in_sheet: bool) -> HttpResponse:
        session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
        if not self.has_view_permission(request, session):
            raise PermissionDenied
        response = HttpResponse(
            registers.register_pdf(session, sign_in_sheet=sign_in_sheet), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'inline; filename="{registers.filename(session, sign_in_sheet=sign_in_sheet)}"'
        )
        response["Cache-Control"] = "no-store, private"
        response["Content-Security-Policy"] = "sandbox"
        return response

    @staticmethod
    def document_links(session: Session):
        return format_html(
            '<a href="{}">Register for the trainer (PDF, with access and dietary needs)</a> · '
            '<a href="{}">Sign-in sheet (PDF)</a>',
            reverse("admin:training_session_register_pdf", args=[session.pk]),
            reverse("admin:training_session_sign_in_pdf", args=[session.pk]),
        )
