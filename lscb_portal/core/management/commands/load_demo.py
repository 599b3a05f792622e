from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = "Load the demo board. Each app adds its part from its demo.py; running it again changes nothing."

    def handle(self, *args, **options):
        for app_config in apps.get_app_configs():
            if not module_has_submodule(app_config.module, "demo"):
                continue
            module = import_module(f"{app_config.name}.demo")
            with transaction.atomic():
                summary = module.load()
            self.stdout.write(f"{app_config.verbose_name}: {summary}")
