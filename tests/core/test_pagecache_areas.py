"""The page cache's areas: a write sets aside exactly the pages that show what it changed.

Each page is read twice (the second read from the kept copy), then something is written and committed.
A page that shows the change must answer with what the view renders now, with the cache and fragments
off (so a fragment kept under the wrong areas would show as a stale page too); a page
outside the areas the change touched must come from its kept copy, unchanged, with the one query that
reads the versions. (A page in a changed area that does not show this change may be rendered again: it
must then be what the view renders now.) These tests commit (``transactional_db``): the triggers fire at
commit, as in production.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from taggit.models import Tag

from lscb_portal.core import pagecache
from lscb_portal.core.models import BoardSettings, Organisation
from newsletters import services as newsletter_services
from newsletters.models import BlockKind, IssueBlock
from procedures.models import Amendment
from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.procedures.factories import publish_change, publish_new_chapter
from tests.training.factories import BookingFactory, CourseFactory, OrganisationFactory, SessionFactory
from training import tasks as training_tasks
from training.models import Course
from training.services import organisation_for_name

pytestmark = pytest.mark.django_db(transaction=True)

_PER_READER = re.compile(r'(nonce="|nonce-|name="csrfmiddlewaretoken" value=")[^"\' ;]+')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_FRAGMENT_SECONDS = 60
    pagecache._fragments.clear()
    caches[pagecache.CACHE_ALIAS].clear()
    caches[pagecache.QUERY_CACHE_ALIAS].clear()
    yield
    caches[pagecache.CACHE_ALIAS].clear()
    caches[pagecache.QUERY_CACHE_ALIAS].clear()


class Site:
    """A small board: a course with a session, an issue whose blocks show them and a round, a chapter."""

    def __init__(self):
        BoardSettings.get_solo()
        self.listed = OrganisationFactory(name="Riverside Primary School")
        self.course = CourseFactory(title="Neglect: recognising and responding", slug="neglect")
        self.course.topics.add("Neglect")
        starts_at = timezone.now() + timedelta(days=2)
        # Open for booking whatever the hour and weekday the test runs: reminders go out two days before.
        self.session = SessionFactory(
            course=self.course, capacity=37, starts_at=starts_at, booking_closes_at=starts_at - timedelta(hours=1)
        )
        self.chapter = publish_new_chapter(title="Neglect and emotional abuse")
        self.round = self.chapter.current_version.update_round
        self.issue = IssueFactory(published=True)
        self.article = ArticleFactory(issue=self.issue, title="Spotting neglect early", position=1)
        self.article.tags.add("Neglect")
        training_block = IssueBlock.objects.create(issue=self.issue, kind=BlockKind.TRAINING, position=2)
        training_block.courses.add(self.course)
        IssueBlock.objects.create(issue=self.issue, kind=BlockKind.PROCEDURES, position=3, update_round=self.round)

    @property
    def pages(self) -> dict[str, str]:
        return {
            "home": "/",
            "search": "/search/?q=neglect",
            "newsletters": "/newsletters/",
            "series": self.issue.series.get_absolute_url(),
            "series feed": self.issue.series.get_absolute_url() + "feed/",
            "issue": self.issue.get_absolute_url(),
            "article": self.article.get_absolute_url(),
            "topics": "/newsletters/topics/",
            "topic": "/newsletters/topics/neglect/",
            "programme": "/training/",
            "course": self.course.get_absolute_url(),
            "session": self.session.get_absolute_url(),
            "manual": "/procedures/",
            "chapter": self.chapter.get_absolute_url(),
            "amendments": "/procedures/amendments/",
            "glossary": "/procedures/glossary/",
            "contact": "/contact/",
        }


@pytest.fixture
def site():
    return Site()


def _read(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, url
    return _PER_READER.sub(r"\1", response.content.decode())


def _rendered_now(url: str) -> str:
    """The page rendered whole: neither the page nor any fragment of it from what the process keeps."""
    with override_settings(PAGE_CACHE_SECONDS=0, PAGE_FRAGMENT_SECONDS=0):
        return _read(url)


def _keep(pages: dict[str, str]) -> dict[str, str]:
    """Read every page twice, so each is kept; return what each showed."""
    shown = {}
    for name, url in pages.items():
        _read(url)
        shown[name] = _read(url)
    return shown


def _assert_set_aside(site: Site, change, *, showing: set[str], kept: set[str]) -> None:
    """``change`` (a function of the site; its ``before`` attribute, if any, runs before the pages are kept)."""
    pages = site.pages
    assert showing | kept <= pages.keys()
    assert not showing & kept
    if hasattr(change, "before"):
        change.before(site)
    before = _keep(pages)

    change(site)

    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            after = _read(url)
        if name in kept:
            assert len(queries) == 1, f"the {name} page was set aside by a change to an area it does not show"
            assert after == before[name], name
        else:
            now = _rendered_now(url)
            assert after == now, f"the {name} page still shows its kept copy"
            if name in showing:
                assert now != before[name], f"the {name} page does not show this change: the test is wrong"


def book_a_place(site):
    BookingFactory(session=site.session, organisation=site.listed)


def cancel_a_booking(site):
    booking = site.session.bookings.get()
    booking.status = "cancelled"
    booking.cancelled_at = timezone.now()
    booking.cancel_reason = "Off sick"
    booking.save()


cancel_a_booking.before = book_a_place


def rename_the_course(site):
    Course.objects.filter(pk=site.course.pk).update(title="Neglect: the Graded Care Profile")


def rename_the_topic(site):
    Tag.objects.filter(slug="neglect").update(name="Neglect and its signs")


def type_an_organisation(site):
    organisation_for_name(name="Hillside Family Hub")


def verify_a_typed_organisation(site):
    Organisation.objects.filter(name="Hillside Family Hub").update(verified=True)


verify_a_typed_organisation.before = type_an_organisation


def add_an_article(site):
    ArticleFactory(issue=site.issue, title="Neglect in adolescence", position=4)


def publish_a_new_version_of_the_chapter(site):
    publish_change(site.chapter, body="<h2>Introduction</h2><p>How to use the Graded Care Profile.</p>")


def correct_an_amendment(site):
    Amendment.objects.filter(update_round=site.round).update(details="A new chapter on neglect, with a flowchart.")


def rename_the_board(site):
    BoardSettings.objects.update(name="Northbrook Safeguarding Children Partnership")


NEWSLETTERS = {"newsletters", "series", "series feed", "issue", "article", "topics", "topic"}
TRAINING = {"programme", "course", "session"}
MANUAL = {"manual", "chapter", "amendments", "glossary"}
ALL = {"home", "search", "contact"} | NEWSLETTERS | TRAINING | MANUAL
# The pages that show sessions' places: the issue through its training block, home and search as well.
PLACES = {"home", "search", "issue", *TRAINING}
TOPICS = {"article", "topics", "topic", "issue", *TRAINING}


@pytest.mark.parametrize(
    ("change", "showing", "kept"),
    [
        (book_a_place, PLACES, ALL - PLACES),
        (cancel_a_booking, PLACES, ALL - PLACES),
        (rename_the_course, PLACES, ALL - PLACES),
        (rename_the_topic, TOPICS, ALL - TOPICS),
        (verify_a_typed_organisation, {"session"}, ALL - {"session"}),
        (add_an_article, {"home", "search", "issue", "article", "series feed"}, TRAINING | MANUAL | {"contact"}),
        (publish_a_new_version_of_the_chapter, {"home", "chapter", "amendments"}, ALL - MANUAL - PLACES),
        (correct_an_amendment, {"issue", "chapter", "amendments"}, ALL - MANUAL - PLACES),
        (rename_the_board, ALL, set()),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_change_sets_aside_the_pages_that_show_it_and_keeps_the_other_areas(site, change, showing, kept):
    assert set(site.pages) == ALL
    _assert_set_aside(site, change, showing=showing, kept=kept)


def test_stamping_reminders_sent_sets_no_page_aside(site):
    due = BookingFactory(session=site.session, organisation=site.listed)
    areas = sorted(pagecache.declared_areas())
    before = pagecache.versions(areas)

    def send_reminders(site):
        assert training_tasks.send_reminders(timestamp=int(timezone.now().timestamp())) == 1

    _assert_set_aside(site, send_reminders, showing=set(), kept=ALL)

    due.refresh_from_db()
    assert due.reminder_sent_at is not None
    assert pagecache.versions(areas) == before


def test_an_organisation_a_booker_types_sets_no_page_aside(site):
    _assert_set_aside(site, type_an_organisation, showing=set(), kept=ALL)
    assert Organisation.objects.filter(name="Hillside Family Hub", verified=False).exists()


def test_emailing_subscribers_an_issue_sets_no_page_aside(site):
    def notify_subscribers(site):
        newsletter_services.issue_notify_subscribers(issue=site.issue)

    _assert_set_aside(site, notify_subscribers, showing=set(), kept=ALL)
    site.issue.refresh_from_db()
    assert site.issue.subscribers_notified_at is not None
    assert IssueBlock.objects.filter(issue=site.issue, snapshot__isnull=False).count() == 2


def test_a_booking_moves_only_the_places_version(site):
    areas = sorted(pagecache.declared_areas())
    before = dict(zip(areas, pagecache.versions(areas), strict=True))

    book_a_place(site)

    after = dict(zip(areas, pagecache.versions(areas), strict=True))
    assert {area for area in areas if after[area] != before[area]} == {"places"}
    assert after["places"] == before["places"] + 1
