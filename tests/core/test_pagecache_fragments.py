"""Page fragments: parts of a page kept while the versions of the areas they show stand.

These tests commit (``transactional_db``): the triggers fire at commit, as in production.
"""

from datetime import timedelta
from functools import partial

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lscb_portal.core import pagecache
from lscb_portal.core.models import BoardSettings
from newsletters.models import Article
from procedures.models import Amendment, AmendmentKind, Chapter
from tests.newsletters.factories import ArticleFactory, IssueFactory
from tests.procedures.factories import GlossaryTermFactory, publish_change, publish_new_chapter
from tests.training.factories import BookingFactory, SessionFactory
from training.models import Course

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    settings.PAGE_FRAGMENT_SECONDS = 60
    pagecache._fragments.clear()
    yield
    pagecache._fragments.clear()


class Builds:
    """A fragment's build function that counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"built {self.calls}"


@pytest.fixture
def reader(settings):
    """A reader's client with every page rendered (the page cache off) and the board's shell already kept."""
    settings.PAGE_CACHE_SECONDS = 0
    BoardSettings.get_solo()
    client = Client()
    client.get("/")
    return client


def _kept(build, shows=("training",)):
    return pagecache.fragment(RequestFactory().get("/"), ("test.fragment",), shows=shows, build=build)


def _page_reading(client, url: str, table: str) -> tuple[str, bool]:
    """The page at ``url``, and whether any of its queries read ``table`` (so whether a kept part was built)."""
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    return page, any(table in query["sql"] for query in captured.captured_queries)


def test_a_fragment_is_built_again_only_when_an_area_it_shows_changes():
    session = SessionFactory()
    build = Builds()
    assert _kept(build) == "built 1"
    assert _kept(build) == "built 1"

    BookingFactory(session=session)  # the places area, which this fragment does not show
    assert _kept(build) == "built 1"

    Course.objects.filter(pk=session.course_id).update(title="Neglect: the Graded Care Profile")
    assert _kept(build) == "built 2"
    assert build.calls == 2


def test_a_fragment_is_kept_at_most_its_time():
    build = Builds()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _kept(build)
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert _kept(build) == "built 1"
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert _kept(build) == "built 2"


def test_nothing_built_inside_a_transaction_is_kept():
    """It may have read rows that are then rolled back."""
    build = Builds()
    with transaction.atomic():
        assert _kept(build) == "built 1"
    assert _kept(build) == "built 2"
    assert _kept(build) == "built 2"


def test_fragments_are_off_when_their_time_is_zero(settings):
    settings.PAGE_FRAGMENT_SECONDS = 0
    build = Builds()
    _kept(build)
    assert _kept(build) == "built 2"


def test_a_request_reads_the_versions_once_for_its_page_and_fragments():
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        pagecache.versions(["board"], request)
        pagecache.fragment(request, ("a",), shows=["training"], build=Builds())
        pagecache.fragment(request, ("b",), shows=["newsletters", "topics"], build=Builds())
    assert len(queries) == 1


def test_an_issue_page_reads_its_articles_again_only_when_they_change(settings, django_assert_max_num_queries):
    """A booking changes the places its training block shows, not its articles."""
    settings.PAGE_CACHE_SECONDS = 0
    BoardSettings.get_solo()
    issue = IssueFactory(published=True)
    article = ArticleFactory(issue=issue, title="Spotting neglect early")
    session = SessionFactory()
    url = issue.get_absolute_url()
    Client().get(url)

    BookingFactory(session=session)
    # The content versions, the issue and its blocks: the articles, their lists, the issues either side
    # and the board's settings come from fragments.
    with django_assert_max_num_queries(3):
        assert "Spotting neglect early" in Client().get(url).content.decode()

    Article.objects.filter(pk=article.pk).update(title="Spotting neglect in babies")
    assert "Spotting neglect in babies" in Client().get(url).content.decode()


def test_the_shell_shows_a_change_to_the_boards_details_on_the_next_page(settings):
    settings.PAGE_CACHE_SECONDS = 0
    BoardSettings.get_solo()
    Client().get("/contact/")
    BoardSettings.objects.update(referral_phone="01632 960 999", name="Northbrook Children's Partnership")

    page = Client().get("/contact/").content.decode()

    assert "01632 960 999" in page  # the "worried about a child?" strip
    assert '<span class="govuk-!-font-weight-bold">Northbrook Children&#x27;s Partnership</span>' in page  # the footer


@pytest.mark.parametrize(
    ("address", "before", "after"),
    [
        ("/training/", "0 of 12 taken", "1 of 12 taken"),
        ("/training/sessions/{pk}/", "12 places in total, 0 taken", "12 places in total, 1 taken"),
    ],
    ids=["programme", "session"],
)
def test_training_pages_keep_their_sessions_while_bookings_change_and_show_places_afresh(
    settings, address, before, after
):
    settings.PAGE_CACHE_SECONDS = 0
    session = SessionFactory(capacity=12, course__title="Neglect: recognising and responding")
    # The sessions' dates are read only when the sessions are.
    page_reading = partial(_page_reading, Client(), address.format(pk=session.pk), "training_sessionpart")

    page, read = page_reading()
    assert before in page
    assert read

    BookingFactory(session=session)  # the places area only: the kept sessions stand, their places are read again
    page, read = page_reading()
    assert after in page
    assert not read

    Course.objects.filter(pk=session.course_id).update(title="Neglect: the Graded Care Profile")
    page, read = page_reading()
    assert "Neglect: the Graded Care Profile" in page
    assert after in page
    assert read


def test_the_home_page_reads_its_sessions_again_only_when_training_or_places_change(settings):
    settings.PAGE_CACHE_SECONDS = 0
    session = SessionFactory(capacity=12, course__title="Neglect: recognising and responding")
    client = Client()

    home = partial(_page_reading, client, "/", 'FROM "training_session"')

    page, read = home()
    assert "Neglect: recognising and responding" in page
    assert read

    IssueFactory(published=True, title="Winter safeguarding news")  # the newsletters area only
    page, read = home()
    assert "Winter safeguarding news" in page
    assert not read

    BookingFactory(session=session)  # the places area: the sessions (with their places) are read again
    page, read = home()
    assert read

    Course.objects.filter(pk=session.course_id).update(title="Neglect: the Graded Care Profile")
    page, read = home()
    assert "Neglect: the Graded Care Profile" in page
    assert read


def test_an_issues_article_pages_share_one_reading_of_it(reader, django_assert_max_num_queries):
    client = reader
    issue = IssueFactory(published=True)
    first = ArticleFactory(issue=issue, title="Spotting neglect early", position=1)
    second = ArticleFactory(issue=issue, title="Bruising in babies who do not crawl", position=2)

    assert "Spotting neglect early" in client.get(first.get_absolute_url()).content.decode()
    # The other article's page reads only the content versions: its issue and articles are kept.
    with django_assert_max_num_queries(1):
        page = client.get(second.get_absolute_url()).content.decode()
    assert "Bruising in babies who do not crawl" in page
    assert "Spotting neglect early" in page  # the issue's list of articles

    Article.objects.filter(pk=first.pk).update(title="Spotting neglect in babies")
    assert "Spotting neglect in babies" in client.get(second.get_absolute_url()).content.decode()


def test_the_amendments_pages_share_the_rounds_and_each_rounds_tables(reader, django_assert_max_num_queries):
    client = reader
    chapter = publish_new_chapter(title="Neglect and emotional abuse")
    update_round = publish_change(chapter, details="The Graded Care Profile is now used throughout.")
    amendments = partial(_page_reading, client, "/procedures/amendments/", 'SELECT "procedures_amendment"."id"')

    page, read = amendments()
    assert "The Graded Care Profile is now used throughout." in page
    assert read
    # The round's own page reads only the content versions and the round: its tables are kept.
    with django_assert_max_num_queries(2):
        page = client.get(update_round.get_absolute_url()).content.decode()
    assert "The Graded Care Profile is now used throughout." in page
    page, read = amendments()
    assert not read
    # The rounds listed, their tables and the manual are all kept: the page reads the content versions only, as
    # does the list of earlier rounds.
    with django_assert_max_num_queries(1):
        client.get("/procedures/amendments/")
    with django_assert_max_num_queries(1):
        client.get("/procedures/amendments/earlier/")

    Amendment.objects.filter(update_round=update_round).update(details="Section 3 now explains the GCP2 scores.")
    page, read = amendments()
    assert "Section 3 now explains the GCP2 scores." in page
    assert read


def test_a_chapters_pages_share_one_reading_of_it(reader, django_assert_max_num_queries):
    """The chapter, print, changes and "as at" pages read the chapter once; its page links the glossary's terms with
    a linker every chapter shares."""
    client = reader
    GlossaryTermFactory(term="Strategy discussion", slug="strategy-discussion")
    chapter = publish_new_chapter(
        title="Neglect", body="<h2>Referral</h2><p>Hold a strategy discussion within a day.</p>"
    )
    publish_change(chapter, body="<h2>Referral</h2><p>Hold a strategy discussion within a working day.</p>")
    other = publish_new_chapter(title="Bruising", body="<p>A strategy discussion follows any bruise.</p>")
    chapter_page = partial(_page_reading, client, "/procedures/neglect/", 'FROM "procedures_chapter"')

    page, read = chapter_page()
    assert "within a working day" in page
    assert read
    # The print page reads the versions only (it is never kept as a page: it says when it was printed).
    with django_assert_max_num_queries(1):
        page = client.get("/procedures/neglect/print/").content.decode()
    assert "within a working day" in page
    # The changes page reads only the chapter's history.
    page, read = _page_reading(client, "/procedures/neglect/changes/", 'FROM "procedures_chapter" ')
    assert "working" in page
    assert not read
    # Another chapter reads itself and its related chapters, not the glossary again.
    page, read = _page_reading(client, other.get_absolute_url(), 'FROM "procedures_glossaryterm"')
    assert 'href="/procedures/glossary/#term-strategy-discussion"' in page
    assert not read

    Chapter.objects.filter(pk=chapter.pk).update(title="Neglect and emotional abuse")
    page, read = chapter_page()
    assert "Neglect and emotional abuse" in page
    assert read


def test_a_renamed_chapters_old_address_redirects_from_its_kept_reading(settings):
    settings.PAGE_CACHE_SECONDS = 0
    chapter = publish_new_chapter(title="Neglect")
    publish_change(
        chapter, kind=AmendmentKind.RENAMED, title="Neglect and emotional abuse", slug="neglect-and-emotional-abuse"
    )
    client = Client()

    for _ in range(2):
        response = client.get("/procedures/neglect/print/?from=email")
        assert response.status_code == 301
        assert response["Location"] == "/procedures/neglect-and-emotional-abuse/print/?from=email"
    assert "Neglect and emotional abuse" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "address",
    ["/training/sessions/{n}/", "/newsletters/no-such-series/{n}/an-article/", "/procedures/chapter-{n}/"],
    ids=["session", "article", "chapter"],
)
def test_addresses_that_find_nothing_keep_nothing(settings, address):
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get("/")
    kept = len(pagecache._fragments.entries)

    for n in range(900_001, 900_021):
        assert client.get(address.format(n=n)).status_code == 404

    assert len(pagecache._fragments.entries) == kept
