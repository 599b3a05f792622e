"""Error pages answer in the portal's layout with the right status; the 500 page survives a dead database."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError, connection
from django.test import Client
from django.urls import include, path

from lscb_portal.core.models import BoardSettings
from lscb_portal.urls import handler400, handler403, handler404, handler500  # noqa: F401 (used by Django)


def raise_suspicious(request):
    raise SuspiciousOperation("A header that cannot be trusted")


def raise_permission_denied(request):
    raise PermissionDenied


def raise_error(request):
    raise RuntimeError("Something broke in a view")


# This module is the URLconf for these tests: the portal's own URLs, views that fail, and the portal's
# error handlers (Django looks for handler400…handler500 in the URLconf module).
urlpatterns = [
    path("", include("lscb_portal.urls")),
    path("failing/400/", raise_suspicious),
    path("failing/403/", raise_permission_denied),
    path("failing/500/", raise_error),
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def board():
    board = BoardSettings.get_solo()
    board.name = "Eastmoor Safeguarding Children Board"
    board.short_name = "ESCB"
    board.referral_phone = "01632 960 123"
    board.save()
    return board


@pytest.fixture
def visitor():
    """A client that gets the error page rather than the exception, as a browser would."""
    return Client(raise_request_exception=False)


def assert_in_layout(html: str, board: BoardSettings) -> None:
    assert 'class="govuk-skip-link"' in html
    assert html.count("<header") == 1
    assert html.count("<footer") == 1
    assert 'id="main-content"' in html
    assert "Worried about a child?" in html
    assert board.referral_phone in html
    assert 'href="/static/build/portal.css"' in html


@pytest.mark.parametrize(
    ("url", "status", "title", "advice"),
    [
        ("/failing/400/", 400, "Sorry, there is a problem with your request", "check you copied the whole link"),
        ("/failing/403/", 403, "You do not have permission to see this page", "ask the board office"),
        ("/no-such-page/", 404, "Page not found", "check you copied the entire address"),
        ("/training/no-such-page/", 404, "Page not found", "check you copied the entire address"),
        ("/failing/500/", 500, "Sorry, there is a problem with the service", "Try again later"),
    ],
)
def test_error_pages_render_in_the_layout_with_their_status(visitor, board, url, status, title, advice):
    response = visitor.get(url)

    assert response.status_code == status
    html = response.content.decode()
    assert f"<title>{title} – Eastmoor Safeguarding Children Board</title>" in html
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in html
    assert advice in html
    assert '<meta name="robots" content="noindex">' in html
    assert_in_layout(html, board)


def test_the_403_page_names_the_board(visitor, board):
    response = visitor.get("/failing/403/")

    assert "If you work for the ESCB" in response.content.decode()


def test_an_error_page_keeps_the_security_headers(visitor, board):
    response = visitor.get("/failing/500/")

    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_form_sent_without_its_security_token_gets_a_page_that_says_what_to_do(board):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/admin/login/", {"username": "someone", "password": "something"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Sorry, your form could not be sent – Eastmoor Safeguarding Children Board</title>" in html
    assert "reload the page and send the form again" in html
    assert_in_layout(html, board)


class DatabaseDown:
    """Every query fails as it would with the database server gone."""

    def __init__(self):
        self.refused = 0

    def __call__(self, execute, sql, params, many, context):
        self.refused += 1
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def test_the_500_page_still_answers_when_the_database_is_down(visitor, board):
    down = DatabaseDown()

    with connection.execute_wrapper(down):
        response = visitor.get("/failing/500/")

    assert response.status_code == 500
    assert down.refused >= 1, "the layout tried to read the board's settings"
    html = response.content.decode()
    assert "<title>Sorry, there is a problem with the service</title>" in html
    assert "If a child is in immediate danger, call the police on 999." in html
    assert "your booking has not been made unless you received a confirmation email" in html
    assert "govuk-header" not in html
    assert "style=" not in html, "the strict CSP would block inline styles"


def test_a_page_that_needs_the_database_gets_the_plain_503_page_when_it_is_down(visitor, board):
    with connection.execute_wrapper(DatabaseDown()):
        response = visitor.get("/contact/")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Sorry, the service is unavailable" in response.content.decode()
