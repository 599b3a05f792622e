"""Two editors pressing "publish" at once: the round goes live once and subscribers hear once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from lscb_portal.core.models import OutboxMessage, Subscriber, Subscription
from procedures.models import ChapterVersion, UpdateRound
from procedures.services import UPDATES_LIST, round_publish

from .factories import AmendmentFactory, ChapterVersionFactory, UpdateRoundFactory, publish_new_chapter


@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_of_one_round_publish_it_once():
    chapter = publish_new_chapter(title="Neglect", slug="neglect")
    subscriber = Subscriber.objects.create(email="reader@example.org", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=subscriber, list_key=UPDATES_LIST)
    update_round = UpdateRoundFactory()
    ChapterVersionFactory(chapter=chapter, update_round=update_round, title="Neglect", slug="neglect", body="<p>2</p>")
    AmendmentFactory(update_round=update_round, chapter=chapter)

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish():
        try:
            barrier.wait()
            round_publish(update_round=UpdateRound.objects.get(pk=update_round.pk))
            outcomes.append("published")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("published") == 1
    assert any("was already published" in outcome for outcome in outcomes)
    numbers = ChapterVersion.objects.filter(chapter=chapter).order_by("number").values_list("number", flat=True)
    assert list(numbers) == [1, 2]
    assert OutboxMessage.objects.filter(category=UPDATES_LIST, to="reader@example.org").count() == 1
