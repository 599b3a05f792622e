import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Make sure the demo administrator 'admin' exists (password from DEMO_ADMIN_PASSWORD, else generated)."

    def handle(self, *args, **options):
        User = get_user_model()
        password = os.environ.get("DEMO_ADMIN_PASSWORD")
        user = User.objects.filter(username="admin").first()
        if user and not password:
            self.stdout.write("Demo administrator 'admin' already exists (set DEMO_ADMIN_PASSWORD to reset it).")
            return
        generated = not password
        password = password or secrets.token_urlsafe(12)
        if user is None:
            user = User(username="admin", email="admin@example.org")
        if not settings.DEBUG:
            # Outside development the demo administrator is a real superuser: the password rules apply.
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(f"DEMO_ADMIN_PASSWORD is too weak: {' '.join(error.messages)}") from None
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        if generated:
            self.stdout.write(self.style.SUCCESS(f"Demo administrator: username 'admin', password '{password}'"))
        else:
            self.stdout.write(self.style.SUCCESS("Demo administrator 'admin' uses DEMO_ADMIN_PASSWORD."))
