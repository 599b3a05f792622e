"""The demo issues carry a training block and a procedures block, filled from the other apps' demo data."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from lscb_portal.core import demo as core_demo
from newsletters import demo
from newsletters.models import IssueBlock
from procedures import demo as procedures_demo
from training import demo as training_demo

NOVEMBER = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/London"))


def test_demo_blocks_load_once_and_show_live_content(client, db):
    with time_machine.travel(NOVEMBER, tick=False):
        core_demo.load()
        demo.load()
        first = list(IssueBlock.objects.order_by("pk").values_list("pk", "issue_id", "kind", "position", "title"))
        demo.load()
        training_demo.load()
        procedures_demo.load()
        assert (
            list(IssueBlock.objects.order_by("pk").values_list("pk", "issue_id", "kind", "position", "title")) == first
        )
        assert len(first) == 2
        training = IssueBlock.objects.get(kind="training")
        procedures = IssueBlock.objects.get(kind="procedures")
        training_page = client.get(training.issue.get_absolute_url()).content.decode()
        procedures_page = client.get(procedures.issue.get_absolute_url()).content.decode()
    assert "Training with places this autumn and winter" in training_page
    assert "Sessions and places left now" in training_page
    assert "Updated chapters" in procedures_page or "New chapters" in procedures_page
    assert "between 19 June 2025 and 4 December 2025" in procedures_page
