from django.db import migrations

from lscb_portal.core.roles import BOARD_MANAGERS, ROLES, TRAINING_ADMINISTRATORS, grant_app_permissions

BOARD_MANAGER_MODELS = [
    "boardsettings",
    "historicalboardsettings",
    "boardcontact",
    "subscriber",
    "subscription",
    "outboxmessage",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    grant_app_permissions(apps, "core", BOARD_MANAGERS, models=BOARD_MANAGER_MODELS)
    grant_app_permissions(apps, "core", TRAINING_ADMINISTRATORS, models=["organisation", "historicalorganisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
