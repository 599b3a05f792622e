from io import StringIO

import pytest

from bench.seed_large import LargeBoard, SeedRefused
from lscb_portal.core.models import Subscriber
from newsletters.models import Article, Issue
from procedures.models import Amendment, Chapter, ChapterVersion, UpdateRound
from training.models import Booking, Session

pytestmark = pytest.mark.django_db


def seed(scale: float = 0.005) -> str:
    out = StringIO()
    LargeBoard(scale=scale, stdout=out).seed()
    return out.getvalue()


def test_seeds_a_board_the_public_can_see():
    output = seed()

    assert Issue.objects.published().count() == 3
    assert Article.objects.published().count() == 12
    assert Subscriber.objects.filter(confirmed_at__isnull=False).count() == 50
    assert Session.objects.public().count() == 10
    assert Booking.objects.count() == 300
    assert Chapter.objects.current().count() == 4
    assert ChapterVersion.objects.published().count() == 12
    assert Amendment.objects.published().count() == 12
    assert "skipped" not in output


def test_seeded_rows_keep_the_apps_rules():
    seed()

    # Nobody is emailed about a seeded issue, and search has words to find.
    assert not Issue.objects.awaiting_mail().exists()
    assert Article.objects.filter(body_text="").count() == 0
    assert Article.objects.filter(search_vector__isnull=True).count() == 0
    # No session holds more places than it has.
    for session in Session.objects.with_places():
        assert session.places_taken <= session.capacity
    # Each chapter shows its latest version, numbered in order of the rounds, and the amendment that made it; each
    # round has its own address, as publishing gives it.
    for chapter in Chapter.objects.current().select_related("current_version", "last_amendment"):
        numbers = list(chapter.versions.order_by("update_round__published_at").values_list("number", flat=True))
        assert numbers == [1, 2, 3]
        assert chapter.current_version.number == 3
        assert chapter.last_amendment.update_round_id == chapter.current_version.update_round_id
    assert not UpdateRound.objects.published().filter(slug=None).exists()


def test_running_again_adds_nothing():
    seed()

    output = seed()

    assert output.count("nothing added") == 4
    assert Booking.objects.count() == 300


def test_a_different_scale_is_refused_rather_than_mixed():
    seed()

    with pytest.raises(SeedRefused, match="seeded at another scale"):
        seed(scale=0.01)
    assert Issue.objects.count() == 3
