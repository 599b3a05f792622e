import asyncio
import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from procrastinate import testing, utils
from procrastinate.contrib.django import app as procrastinate_app

from lscb_portal.core import subscriptions
from lscb_portal.core.models import BoardSettings
from lscb_portal.core.subscriptions import MailingList, registry


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _check_search_statements(settings):
    """Every search a test makes also compiles its ranking afresh and fails if a kept query differs from it."""
    settings.SEARCH_CHECK_STATEMENTS = True


@pytest.fixture
def clock_held():
    """The clock held still for the test. Rate limits count in fixed windows (``core.ratelimit``): a burst that
    crossed the end of a window would be counted in two and slip under its limit, failing a test by the clock."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _board_settings(request):
    """In every test that uses the database, the board's settings row exists, as on any real site.

    Otherwise the first page to read it creates it: a write that page never makes in production, which would
    count in its queries and move the page cache's content version.
    """
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)  # set up now: autouse fixtures come before the ones a test asks for
            break
    else:
        if not request.node.get_closest_marker("django_db"):
            return
    BoardSettings.get_solo()


@pytest.fixture
def only_lists(monkeypatch):
    """Empty the email-list registry for one test: ``only_lists(MailingList(...), ...)`` registers just those.

    The apps' own lists and list providers are back after the test. Returns the lists registered.
    """
    monkeypatch.setattr(registry, "_lists", {})
    monkeypatch.setattr(registry, "_providers", [])

    def register(*lists: MailingList) -> list[MailingList]:
        for mailing_list in lists:
            subscriptions.register_list(mailing_list)
        return list(lists)

    return register


class InMemoryConnector(testing.InMemoryConnector):
    """procrastinate's in-memory connector, callable also from a thread that runs an event loop.

    Its synchronous calls go through ``async_to_sync``, which refuses to run in a thread with a running loop;
    Playwright's sync API keeps one running in the browser tests' thread, where fixtures load demo data that
    defers jobs. There the call runs on a thread of its own.
    """

    def _run(self, coroutine_function, *args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return utils.async_to_sync(coroutine_function, *args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, coroutine_function(*args, **kwargs)).result()

    def execute_query(self, query, **arguments):
        return self._run(self.execute_query_async, query, **arguments)

    def execute_query_one(self, query, **arguments):
        return self._run(self.execute_query_one_async, query, **arguments)

    def execute_query_all(self, query, **arguments):
        return self._run(self.execute_query_all_async, query, **arguments)

    def execute_query_one_with_connection(self, connection, query, **arguments):
        return self._run(self.execute_query_one_async_with_connection, connection, query, **arguments)

    def execute_query_all_with_connection(self, connection, query, **arguments):
        return self._run(self.execute_query_all_async_with_connection, connection, query, **arguments)


class JobRunner:
    """Runs deferred jobs in this thread, inside the test's transaction."""

    def __init__(self, connector: InMemoryConnector):
        self.connector = connector

    def pending(self, task_name: str | None = None) -> list[dict]:
        return [
            job
            for job in self.connector.jobs.values()
            if job["status"] == "todo" and (task_name is None or job["task_name"] == task_name)
        ]

    def run(self, *, limit: int = 10_000, raise_errors: bool = True) -> int:
        """Run every job deferred so far, and the jobs those defer; return how many ran."""
        ran = 0
        for _ in itertools.count():
            todo = sorted(self.pending(), key=lambda job: job["id"])
            if not todo:
                return ran
            for job in todo:
                if ran >= limit:
                    raise RuntimeError("jobs kept deferring jobs: stopping")
                job["status"] = "doing"
                task = procrastinate_app.tasks[job["task_name"]]
                try:
                    task.func(**job["args"])
                except Exception:
                    job["status"] = "failed"
                    if raise_errors:
                        raise
                else:
                    job["status"] = "succeeded"
                ran += 1
        return ran


@pytest.fixture(autouse=True)
def jobs():
    """Jobs deferred during a test stay in memory; ``jobs.run()`` runs them in-process."""
    connector = InMemoryConnector()
    with procrastinate_app.replace_connector(connector):
        yield JobRunner(connector)
