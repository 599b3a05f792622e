"""``manage.py run_worker``: procrastinate's worker, started again whenever it stops.

procrastinate's worker stops (cleanly, exit 0) when one of its side tasks loses the database,
for instance when Postgres restarts ("Side task listener failed … stopping worker"), and a
worker that stays stopped leaves every email and periodic job waiting. This command runs
``manage.py procrastinate worker`` as a child process and starts a fresh one a moment after
it ends, whatever its exit code, until it is itself asked to stop (SIGTERM or SIGINT, passed
on to the child). ``make run`` starts it; docs/deploying.md's systemd unit runs it with
``Restart=always`` as a second line.
"""

import signal
import subprocess
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the procrastinate worker and start it again whenever it stops (a lost database stops it)."

    def add_arguments(self, parser):
        parser.add_argument("--pause", type=float, default=2.0, help="seconds to wait before starting it again")
        parser.add_argument("worker_args", nargs="*", help="passed on to `procrastinate worker` (after --)")

    def handle(self, *args, pause: float, worker_args: list[str], **options):
        stopping = threading.Event()
        child: subprocess.Popen | None = None

        def stop(signum, frame):
            stopping.set()
            if child is not None and child.poll() is None:
                child.send_signal(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "procrastinate", "worker", *worker_args]
        while not stopping.is_set():
            child = subprocess.Popen(command)  # noqa: S603 - our own interpreter and manage.py
            code = child.wait()
            if stopping.is_set():
                break
            self.stderr.write(f"The worker stopped (exit code {code}); starting it again in {pause:g} s.")
            stopping.wait(pause)
