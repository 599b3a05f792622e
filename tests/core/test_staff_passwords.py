"""Staff passwords: long, not common, not one character or word repeated; ensure_admin keeps the rules too."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "passwordpassword", "abcabcabcabc", "111111111111", "qwertyuiopas", "123456789012"]
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["harbour-lantern-meadow-42", "Kestrel orchard violet 1987"])
def test_good_passphrases_are_accepted(password):
    validate_password(password)


@pytest.mark.django_db
def test_ensure_admin_refuses_a_weak_password_with_debug_off(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a")

    with pytest.raises(CommandError, match="DEMO_ADMIN_PASSWORD"):
        call_command("ensure_admin")

    from django.contrib.auth.models import User

    assert not User.objects.filter(username="admin").exists()
