"""``make bench``: the portal against a bare Django view, under the same server, in the same run.

1. Prepares three dedicated databases beside the portal's own
   (``<name>_bench_large``, ``…_demo``, ``…_reference``): recreates the two
   boards, migrates them, loads the demo board into both and seeds the large
   one with ``python -m bench.seed_large``.
2. Serves each with gunicorn (bench/gunicorn.conf.py: 2 sync workers) with
   production settings (DEBUG=0, collectstatic first, persistent connections);
   requests carry ``X-Forwarded-Proto: https`` as they would behind the proxy.
3. Loads them from wrk, one URL at a time, for a bounded time each,
   interleaving the reference between pages (ref, page A on each board, ref,
   page B, …, ref), so that drift on the machine affects both sides of a ratio.
4. Loads some pages of the large board quiet, then while a writer commits to training ten times a
   second (bench/writer.py), then quiet again: what a stream of bookings costs the pages.
5. Times searches one at a time on the large board (p95), each a query not asked before.
6. Prints the table and writes bench/results/latest.json and a dated markdown file.

Only 127.0.0.1 is ever loaded. Figures compare only within one run; publish
figures measured on a quiet machine.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote_plus, urlsplit, urlunsplit

from . import report, wrk
from .pages import PAGE_NAMES, WRITE_LOAD_PAGES, distinct_search_queries
from .servers import BASE_DIR, Server, get, manage, production_env, run_module
from .writer import WriterProcess

RESULTS_DIR = Path(__file__).resolve().parent / "results"
LOG_DIR = BASE_DIR / "var" / "bench"
HEADERS = ("X-Forwarded-Proto: https",)


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def log(message: str) -> None:
    out(f"[bench {time.strftime('%H:%M:%S')}] {message}")


def bench_database_url(base_url: str, suffix: str) -> str:
    """The URL of a dedicated bench database on the same server: ``…/lscb_portal`` → ``…/lscb_portal_bench_large``.

    A base name that already ends in "bench" only gets the suffix.
    """
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") or "postgres"
    prefix = name if name.endswith("bench") else f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{prefix}_{suffix}"))


def ensure_wrk() -> str:
    """wrk from Debian's package, installed with apt-get when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("wrk is not installed: install the Debian package `wrk` (apt-get install wrk).")
    log("installing wrk (apt-get update; apt-get install -y wrk)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for args in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        subprocess.run(args, env=env, check=True, timeout=600)  # noqa: S603 - fixed apt-get commands
    return shutil.which("wrk") or "wrk"


def machine_info(database_url: str) -> dict:
    import django
    import psycopg

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0]
        memory_gb = round(int(meminfo.split()[1]) / 1024 / 1024)
    except OSError:
        memory_gb = None
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgres": postgres,
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0],  # noqa: S607
    }


def recreate_database(url: str) -> None:
    """Drop the bench database (only ever a ``…_bench_…`` one) and create it empty."""
    import psycopg

    from lscb_portal.dbserver import _maintenance_url, ensure_database

    maintenance, name = _maintenance_url(url)
    if "_bench" not in name and not name.endswith("bench"):
        raise SystemExit(f"refusing to drop {name!r}: not a bench database")
    with psycopg.connect(maintenance.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ensure_database(url)


def prepare_board(name: str, url: str, *, large: bool, reuse: bool) -> list[dict]:
    from lscb_portal.dbserver import ensure_database

    # A fresh database each run: the demo board first, then the large board's rows around it, as on a new
    # machine. --reuse keeps the last run's databases (quicker while working on the harness).
    if reuse:
        ensure_database(url)
    else:
        recreate_database(url)
    env = production_env(database_url=url, DJANGO_SETTINGS_MODULE="lscb_portal.settings")
    log(f"{name} board: migrate")
    manage("migrate", "--no-input", env=env)
    log(f"{name} board: load_demo")
    manage("load_demo", env=env)
    if large:
        log("large board: seed_large (a minute or two on a quiet machine)")
        started = time.monotonic()
        output = run_module("bench.seed_large", env=env, timeout=3600)
        for line in output.strip().splitlines():
            log(f"  {line}")
        log(f"  seed_large took {time.monotonic() - started:.0f} s")
    return json.loads(run_module("bench.pages", env=env, timeout=120))


def prepare_reference(url: str) -> dict[str, str]:
    from lscb_portal.dbserver import ensure_database

    ensure_database(url)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.reference.settings", REFERENCE_DATABASE_URL=url)
    env.pop("DATABASE_URL", None)
    manage("migrate", "--no-input", env=env)
    manage("seed_reference", env=env)
    return env


def check_page(server: Server, path: str) -> tuple[int, int]:
    status, body = get(server.port, path, timeout_s=60)
    return status, len(body)


def warm_up(server: Server, path: str, requests: int = 6) -> None:
    for _ in range(requests):
        get(server.port, path, timeout_s=60)


def drain(server: Server, path: str, *, timeout_s: float = 120) -> None:
    """Wait until the server answers a cheap page promptly again (its queue has emptied)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            get(server.port, path, timeout_s=timeout_s)
        except OSError:
            continue
        if time.monotonic() - started < 0.5:
            return


def load(server: Server, path: str, args) -> wrk.WrkResult:
    return wrk.run(server.base_url + path, connections=args.connections, duration_s=args.duration, headers=HEADERS)


# The write-load runs of one page: quiet and loaded in turn, twice over (each run half the usual length).
WRITE_LOAD_ORDER = ("quiet", "loaded", "loaded", "quiet", "quiet", "loaded", "loaded", "quiet")


def measure_write_load(server: Server, pages: list[dict], env: dict[str, str], args) -> list[report.WriteLoadRow]:
    """Each of WRITE_LOAD_PAGES in runs alternating quiet and loaded while the writer commits to training."""
    paths = {entry["page"]: entry["path"] for entry in pages}
    segment = argparse.Namespace(duration=max(1.0, args.duration / 2), connections=args.connections)
    rows = []
    with WriterProcess(env, BASE_DIR) as writer:
        for name, group in WRITE_LOAD_PAGES:
            row = report.WriteLoadRow(page=name, group=group, path=paths.get(name) or "")
            rows.append(row)
            if not row.path:
                row.error = "not listed"
                continue
            warm_up(server, row.path)
            try:
                for side in WRITE_LOAD_ORDER:
                    if side == "quiet":
                        row.quiet.append(load(server, row.path, segment))
                    else:
                        writer.start(report.WRITE_LOAD_COMMITS_PER_S)
                        try:
                            row.loaded.append(load(server, row.path, segment))
                        finally:
                            row.commits.append(writer.stop()["rate"])
                    drain(server, "/healthz")
            except (wrk.WrkOutputError, subprocess.TimeoutExpired) as exc:
                row.error = str(exc)
            for line in report.write_load_lines([row]):
                log(f"  {line}")
    return rows


# Searches that warm the server up before the timing (its workers' connections and templates),
# with queries of their own: each timed request asks a query that no earlier request asked.
SEARCH_WARM_UPS = 4


def time_searches(server: Server, count: int) -> report.SearchLatency:
    """One search at a time, each a query never asked before, so a page cache cannot answer it."""
    queries = distinct_search_queries(SEARCH_WARM_UPS + count)
    warm_ups, timed = queries[:SEARCH_WARM_UPS], queries[SEARCH_WARM_UPS:]
    for query in warm_ups:
        get(server.port, f"/search/?q={quote_plus(query)}", timeout_s=30)
    latency = report.SearchLatency(queries=timed)
    for query in timed:
        started = time.perf_counter()
        try:
            status, _ = get(server.port, f"/search/?q={quote_plus(query)}", timeout_s=10)
        except OSError:
            status = 0
        elapsed_ms = (time.perf_counter() - started) * 1000
        if status == 200:
            latency.durations_ms.append(elapsed_ms)
        else:
            latency.failures += 1
    return latency


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 12)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--search-requests", type=int, default=int(os.environ.get("BENCH_SEARCH_REQUESTS", 300)))
    parser.add_argument(
        "--quick", action="store_true", help="2 s per page and 60 searches: checks the harness, figures not quotable"
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--reuse", action="store_true", help="keep the last run's boards instead of seeding afresh")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 2)
        args.search_requests = min(args.search_requests, 60)
    try:
        distinct_search_queries(SEARCH_WARM_UPS + args.search_requests)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    from lscb_portal.dbserver import database_url

    started = time.monotonic()
    wrk_path = ensure_wrk()
    base_url = database_url()
    urls = {suffix: bench_database_url(base_url, suffix) for suffix in ("large", "demo", "reference")}
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log(f"wrk: {wrk_path}; databases: {', '.join(urlsplit(url).path.lstrip('/') for url in urls.values())}")

    pages = {
        "large": prepare_board("large", urls["large"], large=True, reuse=args.reuse),
        "demo": prepare_board("demo", urls["demo"], large=False, reuse=args.reuse),
    }
    # The same large board with every page rendered for every request (what the page cache saves), with its
    # fragments kept, and without them.
    pages[report.UNCACHED] = pages[report.RENDERED] = pages["large"]
    log("reference: migrate and seed")
    reference_env = prepare_reference(urls["reference"])
    log("collectstatic (production storage)")
    manage("collectstatic", "--no-input", env=production_env(database_url=urls["demo"]))

    servers = {
        "large": Server(
            "portal (large board)", "lscb_portal.wsgi:application", production_env(database_url=urls["large"])
        ),
        "demo": Server(
            "portal (demo board)", "lscb_portal.wsgi:application", production_env(database_url=urls["demo"])
        ),
        report.UNCACHED: Server(
            "portal (large board, no page cache)",
            "lscb_portal.wsgi:application",
            production_env(database_url=urls["large"], PAGE_CACHE_SECONDS="0"),
        ),
        report.RENDERED: Server(
            "portal (large board, no page cache nor fragments)",
            "lscb_portal.wsgi:application",
            production_env(database_url=urls["large"], PAGE_CACHE_SECONDS="0", PAGE_FRAGMENT_SECONDS="0"),
        ),
        report.REFERENCE: Server("reference", "bench.reference.wsgi:application", reference_env),
    }
    for key, server in servers.items():
        server.log_path = LOG_DIR / f"gunicorn-{key}.log"
        server.env["DJANGO_SETTINGS_MODULE"] = (
            "bench.reference.settings" if key == report.REFERENCE else "lscb_portal.settings"
        )
    notes = []
    try:
        for server in servers.values():
            server.start()
        for key, server in servers.items():
            server.wait_until_ready("/" if key == report.REFERENCE else "/healthz")
        log("servers ready: " + ", ".join(f"{s.name} on {s.base_url}" for s in servers.values()))

        reference = servers[report.REFERENCE]
        status, reference_bytes = check_page(reference, "/")
        if status != 200:
            raise RuntimeError(f"the reference page answered {status}")
        warm_up(reference, "/")

        plan: list[report.Measurement] = []
        for name in PAGE_NAMES:
            for board in ("large", "demo", *report.COMPARISON_BOARDS):
                entry = next((page for page in pages[board] if page["page"] == name), None)
                measurement = report.Measurement(page=name, board=board, path=(entry or {}).get("path") or "")
                if not entry or not entry["path"]:
                    measurement.error = (entry or {}).get("note") or "not listed"
                    notes.append(f"{name} ({board} board) not measured: {measurement.error}")
                else:
                    status, size = check_page(servers[board], entry["path"])
                    measurement.bytes = size
                    if status != 200:
                        measurement.error = f"answered {status}"
                        notes.append(f"{name} ({board} board, {entry['path']}) answered {status}: not measured")
                    else:
                        warm_up(servers[board], entry["path"])
                plan.append(measurement)

        def reference_run():
            return report.Measurement(page=report.REFERENCE, path="/", bytes=reference_bytes)

        sequence: list[report.Measurement] = [reference_run()]
        for name in PAGE_NAMES:
            measurable = [m for m in plan if m.page == name and not m.error]
            sequence += [m for m in plan if m.page == name]
            if measurable:
                sequence.append(reference_run())
        total = sum(1 for m in sequence if not m.error)
        log(f"loading {total} runs of {args.duration:g} s at {args.connections} connections")
        done = 0
        for measurement in sequence:
            if measurement.error:
                continue
            server = servers[measurement.board or report.REFERENCE]
            try:
                result = load(server, measurement.path, args)
            except (wrk.WrkOutputError, subprocess.TimeoutExpired) as exc:
                measurement.error = str(exc)
            else:
                if result.requests:
                    measurement.result = result
                else:
                    measurement.error = f"no request answered within wrk's {wrk.TIMEOUT_S:g} s timeout"
            # Requests wrk gave up on are still in gunicorn's queue: let them finish before the next run.
            drain(server, "/" if measurement.is_reference else "/healthz")
            done += 1
            result = measurement.result
            figures = (
                f"{result.requests_per_s:.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
                if result
                else measurement.error
            )
            log(f"  [{done}/{total}] {measurement.page} {measurement.board} {measurement.path}: {figures}")

        log(f"write load: {report.WRITE_LOAD_COMMITS_PER_S:g} commits a second to training, large board")
        write_load = measure_write_load(
            servers["large"], pages["large"], production_env(database_url=urls["large"]), args
        )

        log(f"searches one at a time on the large board ({args.search_requests} requests)")
        search = time_searches(servers["large"], args.search_requests)
    finally:
        for server in servers.values():
            server.stop()

    rows = report.page_rows(sequence)
    comparisons = report.board_comparisons(rows)
    reference_runs = [m.result for m in sequence if m.is_reference and m.result]
    summary = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine_info(urls["reference"]),
        "config": {
            "connections": args.connections,
            "duration_s": args.duration,
            "workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
            "search_requests": args.search_requests,
            "tool": "wrk",
        },
        "reference": {
            "path": "/",
            "bytes": reference_bytes,
            "requests_per_s": sum(r.requests_per_s for r in reference_runs) / len(reference_runs),
            "p99_ms": sum(r.p99_ms for r in reference_runs) / len(reference_runs),
            "runs": [r.as_json() for r in reference_runs],
        },
        "pages": [row.as_json() for row in rows],
        "boards": [comparison.as_json() for comparison in comparisons],
        "search": search.as_json(),
        "write_load": {
            "commits_per_s": report.WRITE_LOAD_COMMITS_PER_S,
            "rows": [row.as_json() for row in write_load],
        },
        "notes": notes,
    }
    measured = [row for row in rows if row.requests_per_s is not None and row.board not in report.COMPARISON_BOARDS]
    summary["targets"] = {
        "pages_met": sum(row.target_met for row in measured),
        "pages_measured": len(measured),
        "boards_met": sum(c.target_met for c in comparisons),
        "boards_compared": sum(c.compared for c in comparisons),
        "search_met": search.target_met,
        "uncached_met": sum(bool(row.uncached_target_met) for row in rows),
        "uncached_measured": sum(row.uncached_target is not None for row in rows),
        "write_load_met": sum(row.target_met for row in write_load),
        "write_load_measured": len(write_load),
    }

    out()
    for line in report.table_lines(rows):
        out(line)
    out()
    out(
        f"reference: {summary['reference']['requests_per_s']:.0f} req/s, p99 {summary['reference']['p99_ms']:.1f} ms "
        f"({reference_bytes} bytes, mean of {len(reference_runs)} runs)"
    )
    for comparison in comparisons:
        if comparison.compared:
            out(
                f"large board against demo board, {comparison.page}: {comparison.time_change:+.0%} per request "
                f"(within 30 %: {'yes' if comparison.target_met else 'NO'})"
            )
    out(
        f"search one at a time, each query asked once: p50 {search.p50_ms or 0:.1f} ms, "
        f"p95 {search.p95_ms or 0:.1f} ms "
        f"(target < {report.MAX_SEARCH_P95_MS:g} ms: {'yes' if search.target_met else 'NO'})"
    )
    for line in report.write_load_lines(write_load):
        out(f"under write load: {line}")
    for note in notes:
        out(f"note: {note}")
    latest, dated = report.write(summary, args.results_dir)
    shown = [path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path for path in (latest, dated)]
    log(f"wrote {shown[0]} and {shown[1]} in {time.monotonic() - started:.0f} s")
    if args.quick:
        log("quick run: these figures only show the harness works; measure on a quiet machine to publish")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
