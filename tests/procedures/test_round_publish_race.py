"""Two editors pressing "publish" at once: the round goes live once and subscribers hear once."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lscb_portal.core.models import OutboxMessage, Subscriber, Subscription
from procedures.models import ChapterVersion, UpdateRound
from procedures.services import UPDATES_LIST, round_publish
from tests.concurrency import at_the_same_moment

from .factories import AmendmentFactory, ChapterVersionFactory, UpdateRoundFactory, publish_new_chapter


@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_of_one_round_publish_it_once():
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    subscriber = Subscriber.objects.create(email="reader@example.org", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=subscriber, list_key=UPDATES_LIST)
    update_round = UpdateRoundFactory()
    ChapterVersionFactory(chapter=chapter, update_round=update_round, title="Neglect", slug="neglect", body="<p>2</p>")
    AmendmentFactory(update_round=update_round, chapter=chapter)

    def publish(n, together):
        together()
        round_publish(update_round=UpdateRound.objects.get(pk=update_round.pk))

    published, errors = at_the_same_moment(publish)

    assert len(published) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "was already published" in " ".join(errors[0].messages)
    numbers = ChapterVersion.objects.filter(chapter=chapter).order_by("number").values_list("number", flat=True)
    assert list(numbers) == [1, 2]
    assert OutboxMessage.objects.filter(category=UPDATES_LIST, to="reader@example.org").count() == 1
