"""Each role sees only its own area of the admin; superusers see everything."""

import ast
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from lscb_portal.core.roles import BOARD_MANAGERS, PROCEDURE_EDITORS, ROLES, TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory

# What each role manages: "app_label" for a whole app, "app_label.model" for one model.
AREAS = {
    BOARD_MANAGERS: {"newsletters", "core.boardsettings", "core.subscriber", "core.outboxmessage"},
    TRAINING_ADMINISTRATORS: {"training", "core.organisation"},
    PROCEDURE_EDITORS: {"procedures"},
}


def in_area(role: str, model) -> bool:
    meta = model._meta
    return meta.app_label in AREAS[role] or f"{meta.app_label}.{meta.model_name}" in AREAS[role]


def portal_models():
    """Every model in the admin that belongs to the portal's own apps."""
    own = {"core", "newsletters", "training", "procedures"}
    return [model for model in admin.site._registry if model._meta.app_label in own]


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_the_three_roles_exist(db):
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_its_own_area(db, client, role):
    client.force_login(StaffUserFactory(role=role))
    allowed, refused = [], []
    for model in portal_models():
        status = client.get(changelist(model)).status_code
        expected = 200 if in_area(role, model) else 403
        (allowed if status == 200 else refused).append(model._meta.label)
        assert status == expected, f"{role} on {model._meta.label}: {status}, expected {expected}"
    assert allowed, f"{role} can reach nothing"


@pytest.mark.parametrize("role", ROLES)
def test_admin_index_lists_only_the_role_s_apps(db, client, role):
    client.force_login(StaffUserFactory(role=role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    shown = {
        f"{model['object_name'].lower()}"
        for app in response.context["app_list"]
        for model in app["models"]
        if app["app_label"] in {"core", "newsletters", "training", "procedures"}
    }
    expected = {model._meta.model_name for model in portal_models() if in_area(role, model)}
    assert shown == expected


def test_superuser_reaches_every_area(db, admin_client):
    for model in portal_models():
        assert admin_client.get(changelist(model)).status_code == 200, model._meta.label


def test_board_settings_history_is_shown_in_the_admin(db, admin_client):
    from lscb_portal.core.models import BoardSettings

    board = BoardSettings.get_solo()
    response = admin_client.post(
        reverse("admin:core_boardsettings_change", args=[board.pk]),
        {
            "name": "Kingsmere Safeguarding Children Board",
            "short_name": "KSCB",
            "kind": "Safeguarding Children Board",
            "area": "Kingsmere",
            "address": "",
            "phone": "",
            "office_email": "",
            "secure_email": "",
            "data_protection_email": "",
            "referral_service_name": "MASH",
            "referral_phone": "01632 960 001",
            "out_of_hours_phone": "",
            "referral_note": "Call 999 in an emergency.",
            "x_url": "",
            "facebook_url": "",
            "linkedin_url": "",
            "youtube_url": "",
            "accessibility_reviewed": "",
            "brand_colour": "#0b4f6c",
            "training_lead_name": "",
            "training_lead_role": "",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    history = BoardSettings.history.filter(id=board.pk).order_by("-history_date").first()
    assert history.name == "Kingsmere Safeguarding Children Board"
    assert history.history_user.is_superuser
    page = admin_client.get(reverse("admin:core_boardsettings_history", args=[board.pk]))
    assert page.status_code == 200
    assert "Kingsmere Safeguarding Children Board" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_roles_and_their_grants_survive_a_flush():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)

    for role, area in AREAS.items():
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.content_type.model}" for p in group.permissions.all()}
        for item in area:
            assert any(label == item or label.startswith(f"{item}.") for label in granted), (role, item)


# Every permission each role holds: "app_label" for all of an app's models, "app_label.model" for one model.
GRANTS = {
    BOARD_MANAGERS: {
        "newsletters",
        "core.boardsettings",
        "core.historicalboardsettings",
        "core.boardcontact",
        "core.subscriber",
        "core.subscription",
        "core.outboxmessage",
    },
    TRAINING_ADMINISTRATORS: {"training", "core.organisation", "core.historicalorganisation"},
    PROCEDURE_EDITORS: {"procedures"},
}


def permissions_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def permissions_for(areas: set[str]) -> set[str]:
    """Every permission on the areas, worked out from the content types rather than from the roles module."""
    found = set()
    for permission in Permission.objects.select_related("content_type"):
        content_type = permission.content_type
        if content_type.app_label in areas or f"{content_type.app_label}.{content_type.model}" in areas:
            found.add(f"{content_type.app_label}.{permission.codename}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_a_migrated_database_gives_each_role_exactly_its_permissions(db, role):
    expected = permissions_for(GRANTS[role])

    assert permissions_of(role) == expected
    assert len(expected) >= 8  # add, change, delete and view on at least two models


def test_migrate_puts_back_a_missing_grant_and_takes_away_a_stray_one(db):
    group = Group.objects.get(name=BOARD_MANAGERS)
    group.permissions.remove(Permission.objects.get(codename="change_issue"))
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    Group.objects.filter(name=PROCEDURE_EDITORS).delete()

    call_command("migrate", verbosity=0)

    assert permissions_of(BOARD_MANAGERS) == permissions_for(GRANTS[BOARD_MANAGERS])
    assert "newsletters.change_issue" in permissions_of(BOARD_MANAGERS)
    assert "auth.delete_user" not in permissions_of(BOARD_MANAGERS)
    assert permissions_of(PROCEDURE_EDITORS) == permissions_for(GRANTS[PROCEDURE_EDITORS])


def test_no_migration_grants_permissions_or_imports_the_roles_module():
    for label in ("core", "newsletters", "training", "procedures"):
        migrations = list((Path(django_apps.get_app_config(label).path) / "migrations").glob("0*.py"))
        assert migrations, label
        for migration in migrations:
            tree = ast.parse(migration.read_text())
            imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
                alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
            }
            assert "lscb_portal.core.roles" not in imported, migration
            assert "Permission" not in migration.read_text(), migration
