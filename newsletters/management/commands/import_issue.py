"""Bring past newsletters into the portal: each file becomes a draft issue (or, with --archive, a
published one under its own date that emails nobody).

    python manage.py import_issue spring-2018.docx summer-2018.pdf --series frontline-news --archive
"""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.links import absolute_url
from newsletters import importer, selectors, services
from newsletters.models import IssueDateShown, Series


class Command(BaseCommand):
    help = "Import newsletter files (.docx, .pdf, .md, .html, .txt) into a series as draft issues."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--series", required=True, metavar="SLUG", help="The series' web address, e.g. frontline-news."
        )
        parser.add_argument(
            "--number", type=int, metavar="N", help="The first file's issue number (the next files take the next "
            "numbers). Without it, the number printed in the document, or the series' next number."
        )  # fmt: skip
        parser.add_argument(
            "--date", dest="issue_date", type=date.fromisoformat, metavar="YYYY-MM-DD",
            help="The issue's date. Without it, the date printed in the document (its month), or today.",
        )  # fmt: skip
        parser.add_argument(
            "--archive", action="store_true", help="Publish each issue under its own date without emailing anyone."
        )

    def handle(self, *args, files, series, number, issue_date, archive, **options):
        try:
            series_obj = Series.objects.get(slug=series)
        except Series.DoesNotExist:
            known = ", ".join(Series.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No series “{series}”. Series: {known}.") from None
        failures = 0
        for index, name in enumerate(files):
            path = Path(name)
            try:
                reading = importer.read(path.name, path.read_bytes())
            except OSError as exc:
                failures += self._fail(name, f"cannot be opened ({exc.strerror}).")
                continue
            except ValidationError as error:
                failures += self._fail(name, " ".join(error.messages))
                continue
            built = importer.build(reading.pieces, reading.starts, title_piece=reading.title_piece)
            issue_number = (
                (number + index) if number else (reading.number or selectors.next_issue_number(series=series_obj))
            )
            when = issue_date or reading.issue_date or timezone.localdate()
            day = bool(issue_date) or reading.date_is_day
            try:
                issue = services.issue_import(
                    series=series_obj,
                    number=issue_number,
                    title=reading.title or when.strftime("%B %Y"),
                    issue_date=when,
                    date_shown=IssueDateShown.DAY if day else IssueDateShown.MONTH,
                    foreword=built.foreword,
                    articles=built.articles,
                    archive=archive,
                )
            except Refused as error:
                failures += self._fail(name, " ".join(error.messages))
                continue
            state = "published under its own date, nobody emailed" if archive else "draft"
            self.stdout.write(f"{name}: {issue.label} ({issue.date_label}), {len(built.articles)} articles, {state}")
            self.stdout.write(f"  admin:  {absolute_url(reverse('admin:newsletters_issue_change', args=[issue.pk]))}")
            self.stdout.write(f"  public: {absolute_url(issue.get_absolute_url())}")
        if failures:
            raise CommandError(f"{failures} of {len(files)} file{'s' if len(files) != 1 else ''} not imported.")

    def _fail(self, name: str, message: str) -> int:
        self.stderr.write(f"{name}: {message}")
        return 1
