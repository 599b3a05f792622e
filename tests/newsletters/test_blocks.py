"""Issue blocks fed by training and procedures: live on the web, frozen in the subscribers' email."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from lscb_portal.core.models import OutboxMessage
from newsletters import emails
from newsletters.models import BlockKind, IssueBlock
from newsletters.services import issue_publish
from procedures.models import AmendmentKind
from tests.newsletters.factories import ArticleFactory, IssueFactory, SeriesFactory, subscribe
from tests.procedures.factories import publish_change, publish_new_chapter
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def places_row(html: str, capacity: int, taken: int) -> str:
    """The "places left" cell that follows the total and taken cells of a session's row."""
    found = re.search(rf">{capacity}</td>\s*<td[^>]*>{taken}</td>\s*<td[^>]*>\s*(.*?)\s*</td>", html, flags=re.DOTALL)
    assert found, f"no row with {capacity} places and {taken} taken"
    return found.group(1)


@pytest.fixture
def series(db):
    return SeriesFactory(slug="frontline", title="Frontline News")


# ---------------------------------------------------------------- training with places


@pytest.fixture
def training_issue(series):
    with time_machine.travel(at(2026, 11, 2), tick=False):
        course = CourseFactory(title="Domestic Abuse Workshop for First Line Managers")
        session = SessionFactory(course=course, starts_at=at(2026, 11, 24, 9, 30), capacity=10)
        session.ends_at = session.starts_at + timedelta(hours=3)
        session.save()
        BookingFactory.create_batch(3, session=session)
        issue = IssueFactory(series=series, number=4, title="November 2026")
        ArticleFactory(issue=issue, position=1, title="Learning from a case review")
        block = IssueBlock.objects.create(issue=issue, kind=BlockKind.TRAINING, position=1)
        block.courses.add(course)
    return issue, session, block


def test_the_training_block_shows_places_left_now_on_the_web_and_the_figures_at_sending_in_the_email(
    client, series, training_issue, jobs
):
    issue, session, block = training_issue
    subscriber = subscribe(series)
    with time_machine.travel(at(2026, 11, 3), tick=False):
        issue_publish(issue=issue)
        page = client.get(issue.get_absolute_url()).content.decode()
    message = OutboxMessage.objects.get(to=subscriber.email)
    assert "7 of 10 places left" in message.body_text
    assert places_row(page, 10, 3) == "7"

    with time_machine.travel(at(2026, 11, 4), tick=False):
        BookingFactory(session=session)  # a place booked after the email went out
        html = client.get(issue.get_absolute_url()).content.decode()
        rebuilt = emails.issue_email(issue)

    assert places_row(html, 10, 4) == "6"
    message.refresh_from_db()
    assert "7 of 10 places left" in message.body_text
    assert "6 of 10" not in message.body_text
    assert "Places as at Tuesday 3 November 2026 at 9am" in message.body_text
    assert re.search(r">10</td>\s*<td[^>]*>7</td>", message.body_html)
    # The frozen copy is the email's source: building it again still prints the figures at sending.
    assert "7 of 10 places left" in rebuilt.text
    block.refresh_from_db()
    assert block.snapshot["sessions"][0]["left"] == 7
    assert block.snapshot_taken_at == at(2026, 11, 3)
    jobs.run()
    assert "7 of 10 places left" in mail.outbox[0].body


def test_a_full_session_says_full_and_a_date_range_lists_only_sessions_in_it(client, series):
    with time_machine.travel(at(2026, 11, 2), tick=False):
        inside = SessionFactory(course__title="Neglect: Graded Care Profile", starts_at=at(2026, 11, 20), capacity=2)
        BookingFactory.create_batch(2, session=inside)
        SessionFactory(course__title="Working with Fathers", starts_at=at(2026, 12, 20))
        SessionFactory(course__title="Sexting and Online Safety", starts_at=at(2026, 11, 1))  # already past
        issue = IssueFactory(series=series, number=5, published=True)
        ArticleFactory(issue=issue, position=1)
        IssueBlock.objects.create(
            issue=issue, kind=BlockKind.TRAINING, sessions_from=date(2026, 11, 1), sessions_until=date(2026, 11, 30)
        )
        html = client.get(issue.get_absolute_url()).content.decode()
    assert "Neglect: Graded Care Profile" in html
    assert "Working with Fathers" not in html
    assert "Sexting and Online Safety" not in html
    assert ">Full</strong>" in places_row(html, 2, 2)


def test_the_block_goes_after_the_articles_at_or_below_its_position_and_is_in_the_contents(client, series):
    issue = IssueFactory(series=series, number=6, published=True)
    ArticleFactory(issue=issue, position=1, title="First article")
    ArticleFactory(issue=issue, position=2, title="Second article")
    block = IssueBlock.objects.create(
        issue=issue, kind=BlockKind.TRAINING, position=1, title="Courses this winter", sessions_from=date(2026, 1, 1)
    )
    html = client.get(issue.get_absolute_url()).content.decode()
    first = html.index('id="article-learning')
    assert (
        html.index("First article", first) < html.index(f'id="{block.anchor}"') < html.index("Second article", first)
    )
    assert f'<a class="govuk-link" href="#{block.anchor}">Courses this winter</a>' in html


# ---------------------------------------------------------------- procedures updated


@pytest.fixture
def manual_history(series):
    """A chapter published before the previous issue, a round inside the window, one after this issue."""
    with time_machine.travel(at(2026, 1, 5), tick=False):
        neglect = publish_new_chapter(title="Neglect")
    with time_machine.travel(at(2026, 1, 10), tick=False):
        IssueFactory(series=series, number=1, published=True, published_at=at(2026, 1, 10))
    with time_machine.travel(at(2026, 2, 1), tick=False):
        inside = publish_change(neglect, details="Section 3 has been updated to reflect the new toolkit.", major=True)
        publish_new_chapter(title="Gangs and Criminal Exploitation")
    with time_machine.travel(at(2026, 2, 20), tick=False):
        issue = IssueFactory(series=series, number=2, title="March 2026")
        ArticleFactory(issue=issue, position=1)
        block = IssueBlock.objects.create(issue=issue, kind=BlockKind.PROCEDURES, position=1)
    return issue, block, neglect, inside


def test_the_procedures_block_lists_exactly_the_amendments_published_between_the_two_issues(
    client, series, manual_history
):
    issue, block, neglect, _ = manual_history
    subscriber = subscribe(series)
    with time_machine.travel(at(2026, 3, 1), tick=False):
        issue_publish(issue=issue)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        publish_change(neglect, details="A link to the neglect strategy has been added.")
    with time_machine.travel(at(2026, 3, 15), tick=False):
        html = client.get(issue.get_absolute_url()).content.decode()

    section = html[html.index(f'id="{block.anchor}"') :]
    section = section[: section.index("</section>")]
    assert "Section 3 has been updated to reflect the new toolkit." in section
    assert "Gangs and Criminal Exploitation" in section
    assert "neglect strategy" not in section  # after this issue
    assert section.count('<th scope="row"') == 2  # and the chapter's first publication, before the window, is not
    assert "between 10 January 2026 and 1 March 2026" in section
    email = OutboxMessage.objects.get(to=subscriber.email)
    assert "Section 3 has been updated to reflect the new toolkit." in email.body_text
    assert "Gangs and Criminal Exploitation" in email.body_text
    assert "neglect strategy" not in email.body_text
    assert "Updated chapters | Details of amends" in email.body_text
    assert "New chapters | Details" in email.body_text


def test_a_chosen_round_lists_that_round_only(client, series, manual_history):
    issue, block, neglect, inside = manual_history
    block.update_round = inside
    block.save()
    with time_machine.travel(at(2026, 3, 1), tick=False):
        issue_publish(issue=issue)
        html = client.get(issue.get_absolute_url()).content.decode()
    section = html[html.index(f'id="{block.anchor}"') : html.index("</section>", html.index(f'id="{block.anchor}"'))]
    assert "Section 3 has been updated" in section
    assert "Gangs and Criminal Exploitation" not in section
    assert f"in the {inside.title}" in section


def test_the_blocks_render_as_accessible_tables(client, series, manual_history, training_issue):
    issue, _, _, _ = manual_history
    _, session, _ = training_issue
    training = IssueBlock.objects.create(issue=issue, kind=BlockKind.TRAINING, position=2)
    training.courses.add(session.course)
    with time_machine.travel(at(2026, 3, 1), tick=False):
        issue_publish(issue=issue)
    with time_machine.travel(at(2026, 11, 3), tick=False):
        html = client.get(issue.get_absolute_url()).content.decode()
    assert '<caption class="govuk-table__caption govuk-table__caption--m" id="block-' in html
    assert "Sessions and places left now</caption>" in html
    for header in ("Date", "Course", "Total places", "Places taken", "Places left"):
        assert re.search(rf'<th scope="col" class="govuk-table__header[^"]*">{header}</th>', html)
    for header in ("Updated chapters", "Details of amends", "New chapters", "Details"):
        assert re.search(rf'<th scope="col" class="govuk-table__header[^"]*">{header}</th>', html)
    assert html.count('<caption class="govuk-table__caption') == 3
    assert 'role="region" aria-label="Procedures updated" tabindex="0"' in html
    assert "Major change" in html


def test_procedure_amendments_by_kind_go_to_their_tables(client, series, manual_history):
    issue, block, neglect, _ = manual_history
    with time_machine.travel(at(2026, 2, 10), tick=False):
        publish_change(neglect, kind=AmendmentKind.RENAMED, title="Neglect and Emotional Abuse", details="Renamed.")
    with time_machine.travel(at(2026, 3, 1), tick=False):
        issue_publish(issue=issue)
        html = client.get(issue.get_absolute_url()).content.decode()
    assert "Previously called" in html
    assert "Neglect and Emotional Abuse" in html
