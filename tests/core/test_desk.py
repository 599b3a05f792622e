"""The back office's home page is each person's desk: what needs them, by role, and links to their pages.

The panels themselves are tested with their apps (tests/<app>/test_desk.py); here, the page around them.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from lscb_portal.core import desk
from lscb_portal.core.models import BoardSettings, OutboxMessage, OutboxStatus
from lscb_portal.core.roles import BOARD_MANAGERS, PROCEDURE_EDITORS, TRAINING_ADMINISTRATORS
from newsletters.models import Feedback
from tests.core.factories import staff_member
from tests.newsletters.factories import ArticleFactory, ContributionFactory, IssueFactory
from tests.procedures.factories import ChapterVersionFactory, UpdateRoundFactory
from tests.training.factories import BookingFactory, OrganisationFactory, SessionFactory
from training.models import BookingStatus

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
RAW_NAMES = ["AXES", "Axes", "OTP_TOTP", "Otp_Totp", "Otp_Static", "Otp_Email", "Procrastinate", "Taggit"]


def desk_html(client, user) -> str:
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.content.decode()


def panel_titles(html: str) -> list[str]:
    return [
        re.sub(r"\s*<span.*", "", title).strip()
        for title in re.findall(r'<h3 class="lscb-desk__panel-title"[^>]*>(.*?)</h3>', html, re.S)
    ]


def area_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="lscb-desk__area-title" id="desk-area-[^"]+">(.*?)</h2>', html)


def test_a_board_manager_sees_the_newsletter_and_the_mail(client):
    html = desk_html(client, staff_member(BOARD_MANAGERS))
    assert "<h1>Your desk</h1>" in html
    assert area_titles(html) == ["Newsletters", "Board and mail"]
    assert panel_titles(html) == [
        "Draft and scheduled issues",
        "Contributions to review",
        "Feedback since the last issue",
        "Failed emails",
    ]
    assert 'href="/admin/newsletters/issue/add/">Start a new issue</a>' in html
    assert 'href="/admin/newsletters/issue/import/">Import newsletter files</a>' in html


def test_a_training_administrator_sees_bookings_registers_and_organisations(client):
    html = desk_html(client, staff_member(TRAINING_ADMINISTRATORS))
    assert area_titles(html) == ["Training", "Board and mail"]
    assert panel_titles(html) == ["Bookings awaiting approval", "Registers to mark", "Organisations to check"]
    # The board's report and the organisation merge page had no link anywhere before the desk.
    assert 'href="/admin/training/session/report/">The board&#x27;s training report</a>' in html
    assert 'href="/admin/training/booking/merge-organisations/">Merge organisations</a>' in html
    assert 'href="/admin/core/organisation/">Organisations</a>' in html


def test_a_procedure_editor_sees_the_open_update_round(client):
    html = desk_html(client, staff_member(PROCEDURE_EDITORS))
    assert area_titles(html) == ["Procedures"]
    assert panel_titles(html) == ["The open update round"]
    assert 'href="/admin/procedures/updateround/add/">Start an update round</a>' in html


def test_staff_without_a_role_are_told_how_to_get_one(client):
    html = desk_html(client, User.objects.create_user("new-starter", password="x", is_staff=True))
    assert "Your account has no role in the back office yet" in html
    assert panel_titles(html) == []


def test_a_superuser_sees_every_area_and_the_system_group(client):
    html = desk_html(client, User.objects.create_superuser("chief", password="x"))
    assert area_titles(html) == ["Newsletters", "Training", "Procedures", "Board and mail"]
    assert 'href="/admin/system/"' in html
    for name in [
        "Users",
        "Access attempts",
        "Authenticator apps",
        "Sets of backup codes",
        "Background jobs",
        "Topics",
    ]:
        assert f">{name}</a>" in html, name


@pytest.mark.parametrize("role", [BOARD_MANAGERS, TRAINING_ADMINISTRATORS, PROCEDURE_EDITORS])
def test_only_superusers_see_the_system_group(client, role):
    user = staff_member(role)
    # Even a role that was given one of the system tables does not see the group.
    user.groups.get().permissions.add(Permission.objects.get(codename="view_tag"))
    html = desk_html(client, user)
    assert "/admin/system/" not in html
    assert ">Topics</a>" not in html
    assert client.get("/admin/system/").status_code == 403


def test_no_app_or_table_shows_its_raw_name(client):
    client.force_login(User.objects.create_superuser("chief", password="x"))
    for address in [INDEX, "/admin/system/"]:
        html = client.get(address).content.decode()
        for raw in RAW_NAMES:
            assert f">{raw}<" not in html, (address, raw)
            assert f">{raw.upper()}<" not in html, (address, raw)
    system = client.get("/admin/system/")
    names = [model["name"] for model in system.context["app_list"][0]["models"]]
    assert "Background jobs" in names
    assert "Topics" in names
    assert "Users" in names


def fill_every_panel(n: int) -> None:
    """``n`` of everything every panel counts."""
    now = timezone.now()
    for index in range(n):
        IssueFactory(title=f"Draft {index}")
        ContributionFactory(title=f"Contribution {index}")
        BookingFactory(
            status=BookingStatus.PENDING_APPROVAL,
            hold_expires_at=now + timedelta(days=1),
            organisation=OrganisationFactory(name=f"Typed school {index}", verified=False),
        )
        ended = now - timedelta(days=3, hours=index)
        past = SessionFactory(starts_at=ended - timedelta(hours=3), ends_at=ended)
        BookingFactory(session=past)
        OutboxMessage.objects.create(
            to=f"p{index}@example.org", subject="Hello", body_text="x", status=OutboxStatus.FAILED
        )
    published = IssueFactory(published=True)
    ArticleFactory(issue=published)
    for index in range(n):
        Feedback.objects.create(issue=published, useful=index % 2 == 0, comment=f"Comment {index}")
    update_round = UpdateRoundFactory()
    for _ in range(n):
        ChapterVersionFactory(update_round=update_round)


def test_the_desk_makes_the_same_number_of_queries_whatever_the_amount_of_work(client, django_assert_max_num_queries):
    client.force_login(User.objects.create_superuser("chief", password="x"))
    fill_every_panel(6)  # more than a panel lists, so each counts them too
    with django_assert_max_num_queries(40) as few:
        client.get(INDEX)
    fill_every_panel(24)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(INDEX).content.decode()
    assert "Review all 30 new contributions" in html
    assert "See all 30 bookings waiting for approval" in html
    assert "See all 30 failed emails and send again" in html


def test_the_desk_of_a_role_makes_few_queries(client, django_assert_max_num_queries):
    fill_every_panel(8)
    BoardSettings.get_solo()
    client.force_login(staff_member(BOARD_MANAGERS))
    # Session, user and permissions (4), the board (1), four panels (9), recent actions (1), the session saved (3).
    with django_assert_max_num_queries(18):
        client.get(INDEX)


def test_a_broken_panel_is_reported_on_the_desk_without_breaking_it(client):
    def broken(request):
        raise RuntimeError("the panel's query failed")

    desk.register_panel(desk.Panel(area="tests", key="broken", title="A broken panel", permission="", build=broken))
    try:
        html = desk_html(client, User.objects.create_superuser("chief", password="x"))
    finally:
        desk.unregister_area("tests")
    assert "A broken panel" in html
    assert "This could not be shown just now." in html
    assert "Draft and scheduled issues" in html


def test_a_task_whose_page_is_gone_is_left_out():
    desk.register_task(desk.Task(area="tests", title="Nowhere", url_name="admin:no_such_page", permission=""))
    try:
        user = User.objects.create_superuser("chief", password="x")

        class Request:
            pass

        request = Request()
        request.user = user
        areas = desk.desk_for(request)
    finally:
        desk.unregister_area("tests")
    assert "Nowhere" not in [shown.task.title for area in areas for shown in area.tasks]
