import logging
import sys

from django import db
from django.conf import settings
from django.db.utils import Error as DatabaseError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from lscb_portal.core.outbox import delivery_health, delivery_problems
from lscb_portal.core.privacy import retention_notice

from . import home as home_page
from .search import kind_links, page_links, site_search

logger = logging.getLogger(__name__)

# Errors that mean the database cannot be reached right now (restart, failover, network).
DATABASE_OUTAGES = (db.OperationalError, db.InterfaceError)


def home(request):
    return render(request, "pages/home.html", home_page.home_context(request))


def search(request):
    found = site_search(request.GET.get("q", ""), kind_slugs=request.GET.getlist("kind"), page=request.GET.get("page"))
    context = {"search": found, "query": found.query, "kind_links": kind_links(found), "pagination": page_links(found)}
    return render(request, "pages/search.html", context)


def accessibility(request):
    return render(request, "pages/accessibility.html")


def privacy(request):
    return render(request, "pages/privacy.html", {"retention": retention_table()})


def cookies(request):
    context = {
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
    }
    return render(request, "pages/cookies.html", context)


def retention_table() -> list[dict]:
    """What the portal keeps and for how long, as the privacy notice states it (periods from the settings)."""
    return retention_notice()


def contact(request):
    return render(request, "pages/contact.html")


@never_cache
def healthz(request):
    """For monitoring: 200 "ok"; 503 "error" when the database does not answer; 503 "degraded" when it
    does but email is not getting out (the worker's heartbeat is stale, or emails fail), with the reasons.
    ``?scope=web`` leaves the worker and email out: the load balancer's check.

    Also reports the worker's last heartbeat and the email backlog, so a stopped
    worker or an SMTP outage shows before anyone misses an email. Two queries.
    """
    try:
        health = delivery_health()
    except DatabaseError:
        logger.exception("healthz: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    if request.GET.get("scope") == "web":
        return JsonResponse({"status": "ok", "database": "ok"})
    if problems := delivery_problems(health):
        return JsonResponse({"status": "degraded", "database": "ok", "problems": problems, **health}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", **health})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form sent without a valid security token, usually from a page left open too long."""
    return render(request, "403_csrf.html", status=403)


@requires_csrf_token
def server_error(request):
    """The 500 page in the portal's layout, or a plain one if even that cannot render.

    The layout reads the board's settings from the database, so when the database
    is down the plain page (no database, no context processors) still answers.
    A lost database is a temporary outage, not a fault: it answers 503 with
    Retry-After, so clients and load balancers know to try again shortly.
    """
    if isinstance(sys.exc_info()[1], DATABASE_OUTAGES):
        logger.warning("Database unavailable: answering 503")
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.warning("The 500 page could not be rendered in the layout", exc_info=True)
        return HttpResponseServerError(loader.render_to_string("500_plain.html"))
