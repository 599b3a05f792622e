"""Staff roles as groups. Each app's migration grants its own models to its group.

Used from data migrations::

    from lscb_portal.core.roles import grant_app_permissions

    def grant(apps, schema_editor):
        grant_app_permissions(apps, "training", TRAINING_ADMINISTRATORS)
"""

BOARD_MANAGERS = "Board managers"
TRAINING_ADMINISTRATORS = "Training administrators"
PROCEDURE_EDITORS = "Procedure editors"
ROLES = [BOARD_MANAGERS, TRAINING_ADMINISTRATORS, PROCEDURE_EDITORS]


def grant_app_permissions(apps, app_label: str, group_name: str, *, models: list[str] | None = None) -> None:
    """Give ``group_name`` every permission on ``app_label``'s models (or just ``models``).

    Permissions are normally created after all migrations run; creating them here
    lets a fresh database have complete groups as soon as it is migrated.
    """
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True  # the migration state's AppConfigStub has none
    create_contenttypes(app_config, verbosity=0, apps=apps)
    create_permissions(app_config, verbosity=0, apps=apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    if models is not None:
        permissions = permissions.filter(content_type__model__in=[name.lower() for name in models])
    group.permissions.add(*permissions)
