"""From the round composer: previews exactly as readers will see them, publishing through a confirmation page
that says who is emailed, and corrections to a published round's details of amends that email nobody."""

import pytest
from django.urls import reverse

from lscb_portal.core.models import Frequency, OutboxMessage, Subscriber, Subscription
from lscb_portal.core.roles import PROCEDURE_EDITORS
from procedures.models import Amendment, AmendmentKind, Chapter, ChapterStatus, UpdateRound
from procedures.services import UPDATES_LIST, round_publish
from tests.core.factories import StaffUserFactory

from .factories import AmendmentFactory, ChapterVersionFactory, SectionFactory, UpdateRoundFactory, publish_new_chapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(StaffUserFactory(role=PROCEDURE_EDITORS))
    return client


def subscribe(email, *, major_only=False, frequency=Frequency.IMMEDIATE):
    subscriber = Subscriber.objects.create(email=email, confirmed_at="2026-01-01T00:00Z")
    Subscription.objects.create(
        subscriber=subscriber, list_key=UPDATES_LIST, frequency=frequency, major_only=major_only
    )


@pytest.fixture
def ready_round():
    """A round renaming Neglect and adding Sexual abuse, ready to publish."""
    neglect = publish_new_chapter(title="Neglect", slug="neglect", body="<h2>1. Purpose</h2><p>Old.</p>")
    update_round = UpdateRoundFactory(title="September 2018 update")
    ChapterVersionFactory(
        chapter=neglect,
        update_round=update_round,
        title="Neglect and cold homes",
        slug="neglect-and-cold-homes",
        body="<h2>1. Purpose</h2><p>Cold homes now covered.</p>",
    )
    AmendmentFactory(
        update_round=update_round, chapter=neglect, kind=AmendmentKind.RENAMED, details="Cold homes added.", position=1
    )
    abuse = Chapter.objects.create(section=SectionFactory(), title="Sexual abuse")
    ChapterVersionFactory(chapter=abuse, update_round=update_round, title="Sexual abuse", slug="sexual-abuse")
    AmendmentFactory(update_round=update_round, chapter=abuse, kind=AmendmentKind.NEW, details="New.", position=2)
    return update_round


def test_the_round_preview_shows_its_tables_as_readers_will_see_them(editor_client, ready_round):
    response = editor_client.get(reverse("admin:procedures_updateround_preview", args=[ready_round.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This is how readers will see it once the round is published" in html
    assert '<h1 class="govuk-heading-xl">September 2018 update</h1>' in html
    assert ">Updated chapters</th>" in html
    assert ">New chapters</th>" in html
    assert ">Neglect and cold homes</a>" in html
    assert 'Previously called <span lang="en-GB">Neglect</span>.' in html
    assert (
        reverse(
            "admin:procedures_updateround_preview_chapter",
            args=[ready_round.pk, ready_round.amendments.first().chapter_id],
        )
        in html
    )
    assert response["X-Robots-Tag"] == "noindex"
    assert not UpdateRound.objects.get(pk=ready_round.pk).is_published


def test_a_chapter_preview_shows_the_draft_text_as_readers_will_see_it(editor_client, ready_round):
    neglect = Chapter.objects.get(title="Neglect")
    response = editor_client.get(
        reverse("admin:procedures_updateround_preview_chapter", args=[ready_round.pk, neglect.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Neglect and cold homes</h1>' in html
    assert "Cold homes now covered." in html
    assert "1. Purpose" in html
    assert "1</span> 1. Purpose" not in html
    assert "(version 2)" in html
    assert "This chapter was previously called Neglect." in html
    assert Chapter.objects.get(pk=neglect.pk).title == "Neglect"


def test_previews_of_chapters_not_in_the_round_are_not_found(editor_client, ready_round):
    other = publish_new_chapter(title="Bullying", slug="bullying")
    for url in (
        reverse("admin:procedures_updateround_preview_chapter", args=[ready_round.pk, other.pk]),
        reverse("admin:procedures_updateround_preview_chapter", args=[ready_round.pk, 999999]),
        f"/admin/procedures/updateround/{ready_round.pk}/preview/%3Cscript%3E/",
        "/admin/procedures/updateround/999999/preview/",
        "/admin/procedures/updateround/x/publish/",
    ):
        assert editor_client.get(url).status_code in (302, 404), url


def test_the_confirmation_says_what_will_happen_and_who_is_emailed(editor_client, ready_round):
    subscribe("a@example.org")
    subscribe("b@example.org")
    subscribe("weekly@example.org", frequency=Frequency.WEEKLY)
    subscribe("major@example.org", major_only=True)

    response = editor_client.get(reverse("admin:procedures_updateround_publish", args=[ready_round.pk]))

    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "What will happen" in html
    assert "2 chapters, 0 marked as a major change" in html
    assert "Neglect → Neglect and cold homes: renamed and updated" in html
    assert "Sexual abuse: new chapter" in html
    assert "2 subscribers to procedure updates are emailed once, now" in html
    assert "1 more subscriber sees it in their weekly digest" in html
    assert "1 subscriber who asked for major changes only is not emailed" in html
    assert "/procedures/amendments/" in html
    assert "/september-2018-update/" in html
    assert 'name="_publish"' in html
    assert not UpdateRound.objects.get(pk=ready_round.pk).is_published


def test_publishing_from_the_confirmation_page(editor_client, ready_round):
    subscribe("a@example.org")
    url = reverse("admin:procedures_updateround_publish", args=[ready_round.pk])

    response = editor_client.post(url, {"_publish": "Publish the round now"}, follow=True)

    html = response.content.decode()
    assert "“September 2018 update” is published. 1 subscriber was emailed." in html
    assert UpdateRound.objects.get(pk=ready_round.pk).is_published
    assert OutboxMessage.objects.filter(category=UPDATES_LIST).count() == 1
    assert editor_client.post(url, {"_publish": "x"}).status_code == 302  # a second press publishes nothing
    assert OutboxMessage.objects.filter(category=UPDATES_LIST).count() == 1


def test_a_round_publishing_would_refuse_lists_its_problems_and_offers_no_publish_button(editor_client):
    update_round = UpdateRoundFactory(title="Empty round")
    url = reverse("admin:procedures_updateround_publish", args=[update_round.pk])

    html = editor_client.get(url).content.decode()
    assert "Add at least one amendment" in html
    assert 'name="_publish"' not in html

    response = editor_client.post(url, {"_publish": "Publish"})
    assert response.status_code == 200
    assert "Add at least one amendment" in response.content.decode()
    assert not UpdateRound.objects.get(pk=update_round.pk).is_published


def test_the_list_action_leads_to_the_confirmation_page(editor_client, ready_round):
    response = editor_client.post(
        reverse("admin:procedures_updateround_changelist"), {"action": "publish", "_selected_action": [ready_round.pk]}
    )
    assert response["Location"] == reverse("admin:procedures_updateround_publish", args=[ready_round.pk])
    assert not UpdateRound.objects.get(pk=ready_round.pk).is_published


def test_a_published_rounds_details_are_corrected_in_the_history_without_emails(editor_client, client, ready_round):
    subscribe("a@example.org")
    round_publish(update_round=ready_round)
    emails = OutboxMessage.objects.count()
    amendments = list(ready_round.amendments.order_by("position"))
    prefix = "amendments"
    data = {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "2",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, amendment in enumerate(amendments):
        data[f"{prefix}-{index}-id"] = str(amendment.pk)
        data[f"{prefix}-{index}-update_round"] = str(ready_round.pk)
        data[f"{prefix}-{index}-details"] = amendment.details
        data[f"{prefix}-{index}-sections_affected"] = ""
        # A hand-made request cannot change what the round published.
        data[f"{prefix}-{index}-kind"] = AmendmentKind.REVIEWED
    data[f"{prefix}-0-details"] = "Cold homes added to section 3."

    response = editor_client.post(reverse("admin:procedures_updateround_change", args=[ready_round.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    corrected = Amendment.objects.get(pk=amendments[0].pk)
    assert corrected.details == "Cold homes added to section 3."
    assert corrected.kind == AmendmentKind.RENAMED
    assert [record.details for record in corrected.history.order_by("history_date")][-2:] == [
        "Cold homes added.",
        "Cold homes added to section 3.",
    ]
    history = editor_client.get(reverse("admin:procedures_updateround_history", args=[ready_round.pk])).content
    assert "Details of amends corrected for “Neglect and cold homes” (no emails)" in history.decode()
    assert OutboxMessage.objects.count() == emails
    assert "Cold homes added to section 3." in client.get(ready_round.get_absolute_url()).content.decode()


def test_a_published_rounds_details_cannot_be_emptied(editor_client, ready_round):
    round_publish(update_round=ready_round)
    amendment = ready_round.amendments.order_by("position").first()
    prefix = "amendments"
    response = editor_client.post(
        reverse("admin:procedures_updateround_change", args=[ready_round.pk]),
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-id": str(amendment.pk),
            f"{prefix}-0-update_round": str(ready_round.pk),
            f"{prefix}-0-details": "",
            f"{prefix}-0-sections_affected": "",
        },
    )
    assert response.status_code == 200
    assert "Enter the details of the amends" in response.content.decode()
    assert Amendment.objects.get(pk=amendment.pk).details == "Cold homes added."


def test_the_preview_and_confirmation_pages_make_a_fixed_number_of_queries(
    editor_client, ready_round, django_assert_max_num_queries
):
    neglect = Chapter.objects.get(title="Neglect")
    editor_client.get(reverse("admin:procedures_updateround_preview", args=[ready_round.pk]))
    with django_assert_max_num_queries(13):
        editor_client.get(reverse("admin:procedures_updateround_preview", args=[ready_round.pk]))
    with django_assert_max_num_queries(16):
        editor_client.get(reverse("admin:procedures_updateround_preview_chapter", args=[ready_round.pk, neglect.pk]))
    with django_assert_max_num_queries(18):
        editor_client.get(reverse("admin:procedures_updateround_publish", args=[ready_round.pk]))
    assert Chapter.objects.get(pk=neglect.pk).status == ChapterStatus.CURRENT
