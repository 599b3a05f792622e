"""In a real browser: a training administrator copies a session to new dates from its page, then copies a term's
sessions forward from the list after a preview. The copy page, its warning and the preview are checked with axe
at 1280 px and at 320 px."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.e2e.conftest import check_both_widths
from training import services
from training.models import Course, Session, Trainer, Venue
from training.workingdays import is_working_day

PASSWORD = "lantern-harbour-finch-27"


def _working_day(days_ahead: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() != 2 or not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _session(course: Course, day: datetime.date, venue: Venue, trainers: list[Trainer]) -> Session:
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    session = Session(course=course, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), capacity=20)
    services.venue_copy_to(session, venue)
    session.trainers = services.trainer_names(trainers)
    session.save()
    session.trainer_records.set(trainers)
    session.parts.create(starts_at=session.starts_at, ends_at=session.ends_at)
    return session


@pytest.fixture
def term(demo_board, settings):
    settings.STAFF_2FA_REQUIRED = False
    administrator = User.objects.create_user("training-desk", password=PASSWORD, is_staff=True)
    administrator.groups.add(Group.objects.get(name=TRAINING_ADMINISTRATORS))
    course = Course.objects.create(
        title="Neglect: Recognising and Responding in the Early Years and Beyond",
        slug="neglect-recognising-and-responding-copy",
        summary="Spotting neglect early and what to do about it.",
    )
    venue = Venue.objects.create(
        name="Northbrook Civic Centre, Committee Room 2, Floor 3",
        address="Market Street\nNorthbrook",
        postcode="NB1 4QY",
        access_notes="Lifts to all floors.",
    )
    trainers = [Trainer.objects.create(name="Amira Okafor-Lindqvist"), Trainer.objects.create(name="Sam Reid")]
    return [_session(course, _working_day(20 + 7 * n), venue, trainers) for n in range(3)]


def _log_in(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.fill("#id_username", "training-desk")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(f"**{path}")


def test_an_administrator_copies_a_session_to_new_dates(live_server, term, page):
    source = term[0]
    before = Session.objects.count()
    _log_in(page, live_server, f"/admin/training/session/{source.pk}/change/")

    page.get_by_role("link", name="Copy to new dates…").click()
    page.wait_for_url("**/copy/")
    assert page.get_by_text("Amira Okafor-Lindqvist, Sam Reid").is_visible()
    check_both_widths(page)

    saturday = _working_day(120) + datetime.timedelta(days=3)
    page.get_by_label("New first date").fill(saturday.isoformat())
    page.get_by_role("button", name="Copy to the new dates").click()
    assert page.get_by_text("The session starts on a Saturday").is_visible()
    check_both_widths(page)
    assert Session.objects.count() == before

    new_day = _working_day(120)
    page.get_by_label("New first date").fill(new_day.isoformat())
    page.get_by_role("button", name="Copy to the new dates").click()
    page.wait_for_url("**/change/")
    assert page.get_by_text("Copied to a new session").is_visible()
    copy = Session.objects.filter(course=source.course).order_by("-pk").first()
    assert timezone.localdate(copy.starts_at) == new_day
    assert copy.venue_id == source.venue_id
    assert copy.trainers == "Amira Okafor-Lindqvist, Sam Reid"
    assert page.url.endswith(f"/admin/training/session/{copy.pk}/change/")


def test_an_administrator_copies_a_term_forward_after_a_preview(live_server, term, page):
    course = term[0].course
    _log_in(page, live_server, f"/admin/training/session/?course__id__exact={course.pk}")

    for session in term:
        page.locator(f"input[name=_selected_action][value='{session.pk}']").check()
    page.locator("select[name=action]").select_option("copy_forward")
    page.locator("button[name=index]").click()
    page.wait_for_url("**/copy-forward/?ids=*")
    check_both_widths(page)

    page.get_by_label("Copy forward by (weeks)").fill("200")
    page.get_by_role("button", name="Preview the new sessions").click()
    assert page.get_by_text("Enter a number of weeks from 1 to 104.").is_visible()

    page.get_by_label("Copy forward by (weeks)").fill("13")
    page.get_by_role("button", name="Preview the new sessions").click()
    assert page.get_by_role("heading", name="3 new sessions, 13 weeks later").is_visible()
    assert page.get_by_role("region", name="3 new sessions, 13 weeks later").is_visible()
    check_both_widths(page)
    assert Session.objects.filter(course=course).count() == 3

    page.get_by_role("button", name="Copy 3 sessions").click()
    page.wait_for_url("**/admin/training/session/?id__in=*")
    assert page.get_by_text("Copied 3 sessions forward 13 weeks").is_visible()
    assert Session.objects.filter(course=course).count() == 6
