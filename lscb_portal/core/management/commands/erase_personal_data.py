"""manage.py erase_personal_data EMAIL: erase or anonymise one person's data in every app (right to erasure)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from lscb_portal.core.privacy import erase_personal_data, find_traces, normalise


class Command(BaseCommand):
    help = (
        "Erase everything held about an email address: bookings are anonymised, contributions, alerts and emails "
        "deleted, history rows included. Then every table is checked for the address."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, email: str, yes: bool = False, **options):
        email = normalise(email)
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an email address.") from exc
        if not yes and options.get("interactive", True):
            try:
                answer = input(f"Erase everything held about {email}? This cannot be undone. Type 'yes' to go on: ")
            except EOFError:
                raise CommandError(
                    "Nothing was erased: there is no terminal to confirm on. Run it again with --yes."
                ) from None
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        counts = erase_personal_data(email=email)
        for what, count in counts.items():
            if count:
                self.stdout.write(f"{what}: {count}")
        left = find_traces(email)
        if left:
            tables = ", ".join(f"{label} ({count})" for label, count in sorted(left.items()))
            raise CommandError(f"The address is still found in: {tables}.")
        self.stdout.write(self.style.SUCCESS(f"Erased. {email} is no longer found in any table."))
