"""Staff roles as groups. Each app's migration grants its own models to its group.

Each app also registers its area in ``AppConfig.ready()`` with ``register_area``;
after every migrate and every flush (which test databases do between
transactional tests) ``sync_roles`` re-applies the grants, so groups are never
found missing and a model added later is granted with no extra step.

Used from data migrations::

    from lscb_portal.core.roles import grant_app_permissions

    def grant(apps, schema_editor):
        grant_app_permissions(apps, "training", TRAINING_ADMINISTRATORS)
"""

BOARD_MANAGERS = "Board managers"
TRAINING_ADMINISTRATORS = "Training administrators"
PROCEDURE_EDITORS = "Procedure editors"
ROLES = [BOARD_MANAGERS, TRAINING_ADMINISTRATORS, PROCEDURE_EDITORS]

# The base's own models that Board managers look after.
BOARD_MANAGER_MODELS = [
    "boardsettings",
    "historicalboardsettings",
    "boardcontact",
    "subscriber",
    "subscription",
    "outboxmessage",
]


def grant_app_permissions(apps, app_label: str, group_name: str, *, models: list[str] | None = None) -> None:
    """Give ``group_name`` every permission on ``app_label``'s models (or just ``models``).

    Permissions are normally created after all migrations run; creating them here
    lets a fresh database have complete groups as soon as it is migrated.
    """
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    app_config = apps.get_app_config(app_label)
    if getattr(app_config, "models_module", None) is None:
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


# (app_label, group name, model names or None for the whole app)
_AREAS: list[tuple[str, str, tuple[str, ...] | None]] = []


def register_area(app_label: str, group_name: str, *, models: list[str] | None = None) -> None:
    """Declare that ``group_name`` manages ``app_label`` (or just some of its models)."""
    area = (app_label, group_name, tuple(models) if models is not None else None)
    if area not in _AREAS:
        _AREAS.append(area)


def sync_roles(sender=None, apps=None, **kwargs) -> None:
    """post_migrate: make sure every role exists and holds every registered grant."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for app_label, group_name, models in _AREAS:
        grant_app_permissions(apps, app_label, group_name, models=list(models) if models is not None else None)
