from django.db import migrations

from lscb_portal.core.roles import PROCEDURE_EDITORS, grant_app_permissions


def grant_procedure_editors(apps, schema_editor):
    grant_app_permissions(apps, "procedures", PROCEDURE_EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0001_manual_chapters_rounds"),
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_procedure_editors, migrations.RunPython.noop)]
