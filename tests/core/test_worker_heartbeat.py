import socket
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from procrastinate.contrib.django import app as procrastinate_app

from lscb_portal.core.models import WorkerHeartbeat
from lscb_portal.core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_heartbeat_keeps_one_row_per_worker_and_moves_it_on():
    WorkerHeartbeat.objects.create(worker="another-machine", seen_at=MONDAY_9AM - timedelta(days=2))

    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        worker_heartbeat(timestamp=int(MONDAY_9AM.timestamp()))
        traveller.shift(timedelta(minutes=1))
        worker_heartbeat(timestamp=int(MONDAY_9AM.timestamp()) + 60)

    beats = dict(WorkerHeartbeat.objects.values_list("worker", "seen_at"))
    assert beats == {
        "another-machine": MONDAY_9AM - timedelta(days=2),
        socket.gethostname(): MONDAY_9AM + timedelta(minutes=1),
    }


def test_the_sweep_and_heartbeat_run_every_minute():
    schedules = {
        periodic.task.name: periodic.cron for periodic in procrastinate_app.periodic_registry.periodic_tasks.values()
    }

    assert schedules["core.sweep_outbox"] == "* * * * *"
    assert schedules["core.worker_heartbeat"] == "* * * * *"
