"""A run's summary as bench/run.py writes it, for the report tests."""

MACHINE = {
    "cpu": "Test CPU",
    "cores": 2,
    "memory_gb": 24,
    "os": "Linux",
    "python": "3.11.7",
    "django": "5.2.19",
    "postgres": "15.0",
}


def summary(**parts) -> dict:
    """A summary of a quick two-second run against a 500 requests/s reference; ``parts`` replace its keys."""
    return {
        "date": "2026-11-23T14:05:00+00:00",
        "machine": MACHINE,
        "config": {"connections": 16, "duration_s": 2, "workers": 2},
        "reference": {"bytes": 5913, "requests_per_s": 500.0, "p99_ms": 50.0},
        "pages": [],
        "boards": [],
        **parts,
    }
