"""Staff bring the evaluation forward for delegates who attended today: from the register or the bookings list,
through the one service, each attendee asked once and the four-week job asking nobody again."""

import datetime

import pytest
from django.utils import timezone

from lscb_portal.core.models import OutboxMessage
from lscb_portal.core.roles import TRAINING_ADMINISTRATORS
from tests.core.factories import StaffUserFactory
from training import services
from training.models import BookingStatus

from .factories import BookingFactory, CourseFactory, EvaluationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    """A session that ran this morning: two attended, one did not, one still unmarked."""
    session = SessionFactory(
        course=CourseFactory(title="Neglect: Recognising and Responding"),
        starts_at=timezone.now() - datetime.timedelta(hours=4),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    return {
        name: BookingFactory(session=session, attendee_name=name, status=status)
        for name, status in [
            ("Amira Begum", BookingStatus.ATTENDED),
            ("Ben Brennan", BookingStatus.ATTENDED),
            ("Chloe Dunn", BookingStatus.DID_NOT_ATTEND),
            ("Dev Patel", BookingStatus.CONFIRMED),
        ]
    }


@pytest.fixture
def administrator(client):
    client.force_login(StaffUserFactory(role=TRAINING_ADMINISTRATORS))
    return client


def _asked():
    return sorted(OutboxMessage.objects.filter(subject__contains="Evaluation").values_list("to", flat=True))


def test_only_attendees_not_yet_asked_are_emailed_now_and_never_again(today):
    amira, ben = today["Amira Begum"], today["Ben Brennan"]
    EvaluationFactory(booking=ben)
    everyone = [booking.pk for booking in today.values()]

    assert services.evaluations_send_now(booking_ids=everyone) == 1
    assert services.evaluations_send_now(booking_ids=everyone) == 0

    assert _asked() == [amira.email]
    amira.refresh_from_db()
    assert amira.evaluation_sent_at is not None
    # Four weeks on, the job finds nobody left to ask on this session.
    assert services.evaluations_send(now=timezone.now() + datetime.timedelta(days=28)) == 0
    assert _asked() == [amira.email]


def test_the_register_sends_it_to_everyone_who_attended(administrator, today):
    session = today["Amira Begum"].session
    url = f"/admin/training/session/{session.pk}/register/"

    page = administrator.get(url).content.decode()
    response = administrator.post(url, {"send_evaluations": "now"}, follow=True)

    assert "2 delegates attended and have not been asked yet" in page
    assert _asked() == sorted([today["Amira Begum"].email, today["Ben Brennan"].email])
    assert "Emailed the evaluation to 2 delegate(s) who attended." in response.content.decode()
    assert 'name="send_evaluations" value="now" class="button" aria-describedby="evaluation-now-hint" disabled>' in (
        response.content.decode()
    )
    # Pressing it again (a second tab) asks nobody twice, and says so.
    again = administrator.post(url, {"send_evaluations": "now"}, follow=True).content.decode()
    assert "Nobody was emailed" in again
    assert len(_asked()) == 2


def test_the_bookings_action_sends_it_and_says_who_was_left(administrator, today):
    chosen = [today["Amira Begum"].pk, today["Chloe Dunn"].pk, today["Dev Patel"].pk]

    response = administrator.post(
        "/admin/training/booking/",
        {"action": "send_evaluation_now", "_selected_action": chosen},
        follow=True,
    )

    page = response.content.decode()
    assert _asked() == [today["Amira Begum"].email]
    assert "Emailed the evaluation to 1 delegate(s)." in page
    assert "2 not emailed: only delegates recorded as attending" in page


def test_sending_from_the_register_saves_the_marks_on_it_first(administrator, today):
    """Marks chosen but not yet saved are not lost: the one form saves them, then asks everyone now attending."""
    dev = today["Dev Patel"]
    url = f"/admin/training/session/{dev.session_id}/register/"

    response = administrator.post(url, {f"attendance-{dev.pk}": "attended", "send_evaluations": "now"}, follow=True)

    dev.refresh_from_db()
    assert dev.status == BookingStatus.ATTENDED
    assert dev.email in _asked()
    assert "Attendance saved: 1 delegate(s) updated." in response.content.decode()
    assert "Emailed the evaluation to 3 delegate(s) who attended." in response.content.decode()
