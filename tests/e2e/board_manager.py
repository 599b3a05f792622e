"""Logging a board manager into the back office for the newsletters' browser tests."""

from django.contrib.auth.models import Group, Permission, User

from lscb_portal.core.roles import BOARD_MANAGERS

PASSWORD = "lantern-orchard-river-27"


def log_in_board_manager(page, live_server, next_url: str, *, username: str = "helen") -> User:
    """A board manager (the role granted as its migration does: browser tests flush the database), logged in."""
    editor = User.objects.create_user(
        username, email=f"{username}@board.example.org", password=PASSWORD, is_staff=True
    )
    managers, _ = Group.objects.get_or_create(name=BOARD_MANAGERS)
    managers.permissions.add(*Permission.objects.filter(content_type__app_label="newsletters"))
    editor.groups.add(managers)
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(f"**{next_url}")
    return editor
