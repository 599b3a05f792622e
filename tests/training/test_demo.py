import datetime

import pytest
import time_machine
from django.db.models import Count, Q
from django.utils import timezone

from lscb_portal.core import demo as core_demo
from training import demo, report
from training.models import HOLDING_PLACE, Booking, Charge, Course, Evaluation, Session, SessionStatus

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(Course.objects.order_by("pk").values_list("pk", "title", "slug")),
        list(Session.objects.order_by("pk").values_list("pk", "starts_at", "capacity", "status", "booking_closes_at")),
        list(Booking.objects.order_by("pk").values_list("pk", "reference", "status", "email", "sequence")),
        Course.history.count() + Session.history.count() + Booking.history.count(),
        list(Charge.objects.order_by("pk").values_list("pk", "amount", "waived_at", "raised_at")),
        list(Evaluation.objects.order_by("pk").values_list("pk", "knowledge_after", "submitted_at")),
        Charge.history.count(),
    )


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_demo_programme_covers_a_year_and_loading_it_twice_changes_nothing():
    core_demo.load()
    summary = demo.load()
    first = _state()

    demo.load()

    assert _state() == first
    assert "courses" in summary
    sessions = Session.objects.with_places()
    starts = [timezone.localdate(session.starts_at) for session in sessions]
    assert min(starts) >= datetime.date(2025, 4, 1)  # this programme year and the one before
    assert max(starts) <= datetime.date(2027, 3, 31)
    now = timezone.now()
    assert sessions.filter(starts_at__lt=now).exists()
    future = sessions.filter(starts_at__gt=now, status=SessionStatus.SCHEDULED)
    assert any(session.places_taken >= session.capacity and session.waiting_count for session in future)
    assert any(0 < session.capacity - session.places_taken <= 2 for session in future)
    assert sessions.filter(status=SessionStatus.CANCELLED).exists()
    assert all(session.places_taken <= session.capacity for session in sessions)
    capped = Session.objects.filter(places_per_organisation__isnull=False)
    over_cap = (
        Booking.objects.live()
        .filter(session__in=capped)
        .values("session", "organisation")
        .annotate(n=Count("pk"))
        .filter(n__gt=2)
    )
    assert not over_cap.exists()
    sectors = set(Booking.objects.filter(status__in=HOLDING_PLACE).values_list("organisation__sector", flat=True))
    assert len(sectors) >= 5
    morning_and_afternoon = (
        Session.objects.filter(
            course__slug="learning-from-case-reviews", starts_at__date__gte=datetime.date(2026, 4, 1)
        )
        .values("starts_at__date")
        .annotate(n=Count("pk", filter=Q(status=SessionStatus.SCHEDULED)))
    )
    assert all(row["n"] == 2 for row in morning_and_afternoon)


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_demo_gives_the_board_report_figures_for_two_programme_years():
    core_demo.load()
    demo.load()

    result = report.board_report(year=2026)

    for figure in result.headline[:5]:
        assert figure.this_year > 0, figure.label
        assert figure.year_before > 0, figure.label
    completed = result.evaluation[0]
    assert completed.this_year > 0
    assert completed.year_before > 0
    assert result.evaluation[2].this_year > result.evaluation[1].this_year  # knowledge rises
    raised, _, waived, _ = result.charges
    assert raised.this_year > 0
    assert raised.year_before > 0
    assert waived.this_year + waived.year_before > 0
    assert Charge.objects.filter(partner_rate=False).exists()
