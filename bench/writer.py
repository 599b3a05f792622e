"""Commit changes to training at a steady rate while the benchmark loads pages: ``python -m bench.writer``.

Run with the portal's settings and the board's DATABASE_URL. It reads commands on stdin:
``start <commits per second>`` begins, ``stop`` pauses and prints one JSON line (commits made,
seconds, achieved rate); end of input ends it.

Each commit is one a public page shows: a place booked on an upcoming session, or one of those
bookings cancelled. So every commit moves the places' version, the worst case for the pages that
show places (a reminder stamped as sent would move nothing). The rows are written with single ORM
statements (``bulk_create``, ``update()``: no history rows, no emails), not through the booking
service, so that the writer's own Python costs the machine little beside the servers it measures.
As the worker's periodic job does in production, it folds the record of changes every minute.
"""

import datetime
import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time

COMPACT_EVERY_S = 60.0


class WriterProcess:
    """The harness's side: ``python -m bench.writer`` in a process of its own, started and stopped on demand."""

    def __init__(self, env: dict[str, str], cwd):
        self.env, self.cwd = env, cwd
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "WriterProcess":
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter running this module
            [sys.executable, "-m", "bench.writer"],
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._answer()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the writer stopped (exit code {self.process.poll()})")
        return json.loads(line)

    def _tell(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def start(self, commits_per_s: float) -> None:
        self._tell(f"start {commits_per_s:g}")

    def stop(self) -> dict:
        """Pause; return the commits made, over how many seconds, and the rate reached."""
        return self._tell("stop")


class Writer:
    def __init__(self):
        from django.utils import timezone

        from lscb_portal.core.models import Organisation
        from training.models import Session

        now = timezone.now()
        self.sessions = list(
            Session.objects.scheduled()
            .filter(starts_at__gt=now + datetime.timedelta(days=7))
            .values_list("pk", flat=True)
        )
        self.organisations = list(Organisation.objects.verified().values_list("pk", flat=True)[:50])
        if not self.sessions or not self.organisations:
            raise SystemExit("the board has no upcoming sessions or verified organisations to book")
        self.random = random.Random(2018)  # noqa: S311 - a fixed order, not a secret
        self.numbers = itertools.count(int(time.time()) * 1000)
        self.booked: list[int] = []
        self.running = threading.Event()
        self.commits = 0
        self.last_compacted = time.monotonic()

    def commit_one(self) -> None:
        from django.db import transaction
        from django.utils import timezone

        from training.models import Booking, BookingStatus, EndReason

        with transaction.atomic():
            # Book and cancel in turn, keeping a few of the writer's bookings live.
            if len(self.booked) > 5 and self.random.random() < 0.5:
                Booking.objects.filter(pk=self.booked.pop(0)).update(
                    status=BookingStatus.CANCELLED, cancel_reason=EndReason.ATTENDEE, cancelled_at=timezone.now()
                )
            else:
                number = next(self.numbers)
                (booking,) = Booking.objects.bulk_create(
                    [
                        Booking(
                            session_id=self.random.choice(self.sessions),
                            sequence=number,
                            attendee_name=f"Bench Delegate {number}",
                            email=f"bench{number}@delegates.example.org",
                            organisation_id=self.random.choice(self.organisations),
                            role="Social worker",
                            status=BookingStatus.CONFIRMED,
                            confirmed_at=timezone.now(),
                        )
                    ]
                )
                self.booked.append(booking.pk)
        self.commits += 1

    def loop(self, rate: float) -> None:
        from lscb_portal.core import pagecache

        interval = 1 / rate
        next_at = time.monotonic()
        while self.running.is_set():
            self.commit_one()
            if time.monotonic() - self.last_compacted >= COMPACT_EVERY_S:
                pagecache.compact()
                self.last_compacted = time.monotonic()
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_at = time.monotonic()  # fell behind: carry on at the rate from now, never in a burst


def say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscb_portal.settings")
    import django

    django.setup()
    from django.db import connections

    writer = Writer()
    thread = None
    started = 0.0
    say({"ready": True, "sessions": len(writer.sessions)})
    for line in sys.stdin:
        command, *args = line.split()
        if command == "start" and thread is None:
            writer.commits = 0
            writer.running.set()
            started = time.monotonic()

            def run(rate=float(args[0])):
                try:
                    writer.loop(rate)
                finally:
                    connections.close_all()

            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            say({"started": True})
        elif command == "stop" and thread is not None:
            writer.running.clear()
            thread.join()
            thread = None
            seconds = time.monotonic() - started
            report = {"commits": writer.commits, "seconds": round(seconds, 2)}
            report["rate"] = round(writer.commits / seconds, 2) if seconds else 0
            say(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
