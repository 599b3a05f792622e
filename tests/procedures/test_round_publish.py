"""Publishing an update round: everything in it goes live together, or nothing does."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core.search import SearchResults
from procedures.models import AmendmentKind, Chapter, ChapterStatus, ChapterVersion, UpdateRound
from procedures.search import sources as search_sources
from procedures.services import round_publish

from .factories import (
    AmendmentFactory,
    ChapterFactory,
    ChapterVersionFactory,
    UpdateRoundFactory,
    publish_change,
    publish_new_chapter,
)

pytestmark = pytest.mark.django_db


def test_nothing_of_an_unpublished_round_shows_anywhere(client):
    neglect = publish_new_chapter(title="Neglect", body="<h2>Signs</h2><p>Poor hygiene and missed appointments.</p>")
    draft_round = UpdateRoundFactory(title="September 2018 update")
    ChapterVersionFactory(
        chapter=neglect,
        update_round=draft_round,
        title="Neglect",
        slug="neglect",
        body="<h2>Signs</h2><p>Poor hygiene, missed appointments and an unheated home.</p>",
    )
    AmendmentFactory(update_round=draft_round, chapter=neglect, details="Section 1 adds cold homes.")
    gangs = ChapterFactory(title="Gangs and criminal exploitation")
    ChapterVersionFactory(chapter=gangs, update_round=draft_round, title=gangs.title, slug="gangs")
    AmendmentFactory(update_round=draft_round, chapter=gangs, kind=AmendmentKind.NEW, details="New chapter.")

    assert list(Chapter.objects.current()) == [neglect]
    pages = [
        client.get(reverse("procedures:index")),
        client.get(reverse("procedures:chapter", args=["neglect"])),
        client.get(reverse("procedures:amendments")),
        client.get(reverse("procedures:search"), {"q": "gangs"}),
        client.get(reverse("procedures:feed")),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "unheated" not in html
        assert "September 2018 update" not in html
        assert "Gangs and criminal exploitation" not in html
    assert "No chapters or glossary terms match" in pages[3].content.decode()
    assert client.get("/procedures/gangs/").status_code == 404
    assert list(SearchResults("unheated", search_sources())) == []


def test_publishing_makes_every_change_live_together():
    neglect = publish_new_chapter(title="Neglect")
    update_round = UpdateRoundFactory(title="March 2018 update")
    ChapterVersionFactory(
        chapter=neglect, update_round=update_round, title="Neglect", slug="neglect", body="<p>New</p>"
    )
    neglect_amendment = AmendmentFactory(update_round=update_round, chapter=neglect)
    gangs = ChapterFactory(title="Gangs")
    ChapterVersionFactory(chapter=gangs, update_round=update_round, title="Gangs", slug="gangs")
    gangs_amendment = AmendmentFactory(
        update_round=update_round, chapter=gangs, kind=AmendmentKind.NEW, details="New chapter."
    )

    at = timezone.now()
    round_publish(update_round=update_round, at=at)

    neglect.refresh_from_db()
    gangs.refresh_from_db()
    assert neglect.current_version.body == "<p>New</p>"
    assert neglect.current_version.number == 2
    assert neglect.updated_at == at
    assert (neglect.last_amendment, gangs.last_amendment) == (neglect_amendment, gangs_amendment)
    assert gangs.status == ChapterStatus.CURRENT
    assert gangs.slug == "gangs"
    assert gangs.current_version.number == 1
    assert UpdateRound.objects.get(pk=update_round.pk).published_at == at
    assert len({neglect.current_version.print_code, gangs.current_version.print_code}) == 2


def test_a_round_with_one_bad_amendment_publishes_nothing():
    neglect = publish_new_chapter(title="Neglect")
    before = neglect.current_version_id
    update_round = UpdateRoundFactory()
    ChapterVersionFactory(chapter=neglect, update_round=update_round, title="Neglect", slug="neglect", body="<p>x</p>")
    AmendmentFactory(update_round=update_round, chapter=neglect)
    # A new chapter announced without its text.
    missing = ChapterFactory(title="Sexual abuse")
    AmendmentFactory(update_round=update_round, chapter=missing, kind=AmendmentKind.NEW)

    with pytest.raises(ValidationError) as error:
        round_publish(update_round=update_round)

    assert "“Sexual abuse”: add the chapter's new text to this round (New chapter)." in error.value.messages
    neglect.refresh_from_db()
    assert neglect.current_version_id == before
    assert UpdateRound.objects.get(pk=update_round.pk).published_at is None
    assert ChapterVersion.objects.filter(update_round=update_round, number__isnull=False).count() == 0
    assert Chapter.objects.get(pk=missing.pk).status == ChapterStatus.DRAFT


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_amendments", "Add at least one amendment: a round tells practitioners what changed."),
        ("text_without_amendment", "“Neglect” has a new text but no amendment saying what changed."),
        ("title_change_marked_updated", "“Neglect” has a new title (“Child neglect”): mark the amendment as renamed."),
        ("rename_without_new_title", "“Neglect” is marked as renamed but its title has not changed."),
        ("new_but_published", "“Neglect” is already published, so it cannot be a new chapter."),
        ("slug_of_another_chapter", "The web address “bullying” belongs to “Bullying”. Choose another."),
    ],
)
def test_publishing_refuses_a_round_that_breaks_a_rule(setup, message):
    neglect = publish_new_chapter(title="Neglect")
    publish_new_chapter(title="Bullying")
    update_round = UpdateRoundFactory()
    version = {"chapter": neglect, "update_round": update_round, "title": "Neglect", "slug": "neglect"}
    if setup == "text_without_amendment":
        ChapterVersionFactory(**version)
        AmendmentFactory(update_round=update_round, chapter=publish_new_chapter(title="Other"), kind="reviewed")
    elif setup == "title_change_marked_updated":
        ChapterVersionFactory(**{**version, "title": "Child neglect"})
        AmendmentFactory(update_round=update_round, chapter=neglect)
    elif setup == "rename_without_new_title":
        ChapterVersionFactory(**version)
        AmendmentFactory(update_round=update_round, chapter=neglect, kind=AmendmentKind.RENAMED)
    elif setup == "new_but_published":
        ChapterVersionFactory(**version)
        AmendmentFactory(update_round=update_round, chapter=neglect, kind=AmendmentKind.NEW)
    elif setup == "slug_of_another_chapter":
        ChapterVersionFactory(**{**version, "slug": "bullying"})
        AmendmentFactory(update_round=update_round, chapter=neglect)

    with pytest.raises(ValidationError) as error:
        round_publish(update_round=update_round)

    assert message in error.value.messages
    assert not UpdateRound.objects.get(pk=update_round.pk).is_published


def test_a_round_cannot_be_published_twice_or_before_the_latest():
    neglect = publish_new_chapter(title="Neglect")
    latest = publish_change(neglect)
    with pytest.raises(ValidationError, match="already published"):
        round_publish(update_round=latest)

    earlier = UpdateRoundFactory()
    AmendmentFactory(update_round=earlier, chapter=neglect, kind=AmendmentKind.REVIEWED)
    with pytest.raises(ValidationError, match="before"):
        round_publish(update_round=earlier, at=latest.published_at - timedelta(days=1))


def test_reviewed_without_change_keeps_the_text_and_records_the_amendment(client):
    neglect = publish_new_chapter(title="Neglect")
    version = neglect.current_version
    update_round = UpdateRoundFactory(title="Summer review")
    reviewed = AmendmentFactory(
        update_round=update_round, chapter=neglect, kind=AmendmentKind.REVIEWED, details="Reviewed."
    )
    round_publish(update_round=update_round)
    neglect.refresh_from_db()
    assert neglect.current_version == version
    assert neglect.last_amendment == reviewed
    html = client.get(reverse("procedures:amendments")).content.decode()
    assert "Summer review" in html
    assert "Reviewed." in html
    # The chapter's page says which round last amended it.
    html = client.get(neglect.get_absolute_url()).content.decode()
    assert "Amended in the Summer review" in html


def test_a_migrated_manual_points_each_chapter_at_its_last_amendment():
    """The data migration that gave chapters their pointer finds the latest published round's amendment."""
    migration = import_module("procedures.migrations.0006_chapter_last_amendment")
    neglect = publish_new_chapter(title="Neglect")
    latest = publish_change(neglect, details="Section 4 now covers babies.")
    draft_round = UpdateRoundFactory()
    AmendmentFactory(update_round=draft_round, chapter=neglect, details="Not yet published.")
    draft = ChapterFactory(title="Gangs")
    Chapter.objects.update(last_amendment=None)

    migration.point_chapters_at_their_last_amendment(apps, None)

    neglect.refresh_from_db()
    assert neglect.last_amendment.update_round == latest
    assert Chapter.objects.get(pk=draft.pk).last_amendment is None


def test_archiving_withdraws_the_chapter_and_keeps_it_in_the_archive(client):
    neglect = publish_new_chapter(title="Neglect")
    update_round = UpdateRoundFactory()
    AmendmentFactory(update_round=update_round, chapter=neglect, kind=AmendmentKind.ARCHIVED, details="Withdrawn.")
    round_publish(update_round=update_round)

    neglect.refresh_from_db()
    assert neglect.status == ChapterStatus.ARCHIVED
    assert neglect.current_version.status == ChapterStatus.ARCHIVED
    assert neglect.current_version.number == 2
    assert list(Chapter.objects.current()) == []
    assert "Neglect" not in client.get(reverse("procedures:index")).content.decode()
    archive = client.get(reverse("procedures:archive")).content.decode()
    assert "Neglect" in archive
    assert "Not current" in archive
    page = client.get(reverse("procedures:chapter", args=["neglect"])).content.decode()
    assert "is not current" in page


def test_rename_keeps_the_old_address_working_and_old_title_searchable(client):
    chapter = publish_new_chapter(
        title="Paediatric medical assessments",
        slug="paediatric-medical-assessments",
        body="<h2>Consent</h2><p>Ask for consent before any examination.</p>",
    )
    publish_change(
        chapter,
        kind=AmendmentKind.RENAMED,
        title="Child protection medical assessments",
        slug="child-protection-medical-assessments",
        details="This chapter, previously called Paediatric medical assessments, should be read throughout.",
    )

    response = client.get("/procedures/paediatric-medical-assessments/")
    assert response.status_code == 301
    assert response["Location"] == "/procedures/child-protection-medical-assessments/"
    response = client.get("/procedures/paediatric-medical-assessments/print/")
    assert response["Location"] == "/procedures/child-protection-medical-assessments/print/"

    results = list(SearchResults("paediatric", search_sources()))
    assert [result.title for result in results] == ["Child protection medical assessments"]
    assert results[0].url.startswith("/procedures/child-protection-medical-assessments/")
    amendment = chapter.amendments.get(kind=AmendmentKind.RENAMED)
    assert amendment.previous_title == "Paediatric medical assessments"
    amendments_page = client.get(reverse("procedures:amendments")).content.decode()
    assert 'Previously called <span lang="en-GB">Paediatric medical assessments</span>' in amendments_page
