"""A Postgres restart leaves a worker that delivers the next email within a minute.

Runs the worker exactly as ``make run`` and the documented systemd unit do (``manage.py run_worker``,
production settings) against a Postgres of its own (bench/pg.py), which it restarts, and a local SMTP
sink. Without supervision procrastinate's worker stops when its listener loses the database
("Side task listener failed … stopping worker") and the email after the restart is never sent.
"""

import os
import signal
import subprocess
import sys
import time

from bench.pg import TempPostgres
from bench.servers import BASE_DIR, free_port, manage, production_env
from bench.smtp import SmtpSink

# What `make run` and deploying.md's unit start.
WORKER_COMMAND = ["run_worker"]


def queue_email(env: dict[str, str], to: str) -> None:
    code = (
        "from lscb_portal.core.outbox import queue_email; "
        f"queue_email(to={to!r}, subject='Worker check', text='Delivered after a restart.')"
    )
    for _attempt in range(30):  # Postgres may still be starting
        try:
            manage("shell", "-c", code, env=env, timeout=60)
            return
        except RuntimeError:
            time.sleep(1)
    raise AssertionError("could not queue an email")


def delivered(sink: SmtpSink, to: str, *, within_s: float) -> float | None:
    """Seconds until ``to`` got the email, or None if it did not within ``within_s``."""
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        if sink.handler.counts()[(to, "Worker check")]:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def test_a_postgres_restart_leaves_a_worker_that_delivers_the_next_email_within_a_minute(tmp_path):
    pg = TempPostgres(database="lscb_worker_restart")
    sink = SmtpSink(free_port())
    worker = None
    log_path = tmp_path / "worker.log"
    try:
        sink.start()
        pg.init()
        env = production_env(
            database_url=pg.url,
            DJANGO_SETTINGS_MODULE="lscb_portal.settings",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_TIMEOUT="5",
        )
        manage("migrate", "--no-input", env=env)
        with open(log_path, "ab") as log:
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
                [sys.executable, str(BASE_DIR / "manage.py"), *WORKER_COMMAND],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        queue_email(env, "before@example.org")
        assert delivered(sink, "before@example.org", within_s=60) is not None, log_path.read_text()

        pg.restart(down_for_s=2)
        queue_email(env, "after@example.org")
        seconds = delivered(sink, "after@example.org", within_s=60)

        assert seconds is not None, log_path.read_text()[-3000:]
        assert worker.poll() is None
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        sink.stop()
        pg.destroy()
