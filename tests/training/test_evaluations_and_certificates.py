import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core.errors import Refused
from lscb_portal.core.models import OutboxMessage
from training import links, services, tasks
from training.models import BookingStatus, Evaluation

from .factories import BookingFactory, CourseFactory, EvaluationFactory, SessionFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "knowledge_before": "2",
    "knowledge_after": "4",
    "confidence_before": "1",
    "confidence_after": "4",
    "practice_change": "I will ask about neglect at every home visit.",
}


@pytest.fixture
def attended():
    session = SessionFactory(
        course=CourseFactory(title="Neglect: Recognising and Responding"),
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )
    return BookingFactory(session=session, status=BookingStatus.ATTENDED, attendee_name="Amira Begum")


def test_the_evaluation_is_emailed_four_weeks_after_the_session_once(attended, jobs):
    too_soon = BookingFactory(
        session=SessionFactory(starts_at=timezone.now() - datetime.timedelta(days=10)), status=BookingStatus.ATTENDED
    )
    absent = BookingFactory(session=attended.session, status=BookingStatus.DID_NOT_ATTEND)

    assert tasks.send_evaluations(timestamp=int(timezone.now().timestamp())) == 1
    assert tasks.send_evaluations(timestamp=int(timezone.now().timestamp())) == 0

    message = OutboxMessage.objects.get()
    assert message.to == attended.email
    assert "/training/evaluations/" in message.body_text
    for booking in (too_soon, absent):
        booking.refresh_from_db()
        assert booking.evaluation_sent_at is None
    jobs.run()
    assert "Evaluation and certificate" in mail.outbox[0].subject


def test_the_evaluation_wait_is_a_setting(attended, settings):
    settings.TRAINING_EVALUATION_AFTER_DAYS = 60

    assert services.evaluations_send() == 0


def test_no_certificate_before_the_evaluation_and_one_after(client, attended):
    # The signed links carry the second they were made: the same second here and in the redirect.
    with time_machine.travel(timezone.now(), tick=False):
        certificate_url = reverse("training:certificate", kwargs={"token": links.certificate_token(attended)})

        before = client.get(certificate_url)
        assert before.status_code == 403
        assert "Complete the evaluation" in before.content.decode()
        assert client.get(certificate_url + "certificate.pdf").status_code == 403

        evaluation_url = reverse("training:evaluation", kwargs={"token": links.evaluation_token(attended)})
        page = client.get(evaluation_url)
        assert page["Cache-Control"].startswith("no-store")
        assert 'name="robots" content="noindex' in page.content.decode()
        response = client.post(evaluation_url, ANSWERS)

        assert response.status_code == 302
        assert response["Location"] == certificate_url
        evaluation = Evaluation.objects.get()
        assert (evaluation.knowledge_before, evaluation.knowledge_after) == (2, 4)
        assert OutboxMessage.objects.filter(to=attended.email, category="training.certificate_ready").exists()
        html = client.get(certificate_url).content.decode()
        assert "Certificate of attendance" in html
        assert "Amira Begum" in html
        assert "Neglect: Recognising and Responding" in html
        assert "Half day" in html


def test_a_missing_answer_is_shown_on_the_page_and_nothing_is_saved(client, attended):
    url = reverse("training:evaluation", kwargs={"token": links.evaluation_token(attended)})

    response = client.post(url, {**ANSWERS, "knowledge_after": "", "practice_change": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Tell us what you will do differently in your practice" in html
    assert 'value="I will' not in html  # the emptied field stays empty
    assert re.search(r'id="id_knowledge_before_2"\s+value="2"\s+checked', html)  # what was typed is kept
    assert not Evaluation.objects.exists()


def test_an_out_of_range_score_is_refused(attended):
    with pytest.raises(Refused):
        services.evaluation_submit(booking=attended, answers=services.EvaluationAnswers(0, 6, 3, 3, "Something"))
    assert not Evaluation.objects.exists()


def test_a_delegate_who_did_not_attend_cannot_evaluate(client, attended):
    attended.status = BookingStatus.DID_NOT_ATTEND
    attended.save()
    url = reverse("training:evaluation", kwargs={"token": links.evaluation_token(attended)})

    response = client.post(url, ANSWERS)

    assert "recorded as attending" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_tampered_link_is_refused(client):
    response = client.get("/training/certificates/not-a-token/")

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_an_expired_evaluation_link_says_so(client, attended):
    token = links.evaluation_token(attended)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=200)):
        response = client.get(reverse("training:evaluation", kwargs={"token": token}))

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_my_training_lists_evaluations_due_and_certificates(client, attended):
    attended.evaluation_sent_at = timezone.now()
    attended.save()
    done = BookingFactory(
        session=SessionFactory(
            course=CourseFactory(title="Prevent Awareness"), starts_at=timezone.now() - datetime.timedelta(days=90)
        ),
        email=attended.email,
        status=BookingStatus.ATTENDED,
        evaluation_sent_at=timezone.now(),
    )
    EvaluationFactory(booking=done)

    html = client.get(reverse("training:my_bookings", kwargs={"token": links.my_training_token(attended.email)}))
    html = html.content.decode()

    assert "Evaluations to complete" in html
    assert "Evaluate Neglect: Recognising and Responding" in html
    assert "Certificate for Prevent Awareness" in html
    assert "Evaluate Prevent Awareness" not in html
