"""Several people doing the same thing at the same moment, each on their own database connection."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def at_the_same_moment(
    action: Callable[[int, Callable[[], None]], Any], count: int = 2, *, timeout: float = 30
) -> tuple[list[Any], list[Exception]]:
    """Run ``action(n, together)`` in ``count`` threads; returns what the calls returned and what they raised.

    Each action calls ``together()`` where the race starts (first thing, or once inside its transaction):
    it returns when every thread has reached it. Each thread closes its own database connections.
    Results and exceptions are listed in the order the threads finished.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[Exception] = []

    def together() -> None:
        barrier.wait(timeout=timeout)

    def run(n: int) -> None:
        try:
            results.append(action(n, together))
        except Exception as error:  # handed back to the test, which asserts on it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * 4)
    return results, errors
