"""No back-office address answers 500, whatever is put in it.

Every URL the admin site has (read from the URL resolver, so a page added later is walked too) is asked for
with the demo board loaded: with real ids, then with ids that do not exist or are not ids at all; every list
with hostile query strings and junk in each of its filters; every action with junk selections; every page but
the deletions and sign-out with an empty and a garbage POST. A 4xx, a redirect or the page itself are all fine
answers; a 500 is not. Failures are collected and reported together.
"""

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from lscb_portal.core.models import Organisation
from lscb_portal.core.roles import BOARD_MANAGERS, PROCEDURE_EDITORS, TRAINING_ADMINISTRATORS
from tests.core.factories import OutboxMessageFactory, StaffUserFactory, SubscriberFactory, TOTPDeviceFactory
from tests.core.test_staff_security_two_factor import code_for
from tests.newsletters.factories import ContributionFactory
from training.models import Booking, BookingNeeds, BookingStatus, Session

pytestmark = pytest.mark.django_db

HOSTILE_IDS = ["0", "99999", "-1", str(2**63), "abc", "%00"]
HOSTILE_VALUES = ["abc", "%3Cscript%3Ealert(1)%3C/script%3E", str(2**63), "%00"]
LIST_QUERIES = [
    "o=99",
    "o=-1.abc",
    "p=-1",
    "p=abc",
    "p=99999",
    "q=%00",
    "q=%27%22%3C%3E%5C",
    "q=" + "a" * 10_000,
    "no_such_filter=1",
    "session__id__exact=abc",
    "status=%3Cscript%3E",
    "id__in=abc,1",
    "pk__gt=abc",
    "status__gt=abc",
    "status__in=todo,%3Cscript%3E",
    "e=1",
    "_to_field=password",
    "_popup=1&_to_field=no_such_field",
    "_changelist_filters=p%3Dabc",
    "all=&p=1",
]
OBJECT_QUERIES = ["_to_field=password", "_popup=1", "_changelist_filters=%00", "date=abc", "date=99"]
GARBAGE_BODY = {
    "junk": "\x00'\"<script>",
    "date": "abc",
    "form": "list",
    "lines": "Name, not-an-email, \x00",
    "source": "abc",
    "into": str(2**63),
    "to_session": "-1",
    "notify": "maybe",
    "reason": "x",
    "token": "'",
    "next": "javascript:alert(1)",
    "action": "no_such_action",
    "_selected_action": "abc",
    "index": "abc",
    "starts-0": "abc",
    "count": "abc",
    "attendance-1": "maybe",
}
# Regular-expression patterns, as the third-party admins write them, with the addresses they stand for.
REGEX_ROUTES = {
    "^$": "",
    "^history/$": "history/",
    "^([^/]+)/history/([^/]+)/$": "{object_id}/history/{history_id}/",
    "(?P<url>.*)$": "{url}",
}
NEVER_POSTED = ("admin:logout",)


@dataclass(frozen=True)
class Route:
    template: str  # "/admin/training/session/{pk}/register/"
    name: str
    model: type | None  # the model whose admin the address belongs to

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.template)


def _text(pattern) -> str:
    text = str(pattern)
    if text.startswith("^(?P<app_label>"):
        return "{app_label}/"
    if text in REGEX_ROUTES:
        return REGEX_ROUTES[text]
    assert not text.startswith("^"), f"teach this test the admin address {text!r}"
    assert "(?P" not in text, f"teach this test the admin address {text!r}"
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)


def _leaves(patterns, prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _leaves(pattern.url_patterns, prefix + _text(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and namespace == "admin":
            yield prefix + _text(pattern.pattern), f"admin:{pattern.name}"


def admin_routes() -> list[Route]:
    admin_urls = next(
        each for each in get_resolver().url_patterns if isinstance(each, URLResolver) and each.namespace == "admin"
    )
    routes = []
    for template, name in _leaves([admin_urls], "/", None):
        parts = template.split("/")
        try:
            model = apps.get_model(parts[2], parts[3]) if len(parts) > 4 else None
        except (LookupError, ValueError):
            model = None
        routes.append(Route(template=template, name=name, model=model))
    return routes


def model_admins() -> list[tuple[type, admin.ModelAdmin]]:
    return list(admin.site._registry.items())


# --- the board the walk runs over ------------------------------------------------------------------------------


@dataclass
class Board:
    superuser: object
    started: Session
    booking: Booking


@pytest.fixture
def board() -> Board:
    """The demo board, with a delegate's needs, emails, contributions and staff devices besides."""
    call_command("load_demo", stdout=io.StringIO())
    superuser = get_user_model().objects.create_superuser("root", "root@partnership.example.org", "x" * 20)
    TOTPDeviceFactory(user=superuser)
    now = timezone.now()
    started = (
        Session.objects.filter(starts_at__lt=now, bookings__status=BookingStatus.CONFIRMED)
        .order_by("-starts_at")
        .first()
        or Session.objects.filter(starts_at__lt=now).order_by("-starts_at").first()
    )
    booking = started.bookings.order_by("pk").first()
    BookingNeeds.objects.get_or_create(booking=booking, defaults={"access_needs": "Ramp", "dietary_needs": "Halal"})
    Organisation.objects.create(name="Riverside Primry (typed)", verified=False)
    ContributionFactory()
    SubscriberFactory()
    OutboxMessageFactory()
    from newsletters.models import Feedback, Issue

    Feedback.objects.create(issue=Issue.objects.order_by("pk").first(), useful=False, comment="Too long")
    lockout("someone")
    return Board(superuser=superuser, started=started, booking=booking)


def lockout(username: str, *, minutes_ago: int = 5) -> AccessAttempt:
    """Failed sign-ins recorded by django-axes (``attempt_time`` is set on creation, so it is moved after)."""
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address="192.0.2.9",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
        get_data="",
        post_data="username=" + username,
        failures_since_start=5,
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return attempt


def sign_in(client, user) -> None:
    """Password and second factor, as production asks."""
    device = user.totpdevice_set.first() or TOTPDeviceFactory(user=user)
    client.force_login(user)
    response = client.post("/admin/two-factor/", {"token": code_for(device)})
    assert response.status_code == 302, "the second factor was not accepted"


# --- what to put in each address --------------------------------------------------------------------------------


def _first_pk(model) -> str | None:
    obj = model._default_manager.order_by("pk").first()
    return None if obj is None else str(obj.pk)


def real_values(route: Route, board: Board) -> dict[str, str] | None:
    """Ids of records that exist, for each of the address's parameters (None: nothing to show there)."""
    values: dict[str, str] = {}
    model = route.model
    for name in route.params:
        if name in {"object_id", "pk", "id"} and model is Session:
            values[name] = str(board.started.pk)
        elif name in {"object_id", "pk", "id"} and model is not None:
            found = _first_pk(model)
            if found is None:
                return None
            values[name] = found
        elif name == "booking_pk":
            values[name] = str(board.booking.pk)
        elif name == "chapter_id":
            from procedures.models import Amendment

            amendment = Amendment.objects.filter(update_round_id=values.get("object_id")).first()
            values[name] = str(amendment.chapter_id if amendment else 99999)
        elif name == "history_id":
            history = model.history.filter(pk=values["object_id"]).order_by("history_id").first()
            if history is None:
                return None
            values[name] = str(history.history_id)
        elif name == "content_type_id":
            values[name] = str(ContentType.objects.get_for_model(Session).pk)
            values["object_id"] = str(board.started.pk)
        elif name == "object_id" and "content_type_id" in values:
            pass
        elif name == "app_label":
            values[name] = "training"
        elif name == "url":
            values[name] = "no/such/page/"
        elif name == "year":
            values[name] = str(timezone.localdate().year)
        else:  # tokens and other secrets
            values[name] = "not-a-token"
    return values


def addresses(route: Route, board: Board) -> Iterator[str]:
    """The address with real ids, then with each parameter in turn made hostile."""
    real = real_values(route, board)
    if real is None:
        real = dict.fromkeys(route.params, "1")
    else:
        yield route.template.format(**real)
    for name in route.params:
        for hostile in HOSTILE_IDS:
            yield route.template.format(**(real | {name: hostile}))


def _fake_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def list_queries(model_admin, user) -> list[str]:
    """Hostile query strings for one list: the general ones, then junk in each of its own filters."""
    queries = list(LIST_QUERIES)
    changelist = model_admin.get_changelist_instance(_fake_request(user))
    for spec in changelist.filter_specs:
        for parameter in spec.expected_parameters():
            queries += [f"{parameter}={value}" for value in HOSTILE_VALUES]
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        queries += [f"{field}__year=abc", f"{field}__year=2025&{field}__month=13", f"{field}__year=99999"]
        queries += [f"{field}__year=2025&{field}__month=2&{field}__day=31"]
    return queries


def autocomplete_queries() -> list[str]:
    queries = ["", "app_label=nope&model_name=nope&field_name=nope", "app_label=training&model_name=%00"]
    for model, model_admin in model_admins():
        for field in model_admin.autocomplete_fields:
            base = f"app_label={model._meta.app_label}&model_name={model._meta.model_name}&field_name={field}"
            queries += [f"{base}&term=%00", f"{base}&term=%27%22", f"{base}&page=abc", f"{base}&page=-1"]
    return queries


# --- the walk -------------------------------------------------------------------------------------------------


class Walk:
    """Asks for addresses and keeps every 500, with what was sent."""

    def __init__(self, client):
        self.client = client
        self.failures: list[str] = []
        self.asked = 0
        self.shown = 0

    def get(self, url: str) -> None:
        self._check("GET", url, lambda: self.client.get(url))

    def post(self, url: str, data: dict) -> None:
        self._check("POST", url + (" (garbage)" if data else " (empty)"), lambda: self.client.post(url, data))

    def _check(self, method: str, url: str, send) -> None:
        # Each request is undone afterwards: every address sees the same board, and a database error in one
        # (which leaves the test's transaction unusable) cannot hide the answers to the rest.
        savepoint = transaction.savepoint()
        try:
            response = send()
        finally:
            transaction.savepoint_rollback(savepoint)
        self.asked += 1
        self.shown += response.status_code == 200
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:200]} -> {response.status_code}")

    def report(self) -> str:
        return f"{len(self.failures)} of {self.asked} requests answered 500:\n" + "\n".join(self.failures)


@pytest.fixture
def walk(client, board, settings, caplog):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client.raise_request_exception = False
    caplog.set_level("CRITICAL", logger="django.request")  # the 500s are reported below, not logged
    return Walk(client)


def test_no_admin_address_answers_500_to_a_superuser_whatever_is_put_in_it(board, walk):
    sign_in(walk.client, board.superuser)
    request = _fake_request(board.superuser)
    routes = [route for route in admin_routes() if route.name not in NEVER_POSTED]

    # Every address, with real ids and then hostile ones.
    for route in routes:
        for url in addresses(route, board):
            walk.get(url)
        real = real_values(route, board)
        if real is not None and (route.name.endswith("_change") or route.name == "admin:training_session_register"):
            for query in OBJECT_QUERIES:
                walk.get(f"{route.template.format(**real)}?{query}")

    # Every list, with hostile query strings, junk in each of its filters, and each action on junk rows.
    for model, model_admin in model_admins():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for query in list_queries(model_admin, board.superuser):
            walk.get(f"{url}?{query}")
        for action in model_admin.get_actions(request):
            for selected in ["abc", str(2**63), "-1"]:
                walk.post(url, {"action": action, "_selected_action": selected, "index": "0"})
            walk.post(url, {"action": action, "index": "abc"})
    for query in autocomplete_queries():
        walk.get(f"/admin/autocomplete/?{query}")

    # Every page but the deletions (which delete on any POST) and signing out, posted nothing and garbage.
    for route in routes:
        if route.name.endswith("_delete"):
            continue
        real = real_values(route, board)
        urls = [route.template.format(**(real or dict.fromkeys(route.params, "1")))]
        if route.params:
            urls.append(route.template.format(**((real or {}) | dict.fromkeys(route.params, "99999"))))
        for url in dict.fromkeys(urls):
            walk.post(url, {})
            walk.post(url, GARBAGE_BODY)

    assert walk.client.get("/admin/").status_code == 200, "the walk signed itself out"
    assert walk.shown > 500, "too few pages were shown for the walk to mean anything"
    assert not walk.failures, walk.report()


def test_no_admin_address_answers_500_to_any_staff_role(board, walk):
    """Each role opens every address with real ids (most answer 403 outside its area) and its lists with junk."""
    for role in [TRAINING_ADMINISTRATORS, BOARD_MANAGERS, PROCEDURE_EDITORS]:
        user = StaffUserFactory(username=f"walker-{role.split()[0].lower()}", role=role)
        sign_in(walk.client, user)
        for route in admin_routes():
            real = real_values(route, board)
            if real is not None and route.name not in NEVER_POSTED:
                walk.get(route.template.format(**real))
        for model, model_admin in model_admins():
            if model_admin.has_view_permission(_fake_request(user)):
                url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
                for query in LIST_QUERIES[:8]:
                    walk.get(f"{url}?{query}")
        assert walk.client.get("/admin/").status_code == 200, f"the walk signed {role} out"

    assert not walk.failures, walk.report()


def test_the_walk_reaches_the_task_pages_beside_the_models():
    """The walk is worth something only if it covers the pages the apps add beside their models."""
    names = {route.name for route in admin_routes()}
    assert {
        "admin:training_session_register",
        "admin:training_session_cancel",
        "admin:training_session_bookings",
        "admin:training_session_booking_move",
        "admin:training_report_year",
        "admin:training_merge_organisations",
        "admin:newsletters_issue_import",
        "admin:newsletters_issue_import_review",
        "admin:procedures_updateround_preview_chapter",
        "admin:taggit_tag_merge_tags",
    } <= names


def test_cleaning_up_expired_sign_in_lockouts_removes_only_those_past_the_pause(client, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    superuser = get_user_model().objects.create_superuser("root", "root@partnership.example.org", "x" * 20)
    sign_in(client, superuser)
    expired, current = lockout("left-long-ago", minutes_ago=90), lockout("still-paused", minutes_ago=5)

    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": [expired.pk, current.pk], "index": "0"},
    )

    assert response.status_code == 302
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["still-paused"]


def test_a_job_status_the_portal_does_not_know_is_a_bad_filter_not_a_server_error(client):
    superuser = get_user_model().objects.create_superuser("root", "root@partnership.example.org", "x" * 20)
    sign_in(client, superuser)

    wrong = client.get("/admin/procrastinate/procrastinatejob/?status=%3Cscript%3E")
    right = client.get("/admin/procrastinate/procrastinatejob/?status=failed")

    assert wrong.status_code == 302
    assert wrong["Location"].endswith("?e=1")
    assert right.status_code == 200


def test_a_list_filtered_with_a_nul_character_is_shown_without_it(client):
    superuser = get_user_model().objects.create_superuser("root", "root@partnership.example.org", "x" * 20)
    sign_in(client, superuser)

    response = client.get("/admin/training/booking/?status__exact=con%00firmed&q=a%00b")

    assert response.status_code == 302
    assert response["Location"] == "/admin/training/booking/?status__exact=confirmed&q=ab"
    assert client.get(response["Location"]).status_code == 200
