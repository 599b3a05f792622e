"""Everything publishing a round would refuse about a chapter's address is refused when the text is saved."""

import pytest
from django.urls import reverse

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import Frequency, OutboxMessage, Subscriber, Subscription
from lscb_portal.core.roles import PROCEDURE_EDITORS
from procedures import services
from procedures.models import Amendment, AmendmentKind, Chapter, ChapterStatus, ChapterVersion
from tests.core.factories import StaffUserFactory

from .factories import (
    AmendmentFactory,
    ChapterFactory,
    ChapterVersionFactory,
    UpdateRoundFactory,
    publish_new_chapter,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(StaffUserFactory(role=PROCEDURE_EDITORS))
    return client


def subscribe(email):
    subscriber = Subscriber.objects.create(email=email, confirmed_at="2026-01-01T00:00Z")
    Subscription.objects.create(subscriber=subscriber, list_key=services.UPDATES_LIST, frequency=Frequency.IMMEDIATE)


def test_a_draft_of_a_never_published_chapter_gets_an_address_from_its_title():
    chapter = ChapterFactory(title="Sexual abuse")
    version = services.draft_start(chapter=chapter, update_round=UpdateRoundFactory())
    assert version.slug == "sexual-abuse"


def test_a_draft_started_for_a_new_chapter_never_takes_an_address_in_use():
    publish_new_chapter(title="Neglect", slug="neglect")
    version = services.draft_start(chapter=ChapterFactory(title="Neglect"), update_round=UpdateRoundFactory())
    assert version.slug == "neglect-2"


def test_a_round_with_a_started_draft_of_a_new_chapter_publishes_and_emails(editor_client):
    subscribe("practitioner@example.org")
    chapter = ChapterFactory(title="Gangs and criminal exploitation")
    update_round = UpdateRoundFactory(title="September 2018 update")
    editor_client.post(
        reverse("admin:procedures_chapter_changelist"),
        {"action": "start_drafts", "_selected_action": [chapter.pk]},
    )
    line = Amendment.objects.get(update_round=update_round, chapter=chapter)
    assert (line.kind, line.details) == (AmendmentKind.NEW, "")
    with pytest.raises(Refused, match="“Gangs and criminal exploitation”: enter the details of the amends"):
        services.round_publish(update_round=update_round)
    Amendment.objects.filter(pk=line.pk).update(details="New chapter.")

    services.round_publish(update_round=update_round)

    chapter.refresh_from_db()
    assert chapter.status == ChapterStatus.CURRENT
    assert chapter.slug == "gangs-and-criminal-exploitation"
    message = OutboxMessage.objects.get(category=services.UPDATES_LIST)
    assert "/procedures/gangs-and-criminal-exploitation/" in message.body_text


def test_publishing_refuses_an_empty_address_with_a_message_instead_of_failing():
    chapter = ChapterFactory(title="Sexual abuse")
    update_round = UpdateRoundFactory()
    ChapterVersionFactory(chapter=chapter, update_round=update_round, slug="")
    AmendmentFactory(update_round=update_round, chapter=chapter, kind=AmendmentKind.NEW)

    with pytest.raises(Refused) as refused:
        services.round_publish(update_round=update_round)

    assert "“Sexual abuse” has no web address" in str(refused.value)
    assert Chapter.objects.get(pk=chapter.pk).status == ChapterStatus.DRAFT


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("", "Enter the last part of the chapter’s web address"),
        ("neglect", "The web address “neglect” belongs to “Neglect”"),
        ("old-neglect", "The web address “old-neglect” was used by “Neglect”"),
        ("glossary", "is used by a page of the manual"),
        ("in-this-round", "Another chapter in this round uses the web address “in-this-round”"),
    ],
)
def test_the_chapter_text_page_refuses_an_address_publishing_would_refuse(editor_client, slug, message):
    neglect = publish_new_chapter(title="Old neglect", slug="old-neglect")
    from .factories import publish_change

    publish_change(neglect, kind=AmendmentKind.RENAMED, title="Neglect", slug="neglect")
    update_round = UpdateRoundFactory()
    ChapterVersionFactory(update_round=update_round, slug="in-this-round")
    chapter = ChapterFactory(title="Sexual abuse")
    version = ChapterVersionFactory(chapter=chapter, update_round=update_round, slug="sexual-abuse")

    response = editor_client.post(
        reverse("admin:procedures_chapterversion_change", args=[version.pk]),
        {
            "update_round": update_round.pk,
            "chapter": chapter.pk,
            "title": "Sexual abuse",
            "slug": slug,
            "summary": "",
            "body": "<p>Text</p>",
            "key_words": "",
            "status": ChapterStatus.CURRENT,
        },
    )

    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "’").replace("'", "’")
    assert message in html
    assert ChapterVersion.objects.get(pk=version.pk).slug == "sexual-abuse"


def test_the_same_address_is_fine_for_the_chapter_that_owns_it(editor_client):
    neglect = publish_new_chapter(title="Neglect", slug="neglect")
    update_round = UpdateRoundFactory()
    version = services.draft_start(chapter=neglect, update_round=update_round)

    response = editor_client.post(
        reverse("admin:procedures_chapterversion_change", args=[version.pk]),
        {
            "update_round": update_round.pk,
            "chapter": neglect.pk,
            "title": "Neglect",
            "slug": "neglect",
            "summary": "",
            "body": "<p>Text</p>",
            "key_words": "",
            "status": ChapterStatus.CURRENT,
        },
    )

    assert response.status_code == 302


def test_start_a_draft_puts_the_chapter_in_the_round_composer(editor_client):
    neglect = publish_new_chapter(title="Neglect", slug="neglect")
    update_round = UpdateRoundFactory(title="Open round")
    response = editor_client.post(
        reverse("admin:procedures_chapter_changelist"),
        {"action": "start_drafts", "_selected_action": [neglect.pk]},
        follow=True,
    )
    assert "Edit them on the round's page" in response.content.decode()
    line = Amendment.objects.get(update_round=update_round, chapter=neglect)
    assert line.kind == AmendmentKind.UPDATED
    page = editor_client.get(reverse("admin:procedures_updateround_change", args=[update_round.pk])).content.decode()
    assert "Preview “Neglect” as readers will see it" in page
