"""The round composer: one page to pick the chapters a round touches, edit each text and its details of amends,
refused at save with what publishing would refuse."""

import pytest
from django.urls import reverse

from lscb_portal.core.roles import PROCEDURE_EDITORS
from procedures.models import Amendment, AmendmentKind, Chapter, ChapterStatus, ChapterVersion, UpdateRound
from procedures.services import round_publish
from tests.core.factories import StaffUserFactory

from .factories import (
    AmendmentFactory,
    ChapterVersionFactory,
    SectionFactory,
    UpdateRoundFactory,
    publish_new_chapter,
)

pytestmark = pytest.mark.django_db

PREFIX = "amendments"


@pytest.fixture
def editor_client(client):
    client.force_login(StaffUserFactory(role=PROCEDURE_EDITORS))
    return client


def change_url(update_round):
    return reverse("admin:procedures_updateround_change", args=[update_round.pk])


def line(**values):
    return {
        "kind": AmendmentKind.UPDATED,
        "details": "Section 2 has been updated.",
        "sections_affected": "",
        "position": "1",
        "title": "",
        "slug": "",
        "summary": "",
        "body": "",
        "key_words": "",
        **values,
    }


def post_round(client, update_round, new=(), existing=(), **round_fields):
    """Send the composer: the round's own fields, its saved rows (``existing``: (amendment, values)) and
    new rows."""
    data = {
        "title": update_round.title,
        "introduction": update_round.introduction,
        f"{PREFIX}-TOTAL_FORMS": str(len(existing) + len(new)),
        f"{PREFIX}-INITIAL_FORMS": str(len(existing)),
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
        **round_fields,
    }
    rows = [(amendment, values) for amendment, values in existing] + [(None, values) for values in new]
    for index, (amendment, values) in enumerate(rows):
        row = f"{PREFIX}-{index}-"
        data[row + "update_round"] = str(update_round.pk)
        if amendment is not None:
            data[row + "id"] = str(amendment.pk)
        for name, value in values.items():
            if value is None:
                continue
            data[row + name] = "on" if value is True else str(value)
    return client.post(change_url(update_round), data)


@pytest.fixture
def neglect():
    return publish_new_chapter(
        title="Neglect", slug="neglect", body="<h2>Purpose</h2><p>Old words.</p>", summary="Old summary."
    )


def test_a_new_round_goes_on_to_its_own_page_to_pick_its_chapters(editor_client):
    response = editor_client.post(
        reverse("admin:procedures_updateround_add"),
        {
            "title": "March 2018 update",
            "introduction": "",
            f"{PREFIX}-TOTAL_FORMS": "0",
            f"{PREFIX}-INITIAL_FORMS": "0",
            f"{PREFIX}-MIN_NUM_FORMS": "0",
            f"{PREFIX}-MAX_NUM_FORMS": "1000",
        },
    )
    update_round = UpdateRound.objects.get(title="March 2018 update")
    assert response.status_code == 302
    assert response["Location"] == change_url(update_round)


def test_an_updated_chapter_is_drafted_from_the_text_in_force_with_what_was_typed(editor_client, neglect):
    update_round = UpdateRoundFactory(title="March 2018 update")

    response = post_round(
        editor_client,
        update_round,
        new=[line(chapter=neglect.pk, body="<h2>Purpose</h2><p>New words.</p>", details="Purpose reworded.")],
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    amendment = Amendment.objects.get(update_round=update_round)
    assert (amendment.chapter, amendment.kind, amendment.details) == (neglect, "updated", "Purpose reworded.")
    text = ChapterVersion.objects.get(update_round=update_round, chapter=neglect)
    assert "New words." in text.body
    assert (text.title, text.slug, text.summary) == ("Neglect", "neglect", "Old summary.")


def test_a_new_chapter_is_created_in_its_section_with_an_address_from_its_title(editor_client):
    section = SectionFactory(title="Specific circumstances")
    update_round = UpdateRoundFactory()

    response = post_round(
        editor_client,
        update_round,
        new=[
            line(
                kind=AmendmentKind.NEW,
                section=section.pk,
                title="Gangs and criminal exploitation",
                body="<h2>1. Purpose</h2><p>Text.</p>",
                details="A new chapter.",
            )
        ],
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    chapter = Chapter.objects.get(title="Gangs and criminal exploitation")
    assert (chapter.section, chapter.status) == (section, ChapterStatus.DRAFT)
    text = ChapterVersion.objects.get(update_round=update_round, chapter=chapter)
    assert text.slug == "gangs-and-criminal-exploitation"
    round_publish(update_round=update_round)
    assert editor_client.get("/procedures/gangs-and-criminal-exploitation/").status_code == 200


def test_a_rename_takes_its_address_from_the_new_title_and_the_old_one_redirects(editor_client, client, neglect):
    update_round = UpdateRoundFactory()

    response = post_round(
        editor_client,
        update_round,
        new=[
            line(
                chapter=neglect.pk,
                kind=AmendmentKind.RENAMED,
                title="Neglect and cold homes",
                slug="neglect",
                details="Renamed; section 3 covers cold homes.",
            )
        ],
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    text = ChapterVersion.objects.get(update_round=update_round, chapter=neglect)
    assert text.slug == "neglect-and-cold-homes"
    round_publish(update_round=update_round)
    old = client.get("/procedures/neglect/")
    assert old.status_code == 301
    assert old["Location"] == "/procedures/neglect-and-cold-homes/"


def test_a_withdrawn_chapter_keeps_its_text_and_is_archived_on_publication(editor_client, neglect):
    update_round = UpdateRoundFactory()
    response = post_round(
        editor_client,
        update_round,
        new=[line(chapter=neglect.pk, kind=AmendmentKind.ARCHIVED, details="Replaced by the neglect toolkit.")],
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not ChapterVersion.objects.filter(update_round=update_round).exists()
    round_publish(update_round=update_round)
    neglect.refresh_from_db()
    assert neglect.status == ChapterStatus.ARCHIVED


def test_a_saved_row_shows_its_text_and_saves_changes_to_it(editor_client, neglect):
    update_round = UpdateRoundFactory()
    text = ChapterVersionFactory(chapter=neglect, update_round=update_round, title="Neglect", slug="neglect")
    amendment = AmendmentFactory(update_round=update_round, chapter=neglect, details="First go.")

    html = editor_client.get(change_url(update_round)).content.decode()
    assert "First go." in html
    assert "This chapter explains what practitioners must do." in html

    response = post_round(
        editor_client,
        update_round,
        existing=[(amendment, line(details="Second go.", title="Neglect", slug="neglect", body="<p>Rewritten.</p>"))],
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    text.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.details == "Second go."
    assert text.body == "<p>Rewritten.</p>"


def test_taking_a_chapter_out_of_the_round_deletes_its_text_in_the_round(editor_client, neglect):
    update_round = UpdateRoundFactory()
    ChapterVersionFactory(chapter=neglect, update_round=update_round, title="Neglect", slug="neglect")
    amendment = AmendmentFactory(update_round=update_round, chapter=neglect)

    response = post_round(editor_client, update_round, existing=[(amendment, line(DELETE=True))])

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Amendment.objects.filter(update_round=update_round).exists()
    assert not ChapterVersion.objects.filter(update_round=update_round).exists()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"details": ""}, "details", "Enter the details of the amends"),
        ({"details": "   "}, "details", "Enter the details of the amends"),
        ({"slug": "bullying"}, "slug", "The web address “bullying” belongs to “Bullying”"),
        ({"slug": "glossary"}, "slug", "is used by a page of the manual"),
        ({"slug": "not a slug!"}, "slug", "Enter a valid “slug”"),
        ({"kind": AmendmentKind.RENAMED}, "title", "Enter the chapter’s new title"),
        ({"kind": AmendmentKind.RENAMED, "title": "Neglect"}, "title", "is marked as renamed but its title"),
        ({"title": "Neglect of children"}, "title", "has a new title (“Neglect of children”): mark the amendment"),
        ({"kind": AmendmentKind.NEW}, "kind", "“Neglect” is already published, so it cannot be a new chapter"),
        ({"chapter": ""}, "chapter", "Choose the chapter this line is about"),
        ({"chapter": "999999"}, "chapter", "Select a valid choice"),
        ({"chapter": "<script>alert(1)</script>"}, "chapter", "Select a valid choice"),
        ({"kind": "nonsense"}, "kind", "Select a valid choice"),
        ({"kind": AmendmentKind.NEW, "chapter": "", "title": "Sexual abuse"}, "section", "Choose the section"),
        ({"kind": AmendmentKind.NEW, "chapter": "", "section": "x", "title": "S"}, "section", "Select a valid"),
        ({"kind": AmendmentKind.NEW, "chapter": "", "section": "1"}, "title", "Enter the new chapter’s title"),
        ({"title": "x" * 500}, "title", "Ensure this value has at most 200 characters"),
    ],
)
def test_a_row_publishing_would_refuse_is_refused_at_save_beside_its_field(
    editor_client, neglect, row, field, message
):
    publish_new_chapter(title="Bullying", slug="bullying")
    update_round = UpdateRoundFactory()
    if row.get("section") == "1":
        row = {**row, "section": SectionFactory().pk}

    response = post_round(editor_client, update_round, new=[line(**{"chapter": neglect.pk, **row})])

    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "’").replace("&quot;", "“")
    assert message in html.replace("'", "’"), html[html.find("errornote") : html.find("errornote") + 3000]
    assert f"field-{field}" in html[: html.find(message)][-3000:] or field in ("chapter",)
    assert not Amendment.objects.filter(update_round=update_round).exists()
    assert not ChapterVersion.objects.filter(update_round=update_round).exists()


def test_the_same_chapter_twice_is_refused(editor_client, neglect):
    update_round = UpdateRoundFactory()
    amendment = AmendmentFactory(update_round=update_round, chapter=neglect)
    ChapterVersionFactory(chapter=neglect, update_round=update_round, title="Neglect", slug="neglect")

    response = post_round(editor_client, update_round, new=[line(chapter=neglect.pk)])

    assert response.status_code == 200
    assert "“Neglect” is already in this round" in response.content.decode()
    assert list(Amendment.objects.filter(update_round=update_round)) == [amendment]


def test_two_new_chapters_with_one_address_are_refused(editor_client):
    section = SectionFactory()
    update_round = UpdateRoundFactory()
    AmendmentFactory(update_round=update_round, chapter=Chapter.objects.create(section=section, title="Gangs"))
    ChapterVersionFactory(chapter=Chapter.objects.get(title="Gangs"), update_round=update_round, slug="gangs")

    response = post_round(
        editor_client,
        update_round,
        new=[
            line(kind=AmendmentKind.NEW, chapter="", section=section.pk, title="Gangs", slug="gangs", details="New.")
        ],
    )

    assert response.status_code == 200
    assert "Another chapter in this round uses the web address “gangs”" in response.content.decode()


def test_the_composer_makes_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries):
    def page_with(count):
        update_round = UpdateRoundFactory()
        for number in range(count):
            chapter = publish_new_chapter(title=f"Chapter {count}-{number}", slug=f"chapter-{count}-{number}")
            ChapterVersionFactory(chapter=chapter, update_round=update_round, title=chapter.title, slug=chapter.slug)
            AmendmentFactory(update_round=update_round, chapter=chapter)
        return change_url(update_round)

    few, many = page_with(2), page_with(9)
    editor_client.get(few)  # the first page of a session reads a little more once
    with django_assert_max_num_queries(15) as few_queries:
        assert editor_client.get(few).status_code == 200
    with django_assert_max_num_queries(15) as many_queries:
        assert editor_client.get(many).status_code == 200
    queries = [query["sql"] for query in many_queries.captured_queries]
    assert len(queries) == len(few_queries.captured_queries), "\n".join(queries)


@pytest.mark.parametrize(
    ("title", "message"),
    [("March 2018 update", "Update round with this Title already exists"), ("", "This field is required")],
)
def test_a_duplicate_or_empty_round_title_is_refused_on_the_page(editor_client, title, message):
    UpdateRoundFactory(title="March 2018 update")
    response = editor_client.post(
        reverse("admin:procedures_updateround_add"),
        {
            "title": title,
            "introduction": "",
            f"{PREFIX}-TOTAL_FORMS": "0",
            f"{PREFIX}-INITIAL_FORMS": "0",
            f"{PREFIX}-MIN_NUM_FORMS": "0",
            f"{PREFIX}-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert UpdateRound.objects.count() == 1


def test_a_round_titled_with_markup_publishes_at_a_plain_address(client, neglect):
    update_round = UpdateRoundFactory(title="<script>alert(1)</script> !!!")
    ChapterVersionFactory(chapter=neglect, update_round=update_round, title="Neglect", slug="neglect")
    AmendmentFactory(update_round=update_round, chapter=neglect)
    round_publish(update_round=update_round)
    update_round.refresh_from_db()
    assert update_round.slug == "scriptalert1script"
    html = client.get(update_round.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script> !!!" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; !!!" in html
