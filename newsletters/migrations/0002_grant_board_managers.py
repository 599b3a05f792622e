from django.db import migrations

from lscb_portal.core.roles import BOARD_MANAGERS, grant_app_permissions


def grant_newsletters_to_board_managers(apps, schema_editor):
    grant_app_permissions(apps, "newsletters", BOARD_MANAGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_series_issues_articles"),
        ("core", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(grant_newsletters_to_board_managers, migrations.RunPython.noop),
    ]
