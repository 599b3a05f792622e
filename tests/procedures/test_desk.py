"""The procedures panel on an editor's desk: the open update round and the chapter texts drafted in it."""

import pytest

from lscb_portal.core.roles import PROCEDURE_EDITORS
from procedures import desk
from procedures.services import draft_start
from tests.core.factories import staff_member
from tests.procedures.factories import (
    AmendmentFactory,
    ChapterFactory,
    ChapterVersionFactory,
    UpdateRoundFactory,
    publish_new_chapter,
)

pytestmark = pytest.mark.django_db


def test_the_open_round_lists_its_drafts_and_says_what_is_in_it(client):
    neglect = publish_new_chapter(title="Neglect")
    update_round = UpdateRoundFactory(title="September 2026 update")
    draft_start(chapter=neglect, update_round=update_round)
    AmendmentFactory(update_round=update_round, chapter=neglect)
    ChapterVersionFactory(update_round=update_round, chapter=ChapterFactory(title="Gangs"), title="Gangs")

    content = desk.open_update_round(None)
    assert content.summary == ("“September 2026 update”: 1 amendment and 2 chapter texts drafted, not yet published.")
    assert [(item.text, item.detail) for item in content.items] == [
        ("Gangs", "new chapter"),
        ("Neglect", "amends “Neglect”"),
    ]
    assert content.link.text == "Open “September 2026 update”"

    client.force_login(staff_member(PROCEDURE_EDITORS))
    assert client.get(content.link.url).status_code == 200
    assert client.get(content.items[0].url).status_code == 200


def test_with_no_round_open_the_panel_says_so():
    publish_new_chapter(title="Neglect")  # its round is published
    content = desk.open_update_round(None)
    assert content.is_empty
    assert content.empty.startswith("No update round is open.")


def test_a_second_unpublished_round_is_mentioned(django_assert_max_num_queries):
    UpdateRoundFactory(title="Older draft")
    newest = UpdateRoundFactory(title="Newest draft")
    for _ in range(15):
        ChapterVersionFactory(update_round=newest)
    with django_assert_max_num_queries(2):
        content = desk.open_update_round(None)
    assert "Newest draft" in content.summary
    assert content.summary.endswith("Another round is unpublished too.")
    assert len(content.items) == desk.SHOWN
