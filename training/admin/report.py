"""The board's training report."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from .. import report


class ReportViews:
    """The board's yearly training report, on screen and as CSV."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("report/", view(self.report_view), name="training_report"),
            path("report/<int:year>/", view(self.report_view), name="training_report_year"),
            path("report/<int:year>/report.csv", view(self.report_csv_view), name="training_report_csv"),
            *super().get_urls(),
        ]

    @staticmethod
    def _year(year: int | None) -> int:
        """The programme year asked for; a year the portal cannot have (before 2000, after next year) is not found."""
        this_year = report.programme_year_of(timezone.localdate())
        if year is None:
            return this_year
        if not 2000 <= year <= this_year + 1:
            raise Http404("There is no training report for that year.")
        return year

    def report_view(self, request, year: int | None = None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(year)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Training report {report.year_label(year)}",
            "report": report.board_report(year=year),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "training/admin/report.html", context)

    def report_csv_view(self, request, year: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(year)
        response = HttpResponse(report.report_csv(report.board_report(year=year)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="training-report-{report.year_label(year)}.csv"'
        return response
