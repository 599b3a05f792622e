import pytest

from bench import wrk

OUTPUT = """Running 10s test @ http://127.0.0.1:8001/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    31.02ms    8.71ms 120.40ms   81.23%
    Req/Sec   258.10     31.44   330.00     70.00%
  Latency Distribution
     50%   29.87ms
     75%   34.12ms
     90%   40.55ms
     99%   65.03ms
  5162 requests in 10.01s, 30.22MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    515.69
Transfer/sec:      3.02MB
"""


def test_parse_reads_rate_latency_and_totals():
    result = wrk.parse(OUTPUT)

    assert result.requests == 5162
    assert result.duration_s == pytest.approx(10.01)
    assert result.requests_per_s == pytest.approx(515.69)
    assert result.latency_ms == {"50": 29.87, "75": 34.12, "90": 40.55, "99": 65.03}
    assert (result.p50_ms, result.p99_ms) == (29.87, 65.03)


def test_parse_counts_bad_answers_and_socket_errors_but_not_refused_connections():
    output = OUTPUT.replace("connect 0", "connect 9")

    result = wrk.parse(output)

    assert result.non_2xx_3xx == 4
    assert result.socket_errors == {"connect": 9, "read": 2, "write": 0, "timeout": 1}
    assert result.errors == 7


def test_parse_without_error_lines_reports_none():
    clean = "\n".join(line for line in OUTPUT.splitlines() if "errors" not in line and "Non-2xx" not in line)

    result = wrk.parse(clean)

    assert result.errors == 0
    assert result.socket_errors == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("850.00us", 0.85), ("12.5ms", 12.5), ("1.02s", 1020.0), ("2.00m", 120_000.0)],
)
def test_time_units_become_milliseconds(text, expected):
    assert wrk.time_to_ms(text) == pytest.approx(expected)


def test_output_without_latency_distribution_is_refused():
    without = (
        OUTPUT.split("  Latency Distribution")[0] + "  5162 requests in 10.01s, 30.22MB read\nRequests/sec: 515.69\n"
    )

    with pytest.raises(wrk.WrkOutputError, match="--latency"):
        wrk.parse(without)


def test_unknown_time_unit_is_refused():
    with pytest.raises(wrk.WrkOutputError):
        wrk.time_to_ms("12 parsecs")


def test_command_is_bounded_and_sends_the_proxy_header():
    args = wrk.command(
        "http://127.0.0.1:8001/search/?q=neglect",
        connections=16,
        duration_s=2.4,
        headers=("X-Forwarded-Proto: https",),
    )

    assert "--connections=16" in args
    assert "--duration=2s" in args
    assert "--latency" in args
    assert args[-3:] == ["--header", "X-Forwarded-Proto: https", "http://127.0.0.1:8001/search/?q=neglect"]


@pytest.mark.parametrize("url", ["http://10.0.0.5:8000/", "http://example.org/", "http://192.168.1.2/"])
def test_command_refuses_anything_but_loopback(url):
    with pytest.raises(ValueError, match="only loads servers on this machine"):
        wrk.command(url, connections=16, duration_s=2)
