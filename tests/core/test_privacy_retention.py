"""The daily retention job: each kind of personal data goes when its period ends, and not before."""

import datetime

import pytest
import time_machine
from procrastinate.contrib.django import app as procrastinate_app

from lscb_portal.core.models import Subscriber
from lscb_portal.core.privacy import apply_retention, find_traces
from newsletters.models import Contribution, Feedback
from tests.newsletters.factories import ContributionFactory, IssueFactory
from tests.training.factories import BookingFactory, SessionFactory
from training.models import Booking, BookingNeeds

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2032, 6, 1, 2, 0, tzinfo=datetime.UTC)


def _run_job(at: datetime.datetime):
    """The periodic task as the worker runs it."""
    return procrastinate_app.tasks["core.apply_retention"].func(timestamp=int(at.timestamp()))


def _booking(*, ended_days_ago: float, name: str, email: str, **kwargs) -> Booking:
    with time_machine.travel(NOW - datetime.timedelta(days=ended_days_ago + 30), tick=False):
        starts = NOW - datetime.timedelta(days=ended_days_ago, hours=3)
        booking = BookingFactory(
            session=SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3)),
            attendee_name=name,
            email=email,
            phone="01632 960001",
            manager_name="Ada Manager",
            manager_email="ada.manager@example.org",
            **kwargs,
        )
        booking.attendee_name = name  # a second historical row, as an edit in the back office makes
        booking.save()
    return booking


def test_bookings_are_anonymised_six_years_after_the_session_history_included():
    old = _booking(ended_days_ago=6 * 366 + 1, name="Cornelius Oldbooking", email="cornelius@old.example.org")
    recent = _booking(ended_days_ago=6 * 365 - 30, name="Dorothea Recent", email="dorothea@recent.example.org")
    counts = _run_job(NOW)
    assert counts["training.bookings_anonymised"] == 1
    old.refresh_from_db()
    assert old.attendee_name == "[erased]"
    assert old.phone == ""
    assert old.status == "confirmed"
    assert find_traces("Cornelius Oldbooking", "cornelius@old.example.org") == {}
    recent.refresh_from_db()
    assert recent.attendee_name == "Dorothea Recent"
    assert find_traces("dorothea@recent.example.org") == {
        "training.Booking": 1,
        "training.HistoricalBooking": 2,
    }
    # Running again changes nothing more.
    assert _run_job(NOW)["training.bookings_anonymised"] == 0


def test_access_and_dietary_needs_go_a_week_after_the_session_not_before():
    gone = _booking(ended_days_ago=8, name="Ezra Needs", email="ezra@example.org")
    kept = _booking(ended_days_ago=6, name="Freya Needs", email="freya@example.org")
    for booking in (gone, kept):
        BookingNeeds.objects.create(booking=booking, access_needs="Hearing loop please", dietary_needs="Halal")
    counts = _run_job(NOW)
    assert counts["training.needs_deleted"] == 1
    assert list(BookingNeeds.objects.values_list("booking_id", flat=True)) == [kept.pk]
    assert Booking.objects.filter(pk=gone.pk, attendee_name="Ezra Needs").exists()


def test_unconfirmed_subscribers_go_after_seven_days():
    with time_machine.travel(NOW - datetime.timedelta(days=8), tick=False):
        Subscriber.objects.create(email="stale@example.org", consent_at=NOW - datetime.timedelta(days=8))
    with time_machine.travel(NOW - datetime.timedelta(days=6), tick=False):
        Subscriber.objects.create(email="fresh@example.org", consent_at=NOW - datetime.timedelta(days=6))
    Subscriber.objects.create(
        email="confirmed@example.org",
        created_at=NOW - datetime.timedelta(days=400),
        confirmed_at=NOW - datetime.timedelta(days=400),
    )
    counts = _run_job(NOW)
    assert counts["core.unconfirmed_subscribers"] == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"fresh@example.org", "confirmed@example.org"}


def test_contributions_and_feedback_go_after_a_year_history_included():
    with time_machine.travel(NOW - datetime.timedelta(days=366), tick=False):
        old = ContributionFactory(name="Gideon Contributor", email="gideon@example.org")
        old.title = "Edited title"
        old.save()
        issue = IssueFactory(published=True)
        Feedback.objects.create(issue=issue, useful=False, comment="Gideon says: too long")
        # Deleted in the back office: its history stays behind until retention.
        ContributionFactory(name="Hilda Deleted", email="hilda@example.org").delete()
    with time_machine.travel(NOW - datetime.timedelta(days=300), tick=False):
        recent = ContributionFactory(name="Imogen Recent", email="imogen@example.org")
        Feedback.objects.create(issue=issue, useful=True, comment="Useful, thanks")
    counts = _run_job(NOW)
    assert counts["newsletters.contributions_deleted"] == 1
    assert counts["newsletters.feedback_deleted"] == 1
    assert list(Contribution.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(Feedback.objects.values_list("comment", flat=True)) == ["Useful, thanks"]
    assert find_traces("Gideon", "gideon@example.org", "Hilda Deleted", "hilda@example.org") == {}
    assert find_traces("imogen@example.org")


def test_the_periods_come_from_the_settings(settings):
    settings.PRIVACY_CONTRIBUTIONS_KEPT_DAYS = 30
    settings.PRIVACY_UNCONFIRMED_SUBSCRIBERS_KEPT_DAYS = 2
    with time_machine.travel(NOW - datetime.timedelta(days=31), tick=False):
        ContributionFactory()
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        Subscriber.objects.create(email="three-days@example.org", consent_at=NOW - datetime.timedelta(days=3))
    counts = apply_retention(now=NOW)
    assert counts["newsletters.contributions_deleted"] == 1
    assert counts["core.unconfirmed_subscribers"] == 1


def test_the_job_is_scheduled_daily():
    task = procrastinate_app.tasks["core.apply_retention"]
    crons = [p.cron for p in procrastinate_app.periodic_registry.periodic_tasks.values() if p.task is task]
    assert crons == ["40 3 * * *"]
