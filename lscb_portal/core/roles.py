"""Staff roles as groups, and the one place that grants them permissions.

Each app declares in its ``AppConfig.ready()`` which of its models a role looks after
(``register_area``). After every migrate, and every flush (which test databases do between
transactional tests), ``sync_roles`` makes each role hold exactly the permissions of its
areas: a model added later is granted with no extra step, and a grant taken out of the code
is taken out of the database at the next migrate. Migrations grant nothing (see
docs/decisions.md, "Roles").
"""

import functools
import operator

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

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

# (app_label, group name, model names or None for the whole app)
_AREAS: list[tuple[str, str, tuple[str, ...] | None]] = []


def register_area(app_label: str, group_name: str, *, models: list[str] | None = None) -> None:
    """Declare that ``group_name`` manages ``app_label`` (or just some of its models): every permission on them."""
    area = (app_label, group_name, tuple(name.lower() for name in models) if models is not None else None)
    if area not in _AREAS:
        _AREAS.append(area)


def sync_roles(sender=None, apps=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: every role exists and holds exactly the permissions of its registered areas.

    Django creates an app's permissions in its own post_migrate handler, which may not have
    run yet for apps after this one, so they are created here first (it does nothing when they exist).
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    for app_label in {area[0] for area in _AREAS}:
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps)

    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return  # auth is not migrated (migrating backwards, or a partial migrate)
    for name in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=name)
        areas = [
            Q(content_type__app_label=app_label) & (Q(content_type__model__in=models) if models is not None else Q())
            for app_label, group_name, models in _AREAS
            if group_name == name
        ]
        granted = Permission.objects.using(using).filter(functools.reduce(operator.or_, areas)) if areas else []
        group.permissions.set(granted)
