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

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "worker": {"name": "worker-1", "last_heartbeat": "2026-03-02T08:59:18+00:00", "age_seconds": 42},
        "outbox": {"pending": 2, "sending": 1, "failed": 1, "oldest_unsent_age_seconds": 600},
    }


def test_healthz_on_a_fresh_portal_has_no_worker_and_no_backlog(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"] == {"name": None, "last_heartbeat": None, "age_seconds": None}
    assert response.json()["outbox"] == {"pending": 0, "sending": 0, "failed": 0, "oldest_unsent_age_seconds": None}


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
