import datetime

from django.core.management.base import BaseCommand
from django.db import connection

from bench.reference.notices.models import Notice

CATEGORIES = ["guidance", "training", "procedures", "newsletters", "meetings"]
SUBJECTS = [
    "neglect toolkit",
    "early help assessment",
    "county lines briefing",
    "domestic abuse referral pathway",
    "online safety for parents",
    "safer recruitment checklist",
    "missing from home protocol",
    "Prevent duty refresher",
]


class Command(BaseCommand):
    help = "Fill the reference table with a few thousand notices (refuses to add more once filled)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)

    def handle(self, *args, rows: int, **options):
        existing = Notice.objects.count()
        if existing >= rows:
            self.stdout.write(f"reference table already holds {existing} notices")
            return
        start = datetime.date(2015, 1, 1)
        notices = [
            Notice(
                category=CATEGORIES[index % len(CATEGORIES)],
                title=f"Notice {index}: updated {SUBJECTS[index % len(SUBJECTS)]}",
                summary=(
                    f"The {SUBJECTS[(index + 3) % len(SUBJECTS)]} has been reviewed by the sub-group and "
                    "now reflects the latest statutory guidance for practitioners."
                ),
                published_on=start + datetime.timedelta(days=index % 3650),
            )
            for index in range(existing, rows)
        ]
        Notice.objects.bulk_create(notices, batch_size=1000)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Notice._meta.db_table}")
        self.stdout.write(f"reference table filled with {rows} notices")
