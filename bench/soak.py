"""``make soak``: concurrency and faults, against a Postgres of its own that it may restart.

Starts a throwaway Postgres (bench/pg.py), migrates it, and serves the portal
with production settings from two gunicorn instances on two loopback ports that
share nothing but that database. Then, each bounded in time:

1. booking race: 200 booking requests at once on one 20-place session, split
   between the two instances: exactly 20 confirmed, 180 waiting in the order
   they took the session's lock, no 5xx, all 200 recorded;
2. Postgres restart during a load run: requests caught by it get the 503 page,
   service comes back by itself within seconds, and every booking answered as
   a success is in the database;
3. SMTP unreachable during bookings: every booking succeeds, and every email is
   delivered once a (local) SMTP server is back;
4. the worker killed mid-send: every email is still delivered, at least once.

Prints one PASS or FAIL line per scenario with its figures and exits non-zero
if any failed. Only 127.0.0.1 and a Unix socket are ever used.
"""

import argparse
import contextlib
import datetime
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from .pg import TempPostgres
from .servers import BASE_DIR, Server, free_port, manage, production_env, request
from .smtp import SmtpSink

LOG_DIR = BASE_DIR / "var" / "soak"
ORIGIN = "https://127.0.0.1"
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message: str) -> None:
    sys.stdout.write(f"[soak {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stdout.flush()


@dataclass
class Outcome:
    name: str
    passed: bool
    figures: str
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.figures}"
        if self.problems:
            text += " — " + "; ".join(self.problems)
        return text


@dataclass
class Answer:
    started: float
    finished: float
    status: int  # 0 when no HTTP answer came back at all
    email: str = ""
    detail: str = ""

    @property
    def booked(self) -> bool:
        return self.status == 302 and "/booked/" in self.detail


class Worker:
    """``manage.py procrastinate worker`` in its own process group, so it can be killed outright."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log_file = open(self.log_path, "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, str(BASE_DIR / "manage.py"), "procrastinate", "worker"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


class BookingClient:
    """Books places through the public form, as a browser would (CSRF cookie and token, Origin header)."""

    def __init__(self, ports: list[int]):
        self.ports = ports
        self.cookie = ""
        self.token = ""

    def fetch_form(self, session_id: int) -> None:
        status, headers, body = request(self.ports[0], "GET", f"/training/sessions/{session_id}/", timeout_s=30)
        if status != 200:
            raise RuntimeError(f"the session page answered {status}")
        cookies = [value.split(";", 1)[0] for value in headers.get_all("Set-Cookie") or [] if "csrftoken=" in value]
        match = _TOKEN.search(body)
        if not cookies or not match:
            raise RuntimeError("the session page has no booking form (CSRF cookie and token not found)")
        self.cookie, self.token = cookies[0], match.group(1).decode()

    def book(self, session_id: int, *, email: str, name: str, port: int, timeout_s: float = 60) -> Answer:
        path = f"/training/sessions/{session_id}/"
        form = {
            "csrfmiddlewaretoken": self.token,
            "attendee_name": name,
            "email": email,
            "phone": "",
            "organisation": "Northbrook Youth Trust",
            "role": "Youth worker",
            "manager_name": "",
            "manager_email": "",
            "access_needs": "",
            "dietary_needs": "",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "Origin": ORIGIN,
            "Referer": ORIGIN + path,
        }
        started = time.monotonic()
        try:
            status, response_headers, body = request(
                port, "POST", path, body=urlencode(form).encode(), headers=headers, timeout_s=timeout_s
            )
        except OSError as exc:
            return Answer(started, time.monotonic(), 0, email, f"{type(exc).__name__}: {exc}")
        detail = response_headers.get("Location", "") if status == 302 else _error_text(body)
        return Answer(started, time.monotonic(), status, email, detail)

    def get(self, path: str, *, port: int, timeout_s: float = 30) -> Answer:
        started = time.monotonic()
        try:
            status, _headers, body = request(port, "GET", path, timeout_s=timeout_s)
        except OSError as exc:
            return Answer(started, time.monotonic(), 0, detail=f"{type(exc).__name__}: {exc}")
        return Answer(started, time.monotonic(), status, detail=_title(body))


def _error_text(body: bytes) -> str:
    match = re.search(rb"govuk-error-summary__list[^>]*>(.*?)</ul>", body, re.S)
    text = match.group(1) if match else _title(body).encode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text.decode(errors="replace"))).strip()[:200]


def _title(body: bytes) -> str:
    match = re.search(rb"<title>(.*?)</title>", body, re.S)
    return " ".join(match.group(1).decode(errors="replace").split()) if match else ""


# ---------------------------------------------------------------------------------------------------------
# Database helpers (this process uses the ORM against the soak database)


def orm():
    """The models this run needs, with a fresh connection (the server may have been restarted)."""
    from django.db import connection

    connection.close()
    from lscb_portal.core.models import Organisation, OutboxMessage
    from training.models import Booking, Course, Session

    return Course, Session, Booking, OutboxMessage, Organisation


def make_session(*, title: str, capacity: int) -> int:
    from django.utils import timezone
    from django.utils.text import slugify

    course_model, session_model, _booking, _outbox, organisation_model = orm()
    organisation_model.objects.get_or_create(name="Northbrook Youth Trust", defaults={"verified": True})
    course, _ = course_model.objects.get_or_create(
        slug=slugify(title),
        defaults={"title": title, "summary": "A session used to check bookings under load.", "is_published": True},
    )
    starts = timezone.now() + datetime.timedelta(days=30)
    session = session_model.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        venue_name="Northbrook Civic Centre, Training Room 2",
        capacity=capacity,
    )
    session.parts.create(starts_at=session.starts_at, ends_at=session.ends_at)
    return session.pk


def outbox_rows(emails: list[str]):
    *_models, outbox_model, _org = orm()
    return list(outbox_model.objects.filter(to__in=emails))


def wait_for(condition, *, timeout_s: float, interval_s: float = 1.0):
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval_s)


def in_parallel(jobs, *, threads: int) -> list:
    """Run callables on ``threads`` threads, released together; return their results in order."""
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(min(threads, len(jobs)))
    queue = list(enumerate(jobs))
    lock = threading.Lock()

    def run():
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                index, job = queue.pop(0)
            results[index] = job()

    workers = [threading.Thread(target=run) for _ in range(min(threads, len(jobs)))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


# ---------------------------------------------------------------------------------------------------------
# Scenarios


def booking_race(client: BookingClient, *, requests: int, capacity: int) -> Outcome:
    name = "booking race"
    session_id = make_session(title="Soak: booking race", capacity=capacity)
    client.fetch_form(session_id)
    emails = [f"race{index:03d}@soak.example.org" for index in range(requests)]
    jobs = [
        (
            lambda email=email, index=index: client.book(
                session_id, email=email, name=f"Delegate {index}", port=client.ports[index % 2]
            )
        )
        for index, email in enumerate(emails)
    ]
    started = time.monotonic()
    answers = in_parallel(jobs, threads=requests)
    elapsed = time.monotonic() - started
    statuses = Counter(answer.status for answer in answers)

    _course, _session, booking_model, _outbox, _org = orm()
    bookings = list(booking_model.objects.filter(session_id=session_id).order_by("sequence"))
    by_status = Counter(booking.status for booking in bookings)
    confirmed = [b.sequence for b in bookings if b.status == "confirmed"]
    waiting = [b.sequence for b in bookings if b.status == "waiting"]
    recorded = {booking.email for booking in bookings}
    problems = []
    if any(status >= 500 or status == 0 for status in statuses):
        problems.append(f"server errors or no answer: {dict(statuses)}")
    if statuses.get(302, 0) != requests:
        refused = Counter(answer.detail for answer in answers if not answer.booked)
        problems.append(f"not every request was booked: {dict(refused.most_common(3))}")
    if len(bookings) != requests or recorded != set(emails):
        problems.append(f"{len(bookings)} bookings recorded for {requests} requests")
    if len(confirmed) != capacity:
        problems.append(f"{len(confirmed)} confirmed, not {capacity}")
    if len(waiting) != requests - capacity:
        problems.append(f"{len(waiting)} waiting, not {requests - capacity}")
    if confirmed and waiting and max(confirmed) > min(waiting):
        problems.append("a waiting booking took the lock before a confirmed one")
    if len({b.sequence for b in bookings}) != len(bookings):
        problems.append("two bookings share a place in the lock order")
    figures = (
        f"{requests} requests through 2 servers in {elapsed:.1f} s; answers {dict(statuses)}; "
        f"recorded {len(bookings)}, confirmed {by_status.get('confirmed', 0)}, waiting {by_status.get('waiting', 0)}"
        + (" in lock order" if confirmed and waiting and max(confirmed) < min(waiting) else "")
    )
    return Outcome(name, not problems, figures, problems)


def postgres_restart(client: BookingClient, pg: TempPostgres, *, duration_s: float, threads: int) -> Outcome:
    name = "Postgres restart under load"
    session_id = make_session(title="Soak: restart", capacity=100_000)
    client.fetch_form(session_id)
    stop_at = time.monotonic() + duration_s
    answers: list[tuple[str, Answer]] = []
    lock = threading.Lock()
    counter = iter(range(1_000_000))

    def load(thread: int):
        step = 0
        while time.monotonic() < stop_at:
            port = client.ports[(thread + step) % 2]
            if step % 2 == 0:
                with lock:
                    number = next(counter)
                answer = client.book(
                    session_id, email=f"restart{number:05d}@soak.example.org", name="Delegate", port=port, timeout_s=30
                )
                kind = "booking"
            else:
                answer = client.get("/", port=port)
                kind = "home"
            with lock:
                answers.append((kind, answer))
            step += 1

    workers = [threading.Thread(target=load, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(min(4, duration_s / 3))
    down_at = time.monotonic()
    pg.restart(down_for_s=2)
    up_at = time.monotonic()
    for worker in workers:
        worker.join()

    statuses = Counter(answer.status for _kind, answer in answers)
    during = [a for _k, a in answers if a.finished >= down_at and a.started <= up_at]
    failed = [a for _k, a in answers if a.status not in (200, 302)]
    after = sorted((a for _k, a in answers if a.started >= up_at), key=lambda a: a.started)
    first_ok_after = next((a for a in after if a.status in (200, 302)), None)
    recovery_s = (first_ok_after.finished - up_at) if first_ok_after else None
    late_failures = [a for a in after if a.status not in (200, 302) and a.started - up_at > 10]
    booked = [a.email for kind, a in answers if kind == "booking" and a.booked]
    _course, _session, booking_model, _outbox, _org = orm()
    stored = set(booking_model.objects.filter(session_id=session_id).values_list("email", flat=True))
    lost = [email for email in booked if email not in stored]

    problems = []
    wrong = Counter(a.status for a in failed if a.status != 503)
    if wrong:
        problems.append(f"requests caught by the restart got {dict(wrong)} instead of the 503 page")
    if recovery_s is None or recovery_s > 10:
        problems.append("service did not come back within 10 s of Postgres")
    if late_failures:
        problems.append(f"{len(late_failures)} requests failed more than 10 s after Postgres was back")
    if lost:
        problems.append(f"{len(lost)} bookings answered as successes are not in the database")
    figures = (
        f"{len(answers)} requests in {duration_s:g} s on {threads} threads; Postgres down {up_at - down_at:.1f} s; "
        f"answers {dict(statuses)}; {len(during)} in flight across the restart; "
        f"first success {recovery_s:.2f} s after it was back; "
        if recovery_s is not None
        else f"{len(answers)} requests; answers {dict(statuses)}; no success after the restart; "
    ) + f"{len(booked)} bookings confirmed to the client, {len(booked) - len(lost)} of them in the database"
    return Outcome(name, not problems, figures, problems)


def smtp_outage(
    client: BookingClient, sink: SmtpSink, worker: Worker, *, bookings: int, deliver_timeout_s: float
) -> Outcome:
    name = "SMTP outage during bookings"
    sink.stop()
    worker.start()
    session_id = make_session(title="Soak: mail outage", capacity=1000)
    client.fetch_form(session_id)
    emails = [f"outage{index:03d}@soak.example.org" for index in range(bookings)]
    answers = [
        client.book(session_id, email=email, name=f"Delegate {index}", port=client.ports[index % 2])
        for index, email in enumerate(emails)
    ]
    booked = sum(answer.booked for answer in answers)

    def tried_and_failed():
        rows = outbox_rows(emails)
        return rows and all(row.attempts >= 1 and row.status == "pending" for row in rows) and rows

    rows = wait_for(tried_and_failed, timeout_s=60) or outbox_rows(emails)
    failed_attempts = sum(row.attempts for row in rows)
    sample_error = next((row.last_error for row in rows if row.last_error), "")
    log(f"  {len(rows)} emails waiting while SMTP is down ({failed_attempts} failed attempts); starting SMTP")
    back_at = time.monotonic()
    sink.start()

    def all_delivered():
        rows = outbox_rows(emails)
        received = sink.handler.counts()
        return rows and all(row.status == "sent" and received[(row.to.lower(), row.subject)] >= 1 for row in rows)

    delivered = wait_for(all_delivered, timeout_s=deliver_timeout_s, interval_s=2)
    waited = time.monotonic() - back_at
    rows = outbox_rows(emails)
    problems = []
    if booked != bookings:
        problems.append(f"only {booked} of {bookings} bookings succeeded while SMTP was down")
    if not failed_attempts:
        problems.append("the worker never tried to send while SMTP was down")
    if not delivered:
        pending = Counter(row.status for row in rows)
        problems.append(
            f"not every email was delivered within {deliver_timeout_s:g} s of SMTP returning: {dict(pending)}"
        )
    figures = (
        f"{booked}/{bookings} bookings succeeded with SMTP down; {len(rows)} emails, "
        f"{failed_attempts} failed attempts ({sample_error[:60]}); all delivered {waited:.0f} s after SMTP returned"
        if delivered
        else f"{booked}/{bookings} bookings succeeded; {len(rows)} emails"
    )
    return Outcome(name, not problems, figures, problems)


def worker_killed(
    client: BookingClient, sink: SmtpSink, env: dict[str, str], *, bookings: int, deliver_timeout_s: float
) -> Outcome:
    name = "worker killed mid-send"
    sink.start()
    sink.handler.delay_s = 3.0
    sink.handler.in_data.clear()
    first = Worker(env, LOG_DIR / "worker-killed.log")
    first.start()
    session_id = make_session(title="Soak: worker killed", capacity=1000)
    client.fetch_form(session_id)
    emails = [f"killed{index:03d}@soak.example.org" for index in range(bookings)]
    answers = [
        client.book(session_id, email=email, name=f"Delegate {index}", port=client.ports[index % 2])
        for index, email in enumerate(emails)
    ]
    booked = sum(answer.booked for answer in answers)

    def sending_now():
        return sink.handler.in_data.is_set() and [row for row in outbox_rows(emails) if row.status == "sending"]

    caught = wait_for(sending_now, timeout_s=60, interval_s=0.2) or []
    first.kill(signal.SIGKILL)
    killed_at = time.monotonic()
    log(f"  worker killed with {len(caught)} email(s) being sent; starting a new worker")
    sink.handler.delay_s = 0.0
    second = Worker(env, LOG_DIR / "worker-after-kill.log")
    second.start()

    def all_delivered():
        rows = outbox_rows(emails)
        received = sink.handler.counts()
        return rows and all(row.status == "sent" and received[(row.to.lower(), row.subject)] >= 1 for row in rows)

    try:
        delivered = wait_for(all_delivered, timeout_s=deliver_timeout_s, interval_s=2)
    finally:
        second.stop()
    waited = time.monotonic() - killed_at
    rows = outbox_rows(emails)
    received = sink.handler.counts()
    duplicates = sum(max(0, received[(row.to.lower(), row.subject)] - 1) for row in rows)
    problems = []
    if booked != bookings:
        problems.append(f"only {booked} of {bookings} bookings succeeded")
    if not caught:
        problems.append("no email was being sent when the worker was killed (the check proves nothing)")
    if not delivered:
        problems.append(
            f"not every email was delivered within {deliver_timeout_s:g} s: {dict(Counter(r.status for r in rows))}"
        )
    figures = (
        f"{len(rows)} emails, worker killed while sending {len(caught)}; all delivered {waited:.0f} s later "
        f"({duplicates} delivered twice, as at-least-once allows)"
        if delivered
        else f"{len(rows)} emails, worker killed while sending {len(caught)}"
    )
    return Outcome(name, not problems, figures, problems)


# ---------------------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200, help="concurrent booking requests in the race")
    parser.add_argument("--capacity", type=int, default=20, help="places on the raced session")
    parser.add_argument("--restart-load", type=float, default=15, help="seconds of load around the Postgres restart")
    parser.add_argument("--threads", type=int, default=8, help="client threads during the restart")
    parser.add_argument("--mail-bookings", type=int, default=20, help="bookings made while SMTP is down")
    parser.add_argument("--deliver-timeout", type=float, default=240, help="seconds to wait for mail to arrive")
    parser.add_argument(
        "--only", action="append", choices=["race", "restart", "smtp", "worker"], help="run only these scenarios"
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    chosen = set(args.only or ["race", "restart", "smtp", "worker"])
    started = time.monotonic()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log("starting a Postgres of our own")
    pg = TempPostgres()
    servers: list[Server] = []
    workers: list[Worker] = []
    sink = SmtpSink(free_port())
    outcomes: list[Outcome] = []
    try:
        pg.init()
        os.environ["DATABASE_URL"] = pg.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscb_portal.settings")
        os.environ["DEBUG"] = "1"  # this process only reads and checks rows
        env = production_env(
            database_url=pg.url,
            DJANGO_SETTINGS_MODULE="lscb_portal.settings",
            # The race sends 200 bookings from one address: scale the per-address limits up, not off.
            RATE_LIMIT_SCALE="100",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_TIMEOUT="5",
            # A killed worker's claim is released after 10 s instead of 5 minutes.
            EMAIL_CLAIM_TIMEOUT="10",
        )
        log("migrate, load_demo and collectstatic")
        manage("migrate", "--no-input", env=env)
        manage("load_demo", env=env)
        manage("collectstatic", "--no-input", env=env)
        import django

        django.setup()

        servers = [Server(f"portal {n}", "lscb_portal.wsgi:application", dict(env)) for n in ("A", "B")]
        for server in servers:
            server.log_path = LOG_DIR / f"gunicorn-{server.name[-1]}.log"
            server.start()
        for server in servers:
            server.wait_until_ready("/healthz")
        log("two portal instances on " + " and ".join(server.base_url for server in servers))
        client = BookingClient([server.port for server in servers])

        if "race" in chosen:
            log(f"booking race: {args.requests} requests on a {args.capacity}-place session")
            outcomes.append(booking_race(client, requests=args.requests, capacity=args.capacity))
            log(outcomes[-1].line())
        if "restart" in chosen:
            log(f"Postgres restart during {args.restart_load:g} s of load")
            outcomes.append(postgres_restart(client, pg, duration_s=args.restart_load, threads=args.threads))
            log(outcomes[-1].line())
        if "smtp" in chosen:
            log("SMTP outage during bookings")
            worker = Worker(env, LOG_DIR / "worker-outage.log")
            workers.append(worker)
            outcomes.append(
                smtp_outage(client, sink, worker, bookings=args.mail_bookings, deliver_timeout_s=args.deliver_timeout)
            )
            worker.stop()
            log(outcomes[-1].line())
        if "worker" in chosen:
            log("worker killed mid-send")
            outcomes.append(
                worker_killed(
                    client, sink, env, bookings=max(5, args.mail_bookings // 2), deliver_timeout_s=args.deliver_timeout
                )
            )
            log(outcomes[-1].line())
    finally:
        for worker in workers:
            worker.stop()
        for server in servers:
            server.stop()
        sink.stop()
        pg.destroy()

    sys.stdout.write("\n")
    for outcome in outcomes:
        sys.stdout.write(outcome.line() + "\n")
    passed = sum(outcome.passed for outcome in outcomes)
    sys.stdout.write(f"\n{passed} passed, {len(outcomes) - passed} failed in {time.monotonic() - started:.0f} s\n")
    return 0 if outcomes and passed == len(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
