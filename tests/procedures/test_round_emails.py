"""Subscribers to "procedure updates" hear of each round once; major_only subscribers only of major changes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lscb_portal.core import subscriptions
from lscb_portal.core.models import Frequency, OutboxMessage, Subscriber, Subscription
from procedures.models import AmendmentKind
from procedures.services import UPDATES_LIST, _notify_subscribers, round_publish

from .factories import AmendmentFactory, ChapterVersionFactory, UpdateRoundFactory, publish_new_chapter

pytestmark = pytest.mark.django_db


def subscribe(email, *, major_only=False, frequency=Frequency.IMMEDIATE, confirmed=True):
    subscriber = Subscriber.objects.create(email=email, confirmed_at=timezone.now() if confirmed else None)
    Subscription.objects.create(
        subscriber=subscriber, list_key=UPDATES_LIST, frequency=frequency, major_only=major_only
    )
    return subscriber


def round_with(chapters_and_major, title="March 2018 update"):
    update_round = UpdateRoundFactory(title=title)
    for chapter, major, details in chapters_and_major:
        ChapterVersionFactory(
            chapter=chapter,
            update_round=update_round,
            title=chapter.title,
            slug=chapter.slug,
            body=chapter.current_version.body + "<p>More.</p>",
        )
        AmendmentFactory(update_round=update_round, chapter=chapter, major=major, details=details)
    return update_round


def test_the_list_is_registered_with_major_only():
    mailing_list = subscriptions.get_list("procedures.updates")
    assert mailing_list.supports_major_only
    assert mailing_list.digest is not None


def test_one_email_per_subscriber_listing_the_amendments(jobs):
    neglect = publish_new_chapter(title="Neglect")
    bullying = publish_new_chapter(title="Bullying")
    everyone = subscribe("everything@example.org")
    subscribe("unconfirmed@example.org", confirmed=False)
    subscribe("weekly@example.org", frequency=Frequency.WEEKLY)
    update_round = round_with(
        [(neglect, True, "Section 3 now covers cold homes."), (bullying, False, "A link has been added.")]
    )

    round_publish(update_round=update_round)

    messages = OutboxMessage.objects.filter(category=UPDATES_LIST)
    assert [message.to for message in messages] == ["everything@example.org"]
    message = messages.get()
    assert message.dedupe_key == f"procedures.round:{update_round.pk}:{everyone.pk}"
    assert message.subject == "Procedures updated: March 2018 update"
    assert "Section 3 now covers cold homes." in message.body_text
    assert "A link has been added." in message.body_text
    assert "UPDATED CHAPTERS" in message.body_text
    assert "http://127.0.0.1:8000/procedures/neglect/" in message.body_text
    assert "List-Unsubscribe" in message.headers
    assert "<a href=" in message.body_html

    jobs.run()
    assert [sent.to for sent in mail.outbox] == [["everything@example.org"]]
    assert mail.outbox[0].subject == "Procedures updated: March 2018 update"


def test_major_only_subscribers_hear_only_of_major_amendments():
    neglect = publish_new_chapter(title="Neglect")
    bullying = publish_new_chapter(title="Bullying")
    subscribe("major@example.org", major_only=True)
    minor_round = round_with([(bullying, False, "A link has been added.")])
    round_publish(update_round=minor_round)
    assert not OutboxMessage.objects.filter(to="major@example.org").exists()

    mixed_round = round_with(
        [(neglect, True, "Section 3 now covers cold homes."), (bullying, False, "A second link was added.")],
        title="June 2018 update",
    )
    round_publish(update_round=mixed_round, at=timezone.now() + timedelta(seconds=1))

    message = OutboxMessage.objects.get(to="major@example.org")
    assert message.subject == "Major changes to the procedures: June 2018 update"
    assert "Section 3 now covers cold homes." in message.body_text
    assert "A second link was added." not in message.body_text


def test_notifying_the_same_round_again_sends_nothing_more():
    neglect = publish_new_chapter(title="Neglect")
    subscribe("a@example.org")
    subscribe("b@example.org")
    update_round = round_with([(neglect, False, "Updated.")])
    round_publish(update_round=update_round)
    assert OutboxMessage.objects.filter(category=UPDATES_LIST).count() == 2

    again = _notify_subscribers(update_round, list(update_round.amendments.select_related("chapter")))

    assert again == 0
    assert OutboxMessage.objects.filter(category=UPDATES_LIST).count() == 2


def test_a_refused_round_emails_nobody():
    subscribe("a@example.org")
    update_round = UpdateRoundFactory()
    AmendmentFactory(update_round=update_round, kind=AmendmentKind.NEW)  # no text: refused
    with pytest.raises(Exception, match="add the chapter's new text"):
        round_publish(update_round=update_round)
    assert not OutboxMessage.objects.exists()


def test_the_weekly_digest_part_lists_the_week_s_rounds():
    neglect = publish_new_chapter(title="Neglect")
    bullying = publish_new_chapter(title="Bullying")
    update_round = round_with([(neglect, True, "Cold homes added."), (bullying, False, "Link added.")])
    round_publish(update_round=update_round)
    mailing_list = subscriptions.get_list(UPDATES_LIST)
    since, until = timezone.now() - timedelta(days=7), timezone.now() + timedelta(minutes=1)

    everything = mailing_list.digest(Subscription(list_key=UPDATES_LIST, major_only=False), since, until)
    major = mailing_list.digest(Subscription(list_key=UPDATES_LIST, major_only=True), since, until)
    nothing = mailing_list.digest(Subscription(list_key=UPDATES_LIST), until, until + timedelta(days=7))

    assert "Cold homes added." in everything.text
    assert "Link added." in everything.text
    assert "Cold homes added." in major.html
    assert "Link added." not in major.text
    assert nothing is None
