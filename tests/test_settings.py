"""The settings module in production: what stops a start, and what every response carries.

Start-up checks run Django in a subprocess with a controlled environment (nothing inherited from
the test run). Header checks take the environment-dependent values from a subprocess started with
production settings and apply them to the test's own settings, so the middleware is tested with
exactly what production computes.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from http.cookies import Morsel
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_HOST = "portal.example.org"
PRODUCTION_ENV = {
    "DEBUG": "0",
    # Django's own check wants 50+ characters with at least 5 different ones.
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": PRODUCTION_HOST,
    "SITE_URL": f"https://{PRODUCTION_HOST}",
    # Never connected to: the checks below need no database.
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal_settings_check",
}
# Settings that depend on the environment (HTTPS_ONLY and friends); the rest are the same everywhere.
ENVIRONMENT_DEPENDENT = [
    "ALLOWED_HOSTS",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
]
DUMP_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name) for name in {ENVIRONMENT_DEPENDENT!r}}}))"
)


def run_django(args: list[str], *, unset: tuple[str, ...] = (), **overrides: str) -> subprocess.CompletedProcess:
    """Run ``python <args>`` in the project with production settings, changed by ``overrides``/``unset``."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", str(ROOT))}
    env |= {"DJANGO_SETTINGS_MODULE": "lscb_portal.settings", "PYTHONDONTWRITEBYTECODE": "1"}
    env |= PRODUCTION_ENV | overrides
    for name in unset:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def start(**kwargs) -> subprocess.CompletedProcess:
    return run_django(["-c", "import django; django.setup(); print('started')"], **kwargs)


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1] if text.strip() else ""


# --- What stops a production start --------------------------------------------------------------


def test_production_settings_start():
    result = start()

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("SECRET_KEY", "it signs sessions and the links sent by email"),
        ("DATABASE_URL", "production needs a named Postgres server"),
        ("ALLOWED_HOSTS", "list the host names the portal answers to"),
        ("SITE_URL", "emails need the portal's public address"),
    ],
)
@pytest.mark.parametrize("how", ["missing", "empty"])
def test_a_missing_setting_stops_the_start_with_a_clear_message(name, reason, how):
    result = start(unset=(name,)) if how == "missing" else start(**{name: ""})

    assert result.returncode != 0
    assert "started" not in result.stdout
    message = last_line(result.stderr)
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"{name} must be set when DEBUG is off" in message
    assert reason in message


def test_a_host_list_of_only_commas_counts_as_missing():
    result = start(ALLOWED_HOSTS=" , ")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in last_line(result.stderr)


@pytest.mark.parametrize("site_url", ["portal.example.org", "ftp://portal.example.org", "https://"])
def test_a_site_url_that_is_not_a_full_address_is_refused(site_url):
    result = start(SITE_URL=site_url)

    assert result.returncode != 0
    assert "SITE_URL must be the portal's full address, e.g. https://example.org" in last_line(result.stderr)


def test_a_plain_http_site_url_is_refused_in_production():
    result = start(SITE_URL=f"http://{PRODUCTION_HOST}")

    assert result.returncode != 0
    assert "SITE_URL must start with https://" in last_line(result.stderr)


@pytest.mark.parametrize("hosts", [PRODUCTION_HOST, "127.0.0.1,portal.example.org", "*"])
def test_https_only_off_is_refused_for_a_host_that_is_not_loopback(hosts):
    result = start(HTTPS_ONLY="0", ALLOWED_HOSTS=hosts, SITE_URL="http://127.0.0.1:8000")

    assert result.returncode != 0
    assert "HTTPS_ONLY=0 is only for load tests on loopback" in last_line(result.stderr)


def test_https_only_off_on_loopback_starts_with_plain_http_cookies():
    result = run_django(
        ["-c", DUMP_SETTINGS], HTTPS_ONLY="0", ALLOWED_HOSTS="127.0.0.1,localhost", SITE_URL="http://127.0.0.1:8000"
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["SESSION_COOKIE_SECURE"] is False


def test_development_needs_nothing_but_a_database():
    result = run_django(["-c", DUMP_SETTINGS], unset=("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"), DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SECURE_SSL_REDIRECT"] is False


# --- Django's deployment checklist -------------------------------------------------------------


def test_deploy_check_passes_with_production_settings():
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_on_a_weak_secret_key():
    """The check above is not vacuous: a short key fails it."""
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECRET_KEY="too-short")

    assert result.returncode != 0
    assert "security.W009" in result.stderr


# --- Headers on a production response ------------------------------------------------------------


@pytest.fixture(scope="module")
def production_values() -> dict:
    result = run_django(["-c", DUMP_SETTINGS])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(settings, production_values, db):
    """The test's settings with production's HTTPS values; returns a client for the production host."""
    for name, value in production_values.items():
        setattr(settings, name, value)
    return Client(headers={"host": PRODUCTION_HOST})


HTTPS = {"X-Forwarded-Proto": "https"}


def test_plain_http_is_redirected_to_https(production):
    response = production.get("/contact/")

    assert response.status_code == 301
    assert response["Location"] == f"https://{PRODUCTION_HOST}/contact/"


def test_forwarded_https_is_served_without_a_redirect(production):
    response = production.get("/contact/", headers=HTTPS)

    assert response.status_code == 200
    assert "Location" not in response


def test_healthz_is_not_redirected_over_plain_http(production):
    response = production.get("/healthz")

    assert response.status_code != 301
    assert "Location" not in response
    assert response["Content-Type"] == "application/json"


def test_https_responses_carry_hsts(production):
    response = production.get("/", headers=HTTPS)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_security_headers(production):
    response = production.get("/", headers=HTTPS)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_csp_allows_scripts_only_from_the_site_and_by_nonce(production):
    response = production.get("/", headers=HTTPS)
    policy = parse_csp(response["Content-Security-Policy"])

    script_src = policy["script-src"]
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    nonces = [value for value in script_src if value.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert len(nonce) >= 16

    html = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts, "base.html has an inline script"
    for attributes in inline_scripts:
        assert f'nonce="{nonce}"' in attributes
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_csp_nonce_changes_on_every_response(production):
    first = parse_csp(production.get("/", headers=HTTPS)["Content-Security-Policy"])["script-src"]
    second = parse_csp(production.get("/", headers=HTTPS)["Content-Security-Policy"])["script-src"]

    assert first != second


def test_admin_may_use_inline_styles_but_never_inline_scripts(production):
    response = production.get("/admin/login/", headers=HTTPS)
    policy = parse_csp(response["Content-Security-Policy"])

    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]


def assert_host_cookie(morsel: Morsel) -> None:
    """A __Host- cookie: Secure, path /, no Domain (browsers reject it otherwise)."""
    assert morsel.key.startswith("__Host-")
    assert morsel["secure"] is True
    assert morsel["path"] == "/"
    assert morsel["domain"] == ""
    assert morsel["samesite"] == "Lax"


def test_csrf_cookie_is_a_secure_host_cookie(production):
    response = production.get("/admin/login/", headers=HTTPS)

    assert "csrftoken" not in response.cookies
    assert_host_cookie(response.cookies["__Host-csrftoken"])


def test_session_cookie_is_a_secure_http_only_host_cookie(production):
    get_user_model().objects.create_user("editor", password="a long enough password", is_staff=True)

    response = production.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "a long enough password"}, headers=HTTPS
    )

    # Signed in (the next step may be the second factor, wherever it leads).
    assert response.status_code == 302
    assert not response["Location"].startswith("/admin/login/")
    assert "sessionid" not in response.cookies
    morsel = response.cookies["__Host-sessionid"]
    assert_host_cookie(morsel)
    assert morsel["httponly"] is True


def test_values_shared_by_every_environment():
    """The headers above that do not depend on HTTPS_ONLY come from the one settings module."""
    assert django_settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert django_settings.X_FRAME_OPTIONS == "DENY"
    assert "lscb_portal.core.middleware.PortalCSPMiddleware" in django_settings.MIDDLEWARE


def test_in_development_emailed_links_follow_the_port_make_run_serves():
    dump = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"

    moved = run_django(["-c", dump], unset=("SITE_URL",), DEBUG="1", PORT="18102")
    default = run_django(["-c", dump], unset=("SITE_URL", "PORT"), DEBUG="1")
    chosen = run_django(["-c", dump], DEBUG="1", PORT="18102", SITE_URL="http://portal.test:9000")

    assert moved.stdout.strip() == "http://127.0.0.1:18102", moved.stderr
    assert default.stdout.strip() == "http://127.0.0.1:8000", default.stderr
    assert chosen.stdout.strip() == "http://portal.test:9000", chosen.stderr


def test_make_run_passes_its_port_to_the_portal():
    makefile = (ROOT / "Makefile").read_text()

    assert re.search(r"^export PORT\b", makefile, re.MULTILINE)


@pytest.mark.parametrize(("pooling", "threshold"), [("0", 5), ("1", None)])
def test_searches_are_prepared_except_behind_a_transaction_pooler(pooling, threshold):
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS'].get('prepare_threshold')))"
    )
    result = run_django(["-c", code], DB_TRANSACTION_POOLING=pooling)

    assert result.returncode == 0, result.stderr
    assert last_line(result.stdout) == json.dumps(threshold)
