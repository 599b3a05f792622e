"""``manage.py rebuild_issue_pdfs``: make the PDFs of published issues again (after a new logo or colour)."""

import time

from django.core.management.base import BaseCommand

from newsletters import issue_pdf
from newsletters.models import Issue, IssueStatus


class Command(BaseCommand):
    help = (
        "Make the PDF of every published issue again: queued for the worker, or here and now with --now. "
        "Readers keep the previous copy until the new one is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--series", help="only this series (its slug)")
        parser.add_argument("--number", type=int, help="only this issue number (with --series)")
        parser.add_argument("--missing", action="store_true", help="only issues that have no PDF yet")
        parser.add_argument("--now", action="store_true", help="render here rather than queueing jobs")

    def handle(self, *args, series=None, number=None, missing=False, now=False, **options):
        issues = (
            Issue.objects.filter(status=IssueStatus.PUBLISHED).select_related("series").order_by("series", "number")
        )
        if series:
            issues = issues.filter(series__slug=series)
        if number is not None:
            issues = issues.filter(number=number)
        if missing:
            issues = issues.filter(pdf="")
        count = 0
        for issue in issues:
            if now:
                started = time.monotonic()
                issue_pdf.make_issue_pdf(issue_id=issue.pk)
                issue.refresh_from_db(fields=["pdf_size"])
                self.stdout.write(f"{issue}: {issue.pdf_size_label} in {time.monotonic() - started:.1f} s")
            elif issue_pdf.request_issue_pdf(issue):
                self.stdout.write(f"{issue}: queued")
            else:
                self.stdout.write(f"{issue}: already queued")
            count += 1
        self.stdout.write(
            self.style.SUCCESS(f"{count} issue{'s' if count != 1 else ''} {'made' if now else 'queued'}.")
        )
