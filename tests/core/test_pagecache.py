"""The page cache: served from memory, set aside by a committed change to what it shows, never shared between readers.

These tests commit (``transactional_db``): the change trigger fires at commit, as it does in production.
"""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.db import OperationalError, connection, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lscb_portal.core import pagecache
from lscb_portal.core.models import BoardSettings, ContentChange, OutboxMessage
from newsletters import services
from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.training.factories import BookingFactory, SessionFactory
from tests.training.factories import booking_form_data as _booking_form
from training.models import Course, Session

pytestmark = pytest.mark.django_db(transaction=True)

NONCE_IN_PAGE = re.compile(r'<script nonce="([^"]+)"')
CSRF_IN_PAGE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    caches[pagecache.CACHE_ALIAS].clear()
    yield
    caches[pagecache.CACHE_ALIAS].clear()


@pytest.fixture
def session():
    BoardSettings.get_solo()  # made on first read otherwise, which is itself a change
    return SessionFactory(capacity=15)


def test_every_watched_table_has_its_triggers_and_private_tables_have_none():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE %s",
            [pagecache.TRIGGER_PREFIX + "%"],
        )
        present = set(cursor.fetchall())
    wanted = {(item.table, name) for item in pagecache.watched() for name in pagecache.trigger_statements(item)}
    assert present == wanted
    watched = set(pagecache.watched_tables())
    assert {table for table, _name in present} == watched
    assert {"training_session", "training_booking", "newsletters_issue", "newsletters_article"} <= watched
    assert {"procedures_chapterversion", "core_boardsettings", "core_organisation", "taggit_taggeditem"} <= watched
    private = {"core_outboxmessage", "core_subscriber", "training_evaluation", "training_bookingneeds"}
    assert not private & watched
    assert not {table for table in watched if "historical" in table}


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        return pagecache._present_triggers(cursor)


def test_migrations_run_without_the_triggers_and_every_area_moves_after_them():
    """A migration that writes rows and then alters their table in one transaction fails with the triggers on."""
    issue = IssueFactory()
    installed = _triggers()

    def write_then_index():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE newsletters_issue SET title = 'Autumn 2018' WHERE id = %s", [issue.pk])
            cursor.execute("CREATE INDEX test_issue_title ON newsletters_issue (title)")
            cursor.execute("DROP INDEX test_issue_title")

    with pytest.raises(OperationalError, match="pending trigger events"):
        write_then_index()
    pagecache.remove_triggers(plan=[])  # nothing to migrate: the triggers stay
    assert _triggers() == installed
    areas = sorted(pagecache.declared_areas())
    before = pagecache.versions(areas)
    plan = [(object(), False)]

    pagecache.remove_triggers(plan=plan)
    assert _triggers() == set()
    write_then_index()
    pagecache.install_triggers(plan=plan)

    assert _triggers() == installed
    assert pagecache.versions(areas) == tuple(version + 1 for version in before)


def test_one_committed_transaction_moves_each_area_it_wrote_once_however_many_rows(session):
    areas = ["places", "training", "newsletters"]
    places, training, newsletters = pagecache.versions(areas)
    with transaction.atomic():
        BookingFactory.create_batch(5, session=session)
        Session.objects.filter(pk=session.pk).update(trainers="Amira Okafor")
        Session.objects.filter(pk=session.pk).update(trainers="Sam Reid")
    assert pagecache.versions(areas) == (places + 1, training + 1, newsletters)


def test_bulk_updates_and_plain_sql_move_the_version(session):
    (before,) = pagecache.versions(["training"])
    Course.objects.filter(pk=session.course_id).update(title="Neglect: recognising and responding")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE training_session SET trainers = 'Sam Reid' WHERE id = %s", [session.pk])
    assert pagecache.versions(["training"]) == (before + 2,)


def test_rolled_back_changes_and_private_tables_leave_the_versions_alone(session):
    areas = sorted(pagecache.declared_areas())
    before = pagecache.versions(areas)

    def refused_booking():
        with transaction.atomic():
            BookingFactory(session=session)
            raise RuntimeError("the booking is refused")

    with pytest.raises(RuntimeError):
        refused_booking()
    OutboxMessage.objects.create(to="a@example.org", subject="Hello", body_text="Text")
    assert pagecache.versions(areas) == before


def test_compacting_keeps_every_version_and_leaves_one_row_an_area(session):
    for trainers in ("A", "B", "C"):
        Session.objects.filter(pk=session.pk).update(trainers=trainers)
    BookingFactory.create_batch(2, session=session)
    areas = sorted(pagecache.declared_areas())
    before = pagecache.versions(areas)
    assert ContentChange.objects.filter(area="training").count() >= 4

    removed = pagecache.compact()

    counts = ContentChange.objects.values("area").annotate(rows=Count("pk")).values_list("area", "rows")
    assert set(counts) == {(area, 1) for area in ContentChange.objects.values_list("area", flat=True)}
    assert removed >= 5
    assert pagecache.versions(areas) == before


def test_the_second_reader_is_served_from_the_cache_with_one_query(session, django_assert_max_num_queries):
    url = session.get_absolute_url()
    first = Client().get(url)
    assert first.status_code == 200

    with django_assert_max_num_queries(1):
        second = Client().get(url)

    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]
    mask = re.compile(r'(nonce="|nonce-|value=")[^"\' ;]+')
    assert mask.sub("", second.content.decode()) == mask.sub("", first.content.decode())


def test_each_reader_gets_their_own_nonce_matching_their_policy(session):
    url = session.get_absolute_url()
    Client().get(url)
    nonces = []
    for _ in range(2):
        response = Client().get(url)
        nonce = NONCE_IN_PAGE.search(response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert pagecache._marker("nonce").decode() not in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_a_form_on_a_cached_page_carries_a_token_valid_for_its_reader(session):
    url = session.get_absolute_url()
    Client().get(url)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(url)
    token = CSRF_IN_PAGE.search(page.content.decode()).group(1)
    assert pagecache._marker("csrf").decode() not in token

    booked = reader.post(url, {**_booking_form(), "csrfmiddlewaretoken": token})

    assert booked.status_code == 302
    assert session.bookings.count() == 1


def test_a_booking_shows_on_the_next_read(session):
    url = session.get_absolute_url()
    assert "15 places in total, 0 taken" in Client().get(url).content.decode()
    Client().get(url)

    Client().post(url, _booking_form())

    assert "15 places in total, 1 taken" in Client().get(url).content.decode()


def test_an_edit_committed_while_a_page_renders_is_on_the_next_read(session):
    """The version is read before the page is built, so a copy built across a change is already old."""
    calls = []

    def view(request):
        title = Course.objects.get(pk=session.course_id).title
        if not calls:
            Course.objects.filter(pk=session.course_id).update(title="Renamed while rendering")
        calls.append(title)
        return HttpResponse(title)

    page = pagecache.cached_page(view, shows=["training"])

    def read():
        request = RequestFactory().get("/training/")
        request.csp_nonce = "n0nce"
        return page(request)

    read()
    second = read()

    assert second.content.decode() == "Renamed while rendering"
    assert len(calls) == 2


def test_readers_with_a_session_and_staff_are_never_served_a_copy(session, admin_user, django_assert_num_queries):
    url = session.get_absolute_url()
    Client().get(url)
    staff = Client()
    staff.force_login(admin_user)

    response = staff.get(url)

    assert response.status_code == 200
    assert pagecache._marker("nonce") not in response.content
    # The view ran: the copy kept for anonymous readers was not used.
    cache = caches[pagecache.CACHE_ALIAS]
    assert cache.get(pagecache._cache_key(RequestFactory().get(url))) is not None
    with django_assert_num_queries(1):
        Client().get(url)
    with CaptureQueriesContext(connection) as staff_queries:
        staff.get(url)
    assert len(staff_queries) > 2


def test_errors_and_posts_are_not_kept(session):
    cache = caches[pagecache.CACHE_ALIAS]
    missing = "/training/sessions/999999/"
    assert Client().get(missing).status_code == 404
    assert cache.get(pagecache._cache_key(RequestFactory().get(missing))) is None

    url = session.get_absolute_url()
    refused = Client().post(url, _booking_form(email="not an address"))
    assert refused.status_code == 200
    assert "Enter an email address in the correct format" in refused.content.decode()
    assert cache.get(pagecache._cache_key(RequestFactory().get(url))) is None
    # The next reader gets the empty form, not the page built for someone else's POST.
    next_reader = Client().get(url).content.decode()
    assert "Enter an email address in the correct format" not in next_reader
    assert "not an address" not in next_reader


def test_query_strings_are_part_of_the_key_in_any_order():
    first = pagecache._cache_key(RequestFactory().get("/search/?q=neglect&kind=article"))
    same = pagecache._cache_key(RequestFactory().get("/search/?kind=article&q=neglect"))
    other = pagecache._cache_key(RequestFactory().get("/search/?q=neglect&kind=chapter"))
    assert first == same
    assert first != other


def test_the_cache_is_off_when_its_time_is_zero(settings, session):
    settings.PAGE_CACHE_SECONDS = 0
    url = session.get_absolute_url()
    Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        Client().get(url)
    assert len(queries) > 2


def test_a_scheduled_issue_shows_once_the_cache_time_has_passed(settings):
    """Nothing is written when a scheduled issue's time comes: the kept copy ages out instead."""
    BoardSettings.get_solo()
    noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.get_default_timezone())
    with time_machine.travel(noon, tick=False):
        issue = ArticleFactory().issue
        services.issue_schedule(issue=issue, at=noon + timedelta(seconds=30))
        assert issue.series.title not in Client().get("/newsletters/").content.decode()

    with time_machine.travel(noon + timedelta(seconds=31), tick=False):
        # Live now, but the copy kept at noon is younger than PAGE_CACHE_SECONDS.
        assert issue.series.title not in Client().get("/newsletters/").content.decode()

    with time_machine.travel(noon + timedelta(seconds=settings.PAGE_CACHE_SECONDS + 1), tick=False):
        assert issue.series.title in Client().get("/newsletters/").content.decode()


def test_feeds_keep_their_content_type_and_head_requests_are_answered(django_assert_max_num_queries):
    BoardSettings.get_solo()
    issue = IssueFactory(published=True)
    ArticleFactory(issue=issue)
    url = f"/newsletters/{issue.series.slug}/feed/"
    first = Client().get(url)
    assert first.status_code == 200

    with django_assert_max_num_queries(2):  # the areas' versions, once for each request
        second = Client().get(url)
        head = Client().head(url)

    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Type"].startswith("application/rss+xml")
    assert second.content == first.content
    assert head.status_code == 200


def test_a_page_using_its_token_outside_a_form_is_not_kept():
    """Keeping it would give the next reader this reader's CSRF secret."""
    from django.middleware.csrf import get_token

    calls = []

    def view(request):
        calls.append(1)
        return HttpResponse(f'<script nonce="{request.csp_nonce}">const token = "{get_token(request)}";</script>')

    page = pagecache.cached_page(view, shows=["training"])
    for _ in range(2):
        request = RequestFactory().get("/widget/")
        request.csp_nonce = "n0nce"
        page(request)

    assert len(calls) == 2


def test_every_copy_of_the_form_token_is_filled_in_for_the_reader():
    from django.template import engines

    template = engines["django"].from_string(
        '<form method="post">{% csrf_token %}</form><form method="post">{% csrf_token %}</form>'
        '<p data-token="{{ csrf_token }}"></p>'
    )

    def view(request):
        return HttpResponse(template.render({}, request))

    page = pagecache.cached_page(view, shows=["training"])
    first = RequestFactory().get("/two-forms/")
    first.csp_nonce = "n0nce"
    page(first)
    second = RequestFactory().get("/two-forms/")
    second.csp_nonce = "n0nce"
    body = page(second).content.decode()

    tokens = set(re.findall(r'(?:value|data-token)="([A-Za-z0-9]{64})"', body))
    assert len(tokens) == 1
    assert pagecache._marker("csrf").decode() not in body
    assert tokens != set(re.findall(r'value="([A-Za-z0-9]{64})"', page(first).content.decode()))


def test_a_change_committed_by_another_server_shows_on_this_ones_next_read(session):
    """This process kept the page; another connection (another app server, psql, a worker) changes the course."""
    from django.db import connections

    url = session.get_absolute_url()
    Client().get(url)
    assert "Working Together" in Client().get(url).content.decode()

    other_server = connections.create_connection("default")
    try:
        with other_server.cursor() as cursor:
            cursor.execute(
                "UPDATE training_course SET title = 'Neglect: the Graded Care Profile' WHERE id = %s",
                [session.course_id],
            )
        other_server.commit()
    finally:
        other_server.close()

    assert "Neglect: the Graded Care Profile" in Client().get(url).content.decode()
