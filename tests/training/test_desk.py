"""The training panels on an administrator's desk: approvals, registers to mark, organisations to check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lscb_portal.core.desk import SHOWN
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.core.factories import staff_member
from tests.training.factories import BookingFactory, OrganisationFactory, SessionFactory
from training import desk
from training.models import BookingStatus, SessionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(staff_member(TRAINING_ADMINISTRATORS))
    return client


def ended(days_ago: float, **kwargs):
    end = timezone.now() - timedelta(days=days_ago)
    return SessionFactory(starts_at=end - timedelta(hours=3), ends_at=end, **kwargs)


def test_bookings_waiting_for_a_manager_soonest_hold_first(admin_client):
    now = timezone.now()
    later = BookingFactory(status=BookingStatus.PENDING_APPROVAL, hold_expires_at=now + timedelta(days=2))
    sooner = BookingFactory(status=BookingStatus.PENDING_APPROVAL, hold_expires_at=now + timedelta(hours=5))
    BookingFactory(status=BookingStatus.CONFIRMED)

    content = desk.bookings_awaiting_approval(None)
    assert content.count == 2
    assert [item.text for item in content.items] == [
        f"{sooner.attendee_name}, {sooner.session.course.title}",
        f"{later.attendee_name}, {later.session.course.title}",
    ]
    assert "place held until" in content.items[0].detail
    listed = admin_client.get(content.link.url)
    assert set(listed.context["cl"].result_list) == {sooner, later}


def test_registers_to_mark_are_recent_sessions_with_delegates_not_yet_marked(admin_client):
    to_mark = ended(2)
    BookingFactory.create_batch(2, session=to_mark)
    marked = ended(3)
    BookingFactory(session=marked, status=BookingStatus.ATTENDED)
    long_ago = ended(90)
    BookingFactory(session=long_ago)
    cancelled = ended(1, status=SessionStatus.CANCELLED)
    BookingFactory(session=cancelled)
    upcoming = SessionFactory()
    BookingFactory(session=upcoming)

    content = desk.registers_to_mark(None)
    assert content.count == 1
    assert content.items[0].text == str(to_mark)
    assert content.items[0].detail == "2 delegates not marked yet"
    assert admin_client.get(content.items[0].url).status_code == 200  # the register itself


def test_organisations_typed_by_bookers_wait_to_be_merged(admin_client):
    typed = OrganisationFactory(name="Riverside Primry", verified=False)
    BookingFactory(organisation=typed)
    OrganisationFactory(name="Riverside Primary School", verified=True)
    OrganisationFactory(name="Merged already", verified=False, merged_into=OrganisationFactory(name="Right one"))

    content = desk.organisations_to_check(None)
    assert [(item.text, item.detail) for item in content.items] == [("Riverside Primry", "1 booking")]
    assert content.link.url == "/admin/training/booking/merge-organisations/"
    assert admin_client.get(content.link.url).status_code == 200


def test_each_panel_makes_a_fixed_number_of_queries(django_assert_max_num_queries):
    now = timezone.now()
    for index in range(12):
        BookingFactory(status=BookingStatus.PENDING_APPROVAL, hold_expires_at=now + timedelta(hours=index + 1))
        BookingFactory(
            session=ended(1 + index), organisation=OrganisationFactory(name=f"Typed {index}", verified=False)
        )
    for build, queries in [
        (desk.bookings_awaiting_approval, 2),
        (desk.registers_to_mark, 2),
        (desk.organisations_to_check, 2),
    ]:
        with django_assert_max_num_queries(queries):
            content = build(None)
        assert content.count == 12
        assert len(content.items) == SHOWN
