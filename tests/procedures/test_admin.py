"""The back office: procedure editors prepare and publish rounds; other roles cannot reach the manual."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from lscb_portal.core.roles import BOARD_MANAGERS, PROCEDURE_EDITORS, TRAINING_ADMINISTRATORS
from procedures.models import AmendmentKind, Chapter, ChapterStatus, ChapterVersion, UpdateRound
from tests.core.factories import StaffUserFactory

from .factories import (
    AmendmentFactory,
    ChapterFactory,
    ChapterVersionFactory,
    UpdateRoundFactory,
    publish_change,
    publish_new_chapter,
)

pytestmark = pytest.mark.django_db

MODELS = ["manual", "section", "chapter", "updateround", "chapterversion", "glossaryterm"]


@pytest.fixture
def editor_client(client):
    client.force_login(StaffUserFactory(username="procedure-editors", role=PROCEDURE_EDITORS))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_procedure_editors_see_and_can_change_the_manual(editor_client, model):
    assert editor_client.get(reverse(f"admin:procedures_{model}_changelist")).status_code == 200
    user = User.objects.get(username="procedure-editors")
    assert user.has_perm(f"procedures.change_{model}")
    assert user.has_perm(f"procedures.add_{model}")


@pytest.mark.parametrize("role", [BOARD_MANAGERS, TRAINING_ADMINISTRATORS])
@pytest.mark.parametrize("model", MODELS)
def test_other_roles_cannot_reach_the_manual(client, role, model):
    client.force_login(StaffUserFactory(role=role))
    assert client.get(reverse(f"admin:procedures_{model}_changelist")).status_code == 403


def test_editor_publishes_a_round_from_the_list_through_its_confirmation_page(editor_client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    update_round = UpdateRoundFactory(title="March 2018 update")
    ChapterVersionFactory(chapter=chapter, update_round=update_round, title="Neglect", slug="neglect", body="<p>2</p>")
    AmendmentFactory(update_round=update_round, chapter=chapter)

    confirm = editor_client.post(
        reverse("admin:procedures_updateround_changelist"),
        {"action": "publish", "_selected_action": [update_round.pk]},
        follow=True,
    )
    assert "What will happen" in confirm.content.decode()
    response = editor_client.post(confirm.redirect_chain[-1][0], {"_publish": "Publish the round now"}, follow=True)

    assert "“March 2018 update” is published." in response.content.decode()
    assert UpdateRound.objects.get(pk=update_round.pk).is_published
    chapter.refresh_from_db()
    assert chapter.current_version.body == "<p>2</p>"


def test_a_refused_publication_shows_every_problem_and_changes_nothing(editor_client):
    update_round = UpdateRoundFactory(title="Broken round")
    AmendmentFactory(update_round=update_round, chapter=ChapterFactory(title="Sexual abuse"), kind=AmendmentKind.NEW)

    response = editor_client.post(
        reverse("admin:procedures_updateround_publish", args=[update_round.pk]), {"_publish": "Publish"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "add the chapter&#x27;s new text to this round" in html
    assert not UpdateRound.objects.get(pk=update_round.pk).is_published


def test_start_drafts_copies_the_text_in_force_into_the_open_round(editor_client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<h2>Signs</h2><p>Text.</p>")
    update_round = UpdateRoundFactory(title="Open round")
    editor_client.post(
        reverse("admin:procedures_chapter_changelist"),
        {"action": "start_drafts", "_selected_action": [chapter.pk]},
    )
    draft = ChapterVersion.objects.get(update_round=update_round)
    assert draft.body == chapter.current_version.body
    assert draft.slug == "neglect"
    assert draft.number is None


def test_published_rounds_and_versions_are_read_only(editor_client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    version = chapter.current_version
    update_round = version.update_round
    response = editor_client.post(
        reverse("admin:procedures_chapterversion_change", args=[version.pk]),
        {"title": "Changed", "slug": "neglect", "update_round": update_round.pk, "chapter": chapter.pk},
    )
    assert response.status_code == 403
    assert ChapterVersion.objects.get(pk=version.pk).title == "Neglect"
    page = editor_client.get(reverse("admin:procedures_updateround_change", args=[update_round.pk]))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()


def test_editor_adds_a_draft_text_through_the_admin(editor_client):
    chapter = ChapterFactory(title="Gangs")
    update_round = UpdateRoundFactory()
    response = editor_client.post(
        reverse("admin:procedures_chapterversion_add"),
        {
            "update_round": update_round.pk,
            "chapter": chapter.pk,
            "title": "Gangs and criminal exploitation",
            "slug": "gangs",
            "summary": "",
            "body": "<h2>Signs</h2><p>Unexplained money.</p><script>x()</script>",
            "key_words": "county lines",
            "status": "current",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    version = ChapterVersion.objects.get(chapter=chapter)
    assert "<script" not in version.body
    assert '<h2 id="signs">' in version.body
    assert Chapter.objects.get(pk=chapter.pk).status == ChapterStatus.DRAFT


def test_reserved_slugs_are_refused(editor_client):
    chapter = ChapterFactory(title="Glossary chapter")
    response = editor_client.post(
        reverse("admin:procedures_chapterversion_add"),
        {
            "update_round": UpdateRoundFactory().pk,
            "chapter": chapter.pk,
            "title": "Glossary",
            "slug": "glossary",
            "body": "<p>x</p>",
            "status": "current",
        },
    )
    assert response.status_code == 200
    assert "is used by a page of the manual" in response.content.decode()
    assert not ChapterVersion.objects.exists()


def test_admin_lists_keep_a_fixed_query_count(admin_client, django_assert_max_num_queries):
    for n in range(20):
        chapter = publish_new_chapter(title=f"Chapter {n}", slug=f"chapter-{n}")
        publish_change(chapter)
    for model in ["chapter", "updateround", "chapterversion", "section"]:
        with django_assert_max_num_queries(12):
            response = admin_client.get(reverse(f"admin:procedures_{model}_changelist"))
        assert response.status_code == 200, model


def test_history_records_who_changed_a_chapter(admin_client):
    chapter = ChapterFactory(title="Working title")
    admin_client.post(
        reverse("admin:procedures_chapter_change", args=[chapter.pk]),
        {"title": "Better working title", "section": chapter.section.pk, "position": 3},
    )
    record = Chapter.history.filter(id=chapter.pk).order_by("-history_date").first()
    assert record.title == "Better working title"
    assert record.history_user.is_superuser


def test_editor_forms_render(editor_client):
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    draft = UpdateRoundFactory(title="Draft round")
    AmendmentFactory(update_round=draft, chapter=chapter)
    pages = [
        reverse("admin:procedures_updateround_add"),
        reverse("admin:procedures_updateround_change", args=[draft.pk]),
        reverse("admin:procedures_chapterversion_add") + f"?update_round={draft.pk}",
        reverse("admin:procedures_chapter_change", args=[chapter.pk]),
        reverse("admin:procedures_chapter_add"),
        reverse("admin:procedures_glossaryterm_add"),
        reverse("admin:procedures_manual_change"),
        reverse("admin:procedures_chapter_history", args=[chapter.pk]),
    ]
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200, url
    round_page = editor_client.get(reverse("admin:procedures_updateround_change", args=[draft.pk])).content.decode()
    assert "Chapters in this round" in round_page
    assert "Preview “Neglect” as readers will see it" in round_page
    add_page = editor_client.get(pages[2]).content.decode()
    assert f'<option value="{draft.pk}" selected>Draft round</option>' in add_page


def test_start_drafts_needs_the_right_to_add_versions(client):
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__startswith="view_", content_type__app_label="procedures")
    )
    client.force_login(viewer)
    chapter = publish_new_chapter(title="Neglect", slug="neglect", body="<h2>Signs</h2><p>Text.</p>")
    update_round = UpdateRoundFactory(title="Open round")

    page = client.get(reverse("admin:procedures_chapter_changelist")).content.decode()
    client.post(
        reverse("admin:procedures_chapter_changelist"),
        {"action": "start_drafts", "_selected_action": [chapter.pk]},
    )

    assert "start_drafts" not in page
    assert not ChapterVersion.objects.filter(update_round=update_round).exists()
