"""Run wrk against one loopback address and read its ``--latency`` report.

wrk prints times with units (``850.00us``, ``12.34ms``, ``1.02s``), counts with
SI suffixes in the thread table (``1.20k``) and plain numbers in the totals. The
parser keeps only what the benchmark reports: requests per second, the latency
distribution, the totals and anything that went wrong (socket errors, non-2xx
responses), so that a page which answered errors quickly never looks fast.
"""

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}
# A request slower than this counts as a timeout error, not as a latency.
TIMEOUT_S = 10.0

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = re.compile(r"^(?P<value>[\d.]+)(?P<unit>us|ms|s|m|h)$")
_PERCENTILE = re.compile(r"^\s*(?P<pct>\d+(?:\.\d+)?)%\s+(?P<time>[\d.]+(?:us|ms|s|m|h))\s*$", re.M)
_TOTALS = re.compile(
    r"^\s*(?P<requests>\d+) requests in (?P<duration>[\d.]+(?:us|ms|s|m|h)), (?P<read>\S+) read", re.M
)
_RATE = re.compile(r"^Requests/sec:\s+(?P<rate>[\d.]+)", re.M)
_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (?P<connect>\d+), read (?P<read>\d+), write (?P<write>\d+), timeout (?P<timeout>\d+)"
)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (?P<count>\d+)")


class WrkOutputError(ValueError):
    """wrk's output did not have the figures the benchmark needs."""


def time_to_ms(text: str) -> float:
    """``'850.00us'`` → 0.85, ``'12.5ms'`` → 12.5, ``'1.02s'`` → 1020.0."""
    match = _TIME.match(text.strip())
    if not match:
        raise WrkOutputError(f"not a wrk time: {text!r}")
    return float(match["value"]) * _TIME_UNITS_MS[match["unit"]]


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    requests_per_s: float
    latency_ms: dict[str, float]  # "50", "75", "90", "99" → milliseconds
    socket_errors: dict[str, int] = field(default_factory=dict)
    non_2xx_3xx: int = 0

    @property
    def p50_ms(self) -> float:
        return self.latency_ms["50"]

    @property
    def p99_ms(self) -> float:
        return self.latency_ms["99"]

    @property
    def errors(self) -> int:
        """Requests that did not get a good answer: non-2xx/3xx responses plus read, write and timeout errors.

        Connect errors are left out here and reported on their own: a refused
        connection sends no request, so it changes neither the rate nor the
        latency figures.
        """
        socket = sum(count for kind, count in self.socket_errors.items() if kind != "connect")
        return self.non_2xx_3xx + socket

    def as_json(self) -> dict:
        data = asdict(self)
        data["p50_ms"] = self.p50_ms
        data["p99_ms"] = self.p99_ms
        return data


def parse(output: str) -> WrkResult:
    """Read the figures out of ``wrk --latency`` output."""
    latency = {_percentile_key(m["pct"]): time_to_ms(m["time"]) for m in _PERCENTILE.finditer(output)}
    if "50" not in latency or "99" not in latency:
        raise WrkOutputError("no latency distribution: was wrk run with --latency?")
    totals = _TOTALS.search(output)
    rate = _RATE.search(output)
    if not totals or not rate:
        raise WrkOutputError("no request totals in wrk's output")
    socket_errors = {}
    if match := _SOCKET_ERRORS.search(output):
        socket_errors = {kind: int(count) for kind, count in match.groupdict().items()}
    non_2xx = _NON_2XX.search(output)
    return WrkResult(
        requests=int(totals["requests"]),
        duration_s=time_to_ms(totals["duration"]) / 1000,
        requests_per_s=float(rate["rate"]),
        latency_ms=latency,
        socket_errors=socket_errors,
        non_2xx_3xx=int(non_2xx["count"]) if non_2xx else 0,
    )


def _percentile_key(text: str) -> str:
    value = float(text)
    return str(int(value)) if value.is_integer() else str(value)


def command(
    url: str, *, connections: int, duration_s: float, threads: int = 2, timeout_s: float = TIMEOUT_S, headers=()
) -> list[str]:
    """The wrk command line for one bounded run against a loopback URL (refuses any other host)."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"the benchmark only loads servers on this machine, not {host!r}")
    args = [
        shutil.which("wrk") or "wrk",
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration_s))}s",
        f"--timeout={timeout_s:g}s",
        "--latency",
    ]
    for header in headers:
        args += ["--header", header]
    return [*args, url]


def run(url: str, *, connections: int, duration_s: float, headers=(), threads: int = 2) -> WrkResult:
    """Load one URL for a bounded time and return wrk's figures."""
    args = command(url, connections=connections, duration_s=duration_s, threads=threads, headers=headers)
    completed = subprocess.run(  # noqa: S603 - a fixed program with arguments built above
        args, capture_output=True, text=True, timeout=duration_s + 30, check=False
    )
    if completed.returncode != 0:
        raise WrkOutputError(f"wrk failed ({completed.returncode}): {completed.stderr.strip() or completed.stdout}")
    return parse(completed.stdout)
