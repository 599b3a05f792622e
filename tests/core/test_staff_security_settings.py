"""STAFF_2FA_REQUIRED: on in production, off only for development or a load test on loopback.

Each case starts Django in a subprocess with a controlled environment, as production would.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "portal.example.org",
    "SITE_URL": "https://portal.example.org",
    # Never connected to.
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/staff_security_settings_check",
}
LOOPBACK_LOAD_TEST = {
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": "http://127.0.0.1:8000",
    "HTTPS_ONLY": "0",
}
PRINT_SETTING = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.STAFF_2FA_REQUIRED, settings.AXES_LOCKOUT_PARAMETERS, settings.AXES_FAILURE_LIMIT)"
)


def start(**overrides: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", str(ROOT))}
    env |= {"DJANGO_SETTINGS_MODULE": "lscb_portal.settings", "PYTHONDONTWRITEBYTECODE": "1"}
    env |= PRODUCTION | overrides
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTING],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_requires_the_second_factor_and_locks_by_username_and_address():
    result = start()

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "[['username',", "'ip_address']]", "5"]


def test_production_refuses_to_start_with_the_second_factor_off():
    result = start(STAFF_2FA_REQUIRED="0")

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: STAFF_2FA_REQUIRED=0 is only for development or load tests "
        "on loopback: ALLOWED_HOSTS must be loopback."
    )


def test_a_load_test_on_loopback_may_turn_it_off():
    result = start(STAFF_2FA_REQUIRED="0", **LOOPBACK_LOAD_TEST)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


@pytest.mark.parametrize(("debug", "expected"), [("1", "False"), ("0", "True")])
def test_the_default_follows_debug(debug, expected):
    result = start(DEBUG=debug, **LOOPBACK_LOAD_TEST)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == expected


def test_the_lockout_is_configurable():
    result = start(STAFF_LOCKOUT_FAILURES="8")

    assert result.stdout.split()[-1] == "8"
