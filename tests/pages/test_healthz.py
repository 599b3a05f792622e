from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError, connection

from lscb_portal.core.models import OutboxStatus, WorkerHeartbeat
from tests.core.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_healthz_reports_the_worker_and_the_email_backlog(client, django_assert_max_num_queries):
    WorkerHeartbeat.objects.create(worker="worker-1", seen_at=MONDAY_9AM - timedelta(seconds=42))
    WorkerHeartbeat.objects.create(worker="worker-old", seen_at=MONDAY_9AM - timedelta(days=3))
    OutboxMessageFactory(created_at=MONDAY_9AM - timedelta(minutes=10))
    OutboxMessageFactory(created_at=MONDAY_9AM - timedelta(minutes=1))
    OutboxMessageFactory(status=OutboxStatus.SENDING, created_at=MONDAY_9AM - timedelta(minutes=3))
    OutboxMessageFactory(status=OutboxStatus.FAILED, created_at=MONDAY_9AM - timedelta(days=1))
    OutboxMessageFactory(status=OutboxStatus.SENT, created_at=MONDAY_9AM - timedelta(days=2))

    with time_machine.travel(MONDAY_9AM, tick=False), django_assert_max_num_queries(2):
        response = client.get("/healthz")

    assert response.status_code == 503  # the failed email needs someone to act
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "problems": ["1 email failed for good"],
        "worker": {"name": "worker-1", "last_heartbeat": "2026-03-02T08:59:18+00:00", "age_seconds": 42},
        "outbox": {"pending": 2, "sending": 1, "failed": 1, "retrying": 0, "oldest_unsent_age_seconds": 600},
    }


def test_healthz_on_a_fresh_portal_has_no_worker_and_no_backlog(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"] == {"name": None, "last_heartbeat": None, "age_seconds": None}
    assert response.json()["status"] == "ok"
    assert response.json()["outbox"] == {
        "pending": 0,
        "sending": 0,
        "failed": 0,
        "retrying": 0,
        "oldest_unsent_age_seconds": None,
    }


def test_healthz_answers_503_in_json_when_the_database_does_not(client, caplog):
    refused = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert "healthz: database unavailable" in caplog.text


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/accessibility/").status_code == 301


def test_healthz_answers_503_degraded_when_the_worker_s_heartbeat_is_stale(client, settings):
    settings.HEALTHZ_WORKER_STALE_SECONDS = 180
    WorkerHeartbeat.objects.create(worker="worker-1", seen_at=MONDAY_9AM - timedelta(seconds=219))

    with time_machine.travel(MONDAY_9AM, tick=False):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["problems"] == ["the worker's last heartbeat was 219 s ago"]
    assert response.json()["database"] == "ok"


def test_healthz_answers_503_degraded_when_no_worker_picks_up_waiting_email(client):
    OutboxMessageFactory(created_at=MONDAY_9AM - timedelta(minutes=5))

    with time_machine.travel(MONDAY_9AM, tick=False):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["problems"] == ["no worker has ever reported, and email is waiting"]


def test_healthz_answers_503_degraded_while_emails_are_failing(client):
    WorkerHeartbeat.objects.create(worker="worker-1", seen_at=MONDAY_9AM - timedelta(seconds=20))
    OutboxMessageFactory(status=OutboxStatus.FAILED, attempts=8, created_at=MONDAY_9AM - timedelta(days=1))
    OutboxMessageFactory(attempts=2, last_error="SMTPServerDisconnected", created_at=MONDAY_9AM - timedelta(hours=1))

    with time_machine.travel(MONDAY_9AM, tick=False):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["problems"] == ["1 email failed for good", "1 email is being retried after an error"]


def test_the_load_balancer_s_check_leaves_the_worker_out(client):
    OutboxMessageFactory(status=OutboxStatus.FAILED, attempts=8)

    assert client.get("/healthz").status_code == 503
    response = client.get("/healthz?scope=web")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
