import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.models import Frequency
from lscb_portal.core.subscriptions import get_list
from tests.core.factories import SubscriptionFactory
from training import selectors
from training.models import BookingStatus, Delivery

from .factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_sessions_with_places_for_the_home_page(django_assert_max_num_queries):
    now = timezone.now()
    open_session = SessionFactory(starts_at=now + datetime.timedelta(days=10), capacity=2)
    full = SessionFactory(starts_at=now + datetime.timedelta(days=5), capacity=1)
    BookingFactory(session=full)
    SessionFactory(starts_at=now + datetime.timedelta(days=200))
    for _ in range(20):
        SessionFactory(starts_at=now + datetime.timedelta(days=12))

    with django_assert_max_num_queries(2):  # the sessions, and their dates
        sessions = selectors.sessions_with_places(limit=6)
        titles = [session.course.title for session in sessions]

    assert sessions[0] == open_session
    assert full not in sessions
    assert len(titles) == 6
    assert sessions[0].places_remaining() == 2


def test_the_training_places_list_is_registered_with_a_digest_part():
    mailing_list = get_list("training.alerts")
    session = SessionFactory(
        starts_at=timezone.now() + datetime.timedelta(days=8),
        capacity=3,
        course=CourseFactory(title="Online Safety for Practitioners", delivery=Delivery.ONLINE),
    )
    BookingFactory(session=session)
    BookingFactory(session=session, status=BookingStatus.CANCELLED)
    subscription = SubscriptionFactory(list_key="training.alerts", frequency=Frequency.WEEKLY)
    now = timezone.now()

    part = mailing_list.digest(subscription, now - datetime.timedelta(days=7), now)

    assert mailing_list.title == "Training places"
    assert part.title == "Training places"
    assert "Online Safety for Practitioners" in part.text
    assert "2 places left" in part.text
    assert f"/training/sessions/{session.pk}/" in part.html


def test_no_digest_part_when_nothing_has_places():
    now = timezone.now()

    assert get_list("training.alerts").digest(None, now - datetime.timedelta(days=7), now) is None


def test_the_programme_fetches_one_page_of_sessions_and_counts_places_on_it(django_assert_num_queries):
    now = timezone.now()
    sessions = [
        SessionFactory(starts_at=now + datetime.timedelta(days=n), capacity=2)
        for n in range(1, selectors.PROGRAMME_PAGE_SIZE * 2 + 5)
    ]
    second_page = sessions[selectors.PROGRAMME_PAGE_SIZE : selectors.PROGRAMME_PAGE_SIZE * 2]
    BookingFactory(session=second_page[0])
    BookingFactory(session=second_page[0], status=BookingStatus.WAITING)

    with django_assert_num_queries(2) as captured:  # the sessions with their places and the count, their dates
        page = selectors.programme(filters=selectors.ProgrammeFilters(), page=2, now=now)
        rows = list(page)

    assert page.paginator.count == len(sessions)
    assert rows == second_page
    assert (rows[0].places_taken, rows[0].places_left, rows[0].waiting_count) == (1, 1, 1)
    assert f"LIMIT {selectors.PROGRAMME_PAGE_SIZE} OFFSET" in captured.captured_queries[0]["sql"]
    assert "COUNT(" in captured.captured_queries[0]["sql"]  # the count of all, read with the page's sessions


def test_a_programme_page_without_places_gets_them_afresh_as_copies(django_assert_num_queries):
    now = timezone.now()
    first, second, gone = (SessionFactory(starts_at=now + datetime.timedelta(days=n), capacity=2) for n in (1, 2, 3))
    page = selectors.programme(filters=selectors.ProgrammeFilters(), now=now, places=False)
    assert not hasattr(page.object_list[0], "places_taken")
    BookingFactory(session=first)
    BookingFactory(session=first)
    BookingFactory(session=first, status=BookingStatus.WAITING)
    gone.delete()

    with django_assert_num_queries(1):
        current = selectors.with_current_places(page)

    assert current.object_list == [first, second]
    assert [(s.places_taken, s.places_left, s.waiting_count) for s in current] == [(2, 0, 1), (0, 2, 0)]
    assert (current.number, current.paginator) == (page.number, page.paginator)
    assert not hasattr(page.object_list[0], "places_taken")  # the page given is left as it was


@pytest.mark.parametrize(("asked", "given"), [("3", 3), (3.0, 3), ("9", 3), ("0", 3), ("-2", 3), ("2.5", 1), ("x", 1)])
def test_any_page_asked_for_gives_a_page_as_the_paginator_would(asked, given):
    now = timezone.now()
    for n in range(1, selectors.PROGRAMME_PAGE_SIZE * 2 + 4):
        SessionFactory(starts_at=now + datetime.timedelta(days=n))

    page = selectors.programme(filters=selectors.ProgrammeFilters(), page=asked, now=now)

    assert page.number == given
    assert page.paginator.count == selectors.PROGRAMME_PAGE_SIZE * 2 + 3
    assert len(page.object_list) == (3 if given == 3 else selectors.PROGRAMME_PAGE_SIZE)


def test_the_programme_with_places_left_leaves_out_full_cancelled_and_closed_sessions():
    now = timezone.now()
    roomy = SessionFactory(starts_at=now + datetime.timedelta(days=10), capacity=2)
    BookingFactory(session=roomy)
    BookingFactory(session=roomy, status=BookingStatus.WAITING)  # a waiting booking holds no place
    BookingFactory(session=roomy, status=BookingStatus.CANCELLED)
    full = SessionFactory(starts_at=now + datetime.timedelta(days=11), capacity=2)
    BookingFactory(session=full)
    BookingFactory(session=full, status=BookingStatus.OFFERED, offer_expires_at=now + datetime.timedelta(days=1))
    SessionFactory(starts_at=now + datetime.timedelta(days=12), status="cancelled")
    SessionFactory(starts_at=now + datetime.timedelta(days=13), booking_closes_at=now - datetime.timedelta(hours=1))

    page = selectors.programme(filters=selectors.ProgrammeFilters(has_places=True), now=now)

    assert list(page) == [roomy]
    assert page.paginator.count == 1
