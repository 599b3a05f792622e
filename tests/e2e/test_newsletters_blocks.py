"""An issue with a training block and a procedures block, in a real browser: axe at 1280 px and at 320 px,
where the page must not scroll sideways (the wide places table scrolls inside its own region)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletters import demo
from newsletters.models import BlockKind, Issue, IssueBlock
from procedures import demo as procedures_demo
from tests.e2e.conftest import check_both_widths
from training import demo as training_demo


@pytest.fixture
def issue_with_both_blocks(demo_board):
    demo.load()
    training_demo.load()
    procedures_demo.load()
    issue = Issue.objects.get(series__slug="safeguarding-newsletter", number=23)
    today = timezone.localdate()
    IssueBlock.objects.create(
        issue=issue,
        kind=BlockKind.TRAINING,
        position=1,
        sessions_from=today,
        sessions_until=today + timedelta(weeks=10),
    )
    return issue


def test_an_issue_with_both_blocks_passes_axe_at_both_widths(live_server, issue_with_both_blocks, page):
    page.goto(f"{live_server.url}{issue_with_both_blocks.get_absolute_url()}")
    blocks = page.locator("section.lscb-block")
    assert blocks.count() == 2
    assert page.locator("table.lscb-places-table").count() == 1
    assert page.locator("table.lscb-amendments-table").count() >= 1
    page.get_by_role("link", name="Procedures updated", exact=True).click()
    assert page.evaluate("location.hash").startswith("#block-")
    check_both_widths(page)
