"""manage.py export_personal_data EMAIL: everything held about one address, as JSON (a subject access request)."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email

from lscb_portal.core.privacy import export_personal_data


class Command(BaseCommand):
    help = (
        "Print as JSON everything the portal holds about an email address, in every app, history and outbox included."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="Write the JSON to this file instead of the screen.")

    def handle(self, *args, email: str, output: str | None = None, **options):
        try:
            validate_email(email.strip())
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an email address.") from exc
        data = export_personal_data(email=email)
        text = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"Written to {output}.")
        else:
            self.stdout.write(text)
