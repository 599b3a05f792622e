from django.db import migrations

from lscb_portal.core.roles import TRAINING_ADMINISTRATORS, grant_app_permissions


def grant_training_to_administrators(apps, schema_editor):
    grant_app_permissions(apps, "training", TRAINING_ADMINISTRATORS)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_lock_order_sequence"),
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_training_to_administrators, migrations.RunPython.noop)]
