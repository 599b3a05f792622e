"""Merging unverified organisations into the right record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from lscb_portal.core.errors import Refused

from .. import services
from .forms import MergeOrganisationsForm


class MergeOrganisationsView:
    """Merging the organisations bookers typed, a page of its own beside the bookings."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("merge-organisations/", view(self.merge_view), name="training_merge_organisations"),
            *super().get_urls(),
        ]

    def merge_view(self, request):
        """Merge organisations typed by bookers into the right record."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = MergeOrganisationsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            source, into = form.cleaned_data["source"], form.cleaned_data["into"]
            try:
                moved = services.organisation_merge(source=source, into=into)
            except Refused as refused:
                form.add_error(None, refused)
            else:
                self.message_user(
                    request, f"Merged {source.name} into {into.name}: {moved} booking(s) moved.", messages.SUCCESS
                )
                return redirect("admin:training_merge_organisations")
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge unverified organisations",
            "form": form,
            "unverified": form.fields["source"].queryset,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "training/admin/merge_organisations.html", context)
