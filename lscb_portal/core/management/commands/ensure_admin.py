import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


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
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        if generated:
            self.stdout.write(self.style.SUCCESS(f"Demo administrator: username 'admin', password '{password}'"))
        else:
            self.stdout.write(self.style.SUCCESS("Demo administrator 'admin' uses DEMO_ADMIN_PASSWORD."))
