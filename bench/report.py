"""Turn a run's measurements into the figures the issue asks for, and write them out.

Each page is compared with the reference measured just before and just after it
(the run interleaves them: ref, page, ref, page, …, ref), so drift on a busy
machine moves both sides of every ratio. Ratios are only meaningful within one
run.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .wrk import WrkResult

# The issue's targets.
MIN_RATE_RATIO = 0.40  # every page at least 40 % of the reference's requests per second
MAX_P99_RATIO = 3.0  # p99 no more than three times the reference's
MAX_SEARCH_P95_MS = 50.0  # one search at a time, p95
MAX_BOARD_CHANGE = 0.30  # a page's time on the large board within 30 % of the demo board's
# Rendered for every request (no page cache): the pages the issue names, against the reference's rate.
UNCACHED_MIN_RATE_RATIO = {"issue": 0.25, "programme": 0.25, "search": 0.20}
# Under a steady stream of commits to training: the share of its quiet rate each kind of page keeps.
WRITE_LOAD_COMMITS_PER_S = 10.0
# Pages are grouped by what they show: "places" are the pages that show training places (the training
# pages, and the issue and home pages whose blocks list sessions with places).
WRITE_LOAD_MIN_KEPT = {"newsletters": 0.95, "procedures": 0.95, "places": 0.80}

REFERENCE = "reference"
# The large board served with PAGE_CACHE_SECONDS=0: every request rendered, with the fragments (parts
# that show fewer areas than their page, or that several pages share) kept as deployed. Judged on the
# uncached targets only; the cached targets are judged on the portal as deployed, with its page cache.
UNCACHED = "large-nocache"
# The same with PAGE_FRAGMENT_SECONDS=0 as well: every part of every page rendered, for comparison.
RENDERED = "large-rendered"
COMPARISON_BOARDS = (UNCACHED, RENDERED)


@dataclass
class Measurement:
    """One bounded wrk run: the reference, or one page on one board."""

    page: str
    path: str
    board: str = ""  # "large" or "demo"; empty for the reference
    result: WrkResult | None = None
    error: str = ""
    bytes: int = 0

    @property
    def is_reference(self) -> bool:
        return self.page == REFERENCE


@dataclass
class PageRow:
    page: str
    board: str
    path: str
    requests_per_s: float | None
    p50_ms: float | None
    p99_ms: float | None
    reference_rps: float | None
    reference_p99_ms: float | None
    errors: int = 0
    note: str = ""
    bytes: int = 0

    @property
    def measured(self) -> bool:
        return self.requests_per_s is not None

    @property
    def rate_ratio(self) -> float | None:
        if self.requests_per_s is None or not self.reference_rps:
            return None
        return self.requests_per_s / self.reference_rps

    @property
    def p99_ratio(self) -> float | None:
        if self.p99_ms is None or not self.reference_p99_ms:
            return None
        return self.p99_ms / self.reference_p99_ms

    @property
    def uncached_target(self) -> float | None:
        return UNCACHED_MIN_RATE_RATIO.get(self.page) if self.board == UNCACHED else None

    @property
    def uncached_target_met(self) -> bool | None:
        if self.uncached_target is None:
            return None
        return self.rate_ratio is not None and not self.errors and self.rate_ratio >= self.uncached_target

    @property
    def target_met(self) -> bool:
        rate, p99 = self.rate_ratio, self.p99_ratio
        return (
            rate is not None
            and p99 is not None
            and not self.errors
            and rate >= MIN_RATE_RATIO
            and p99 <= MAX_P99_RATIO
        )

    def as_json(self) -> dict:
        return {
            "page": self.page,
            "board": self.board,
            "path": self.path,
            "bytes": self.bytes,
            "requests_per_s": self.requests_per_s,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "reference_requests_per_s": self.reference_rps,
            "reference_p99_ms": self.reference_p99_ms,
            "rate_ratio": _round(self.rate_ratio, 3),
            "p99_ratio": _round(self.p99_ratio, 3),
            "errors": self.errors,
            "target_met": self.target_met,
            "uncached_target": self.uncached_target,
            "uncached_target_met": self.uncached_target_met,
            "note": self.note,
        }


def page_rows(measurements: list[Measurement]) -> list[PageRow]:
    """One row per page measurement, each against the mean of the reference runs on either side of it."""
    rows = []
    for index, measurement in enumerate(measurements):
        if measurement.is_reference:
            continue
        neighbours = _neighbouring_references(measurements, index)
        reference_rps = _mean([ref.requests_per_s for ref in neighbours])
        reference_p99 = _mean([ref.p99_ms for ref in neighbours])
        result = measurement.result
        rows.append(
            PageRow(
                page=measurement.page,
                board=measurement.board,
                path=measurement.path,
                requests_per_s=result.requests_per_s if result else None,
                p50_ms=result.p50_ms if result else None,
                p99_ms=result.p99_ms if result else None,
                reference_rps=reference_rps,
                reference_p99_ms=reference_p99,
                errors=result.errors if result else 0,
                note=measurement.error,
                bytes=measurement.bytes,
            )
        )
    return rows


def _neighbouring_references(measurements: list[Measurement], index: int) -> list[WrkResult]:
    found = []
    for step in (-1, 1):
        position = index + step
        while 0 <= position < len(measurements):
            candidate = measurements[position]
            if candidate.is_reference:
                if candidate.result is not None:
                    found.append(candidate.result)
                break
            position += step
    return found


@dataclass
class BoardComparison:
    page: str
    demo_ratio: float | None
    large_ratio: float | None
    demo_p50_ms: float | None
    large_p50_ms: float | None

    @property
    def time_change(self) -> float | None:
        """How much longer a request takes on the large board (0.1 = 10 % longer), reference-normalised.

        A request's time at fixed concurrency is the inverse of the rate, so the
        large board's normalised time over the demo board's is demo ratio / large ratio.
        """
        if not self.demo_ratio or not self.large_ratio:
            return None
        return self.demo_ratio / self.large_ratio - 1

    @property
    def target_met(self) -> bool:
        change = self.time_change
        return change is not None and abs(change) <= MAX_BOARD_CHANGE

    @property
    def compared(self) -> bool:
        return self.time_change is not None

    def as_json(self) -> dict:
        return {
            "page": self.page,
            "compared": self.compared,
            "demo_rate_ratio": _round(self.demo_ratio, 3),
            "large_rate_ratio": _round(self.large_ratio, 3),
            "demo_p50_ms": self.demo_p50_ms,
            "large_p50_ms": self.large_p50_ms,
            "time_change": _round(self.time_change, 3),
            "target_met": self.target_met,
        }


def board_comparisons(rows: list[PageRow]) -> list[BoardComparison]:
    by_board = {(row.page, row.board): row for row in rows}
    comparisons = []
    for row in rows:
        if row.board != "large" or (row.page, "demo") not in by_board:
            continue
        demo = by_board[(row.page, "demo")]
        comparisons.append(
            BoardComparison(
                page=row.page,
                demo_ratio=demo.rate_ratio,
                large_ratio=row.rate_ratio,
                demo_p50_ms=demo.p50_ms,
                large_p50_ms=row.p50_ms,
            )
        )
    return comparisons


def _rate(results: list[WrkResult]) -> float | None:
    """Requests per second over several runs: all their requests over all their time."""
    seconds = sum(result.duration_s for result in results)
    return sum(result.requests for result in results) / seconds if seconds else None


@dataclass
class WriteLoadRow:
    """One page on the large board, loaded in turn quiet and while training takes commits.

    The runs alternate quiet, loaded, loaded, quiet (and again), so that a machine getting
    busier or quieter during the measurement weighs on both sides alike.
    """

    page: str
    group: str  # which of WRITE_LOAD_MIN_KEPT applies: what the page shows
    path: str
    quiet: list[WrkResult] = field(default_factory=list)
    loaded: list[WrkResult] = field(default_factory=list)
    commits: list[float] = field(default_factory=list)  # the writer's rate during each loaded run
    error: str = ""

    @property
    def quiet_rps(self) -> float | None:
        return _rate(self.quiet)

    @property
    def loaded_rps(self) -> float | None:
        return _rate(self.loaded)

    @property
    def commits_per_s(self) -> float | None:
        return min(self.commits) if self.commits else None

    @property
    def kept(self) -> float | None:
        if not self.loaded_rps or not self.quiet_rps:
            return None
        return self.loaded_rps / self.quiet_rps

    @property
    def target(self) -> float:
        return WRITE_LOAD_MIN_KEPT[self.group]

    @property
    def load_reached(self) -> bool:
        """The writer kept up in every loaded run (at least 95 % of the rate asked for): less would flatter."""
        return self.commits_per_s is not None and self.commits_per_s >= 0.95 * WRITE_LOAD_COMMITS_PER_S

    @property
    def target_met(self) -> bool:
        errors = sum(result.errors for result in [*self.quiet, *self.loaded])
        return self.kept is not None and self.load_reached and not errors and self.kept >= self.target

    def as_json(self) -> dict:
        return {
            "page": self.page,
            "group": self.group,
            "path": self.path,
            "quiet_requests_per_s": _round(self.quiet_rps, 1),
            "loaded_requests_per_s": _round(self.loaded_rps, 1),
            "loaded_p99_ms": max((result.p99_ms for result in self.loaded), default=None),
            "runs": {
                "quiet": [result.requests_per_s for result in self.quiet],
                "loaded": [result.requests_per_s for result in self.loaded],
            },
            "commits_per_s": self.commits_per_s,
            "kept": _round(self.kept, 3),
            "target": self.target,
            "target_met": self.target_met,
            "error": self.error,
        }


def write_load_lines(rows: list[WriteLoadRow]) -> list[str]:
    lines = []
    for row in rows:
        if row.kept is None:
            lines.append(f"{row.page} ({row.group}): not measured: {row.error}")
            continue
        lines.append(
            f"{row.page} ({row.group}) at {row.commits_per_s:.1f} commits/s: {row.loaded_rps:.0f} req/s "
            f"against {row.quiet_rps:.0f} quiet, {row.kept:.0%} kept (target {row.target:.0%}: "
            f"{_yes_no(row.target_met)})"
        )
    return lines


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of the values at or below it."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class SearchLatency:
    durations_ms: list[float] = field(default_factory=list)
    failures: int = 0
    queries: list[str] = field(default_factory=list)

    @property
    def p50_ms(self) -> float | None:
        return percentile(self.durations_ms, 50) if self.durations_ms else None

    @property
    def p95_ms(self) -> float | None:
        return percentile(self.durations_ms, 95) if self.durations_ms else None

    @property
    def target_met(self) -> bool:
        return bool(self.durations_ms) and not self.failures and self.p95_ms < MAX_SEARCH_P95_MS

    def as_json(self) -> dict:
        return {
            "requests": len(self.durations_ms),
            "failures": self.failures,
            "p50_ms": _round(self.p50_ms, 2),
            "p95_ms": _round(self.p95_ms, 2),
            "max_ms": _round(max(self.durations_ms), 2) if self.durations_ms else None,
            "queries": self.queries,
            "distinct_queries": len(set(self.queries)),
            "target_ms": MAX_SEARCH_P95_MS,
            "target_met": self.target_met,
        }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "–" if value is None else f"{value:{spec}}{suffix}"


def _yes_no(met: bool) -> str:
    return "yes" if met else "NO"


def _kb(size: int) -> str:
    return f"{size / 1024:,.1f} KB" if size else "–"


def _uncached_verdict(target: float | None, met: bool | None, cached_target_met: bool) -> str:
    if target is None:
        return "(comparison: " + _yes_no(cached_target_met) + ")"
    return f"{_yes_no(met)} (uncached target {target:.0%})"


def _verdict(row: "PageRow") -> str:
    if not row.measured:
        return f"not measured: {row.note}"
    if row.board in COMPARISON_BOARDS:
        return _uncached_verdict(row.uncached_target, row.uncached_target_met, row.target_met)
    return _yes_no(row.target_met) + (f" ({row.errors} errors)" if row.errors else "")


def table_lines(rows: list[PageRow]) -> list[str]:
    """The console table: page, requests/s, p50, p99, rate and p99 against the reference, target met."""
    header = ("page", "board", "size", "req/s", "p50", "p99", "ratio", "p99 ratio", "target met")
    body = [
        (
            row.page,
            row.board,
            _kb(row.bytes),
            _fmt(row.requests_per_s, ".0f"),
            _fmt(row.p50_ms, ".1f", " ms"),
            _fmt(row.p99_ms, ".1f", " ms"),
            _fmt(row.rate_ratio, ".0%"),
            _fmt(row.p99_ratio, ".2f", "×"),
            _verdict(row),
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in [header, *body]) for column in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *body]
    ]


def markdown(summary: dict) -> str:
    """The dated results file: what was measured, on what, and how to reproduce it."""
    machine = summary["machine"]
    config = summary["config"]
    lines = [
        f"# Benchmark results, {summary['date']}",
        "",
        f"Machine: {machine['cpu']} ({machine['cores']} cores, {machine['memory_gb']} GB), {machine['os']}, "
        f"Python {machine['python']}, Django {machine['django']}, Postgres {machine['postgres']}.",
        f"Load: wrk, {config['connections']} connections, {config['duration_s']} s per page, "
        f"gunicorn {config['workers']} sync workers on each server, persistent connections with health checks, "
        "reference and portal pages interleaved.",
        "Reproduce: `make bench` (figures compare only within one run; measure on a quiet machine).",
        "",
    ]
    if summary.get("quick"):
        lines += ["**Quick run**: too short to quote; it only checks that the harness works.", ""]
    lines += [
        f"Reference (bare Django view, one indexed query, 20 rows, {summary['reference']['bytes']} bytes): "
        f"mean {summary['reference']['requests_per_s']:.0f} requests/s, p99 {summary['reference']['p99_ms']:.1f} ms.",
        "",
        "| page | board | size | requests/s | p50 | p99 | rate vs reference | p99 vs reference | target met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in summary["pages"]:
        if row["requests_per_s"] is None:
            verdict = f"not measured: {row['note']}"
        elif row["board"] in COMPARISON_BOARDS:
            verdict = _uncached_verdict(row.get("uncached_target"), row.get("uncached_target_met"), row["target_met"])
        else:
            verdict = _yes_no(row["target_met"]) + (f" ({row['errors']} errors)" if row["errors"] else "")
        lines.append(
            f"| {row['page']} | {row['board']} | {_kb(row.get('bytes', 0))} | {_fmt(row['requests_per_s'], '.0f')} | "
            f"{_fmt(row['p50_ms'], '.1f', ' ms')} | {_fmt(row['p99_ms'], '.1f', ' ms')} | "
            f"{_fmt(row['rate_ratio'], '.0%')} | {_fmt(row['p99_ratio'], '.2f', '×')} | {verdict} |"
        )
    lines += [
        "",
        f"Targets: rate at least {MIN_RATE_RATIO:.0%} of the reference's, p99 at most {MAX_P99_RATIO:g}× the "
        f"reference's, at {config['connections']} connections.",
        "",
        f"Boards: `large` and `demo` are served as deployed, with the page cache (anonymous readers' pages kept "
        f"rendered until anything they show changes); `{UNCACHED}` is the large board with `PAGE_CACHE_SECONDS=0`, "
        "every request rendered, with the fragments kept as deployed (parts that show fewer areas than their page, "
        "or that several pages share: docs/decisions.md › Fragments): judged only where an uncached target "
        "is given ("
        + ", ".join(f"{page} {ratio:.0%}" for page, ratio in UNCACHED_MIN_RATE_RATIO.items())
        + f" of the reference's rate), otherwise for comparison; `{RENDERED}` renders every part of every "
        "page (`PAGE_FRAGMENT_SECONDS=0` too), for comparison.",
        "",
        "## Demo board against the large board",
        "",
        "| page | demo ratio | large ratio | time change | within 30 % |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for comparison in summary["boards"]:
        verdict = _yes_no(comparison["target_met"]) if comparison["compared"] else "not compared"
        lines.append(
            f"| {comparison['page']} | {_fmt(comparison['demo_rate_ratio'], '.0%')} | "
            f"{_fmt(comparison['large_rate_ratio'], '.0%')} | {_fmt(comparison['time_change'], '+.0%')} | "
            f"{verdict} |"
        )
    write_load = summary.get("write_load")
    if write_load:
        lines += [
            "",
            f"## Under write load: {write_load['commits_per_s']:g} commits a second to training (large board)",
            "",
            "Each page is loaded in turn quiet and while a writer commits to training (a place booked or cancelled "
            "each time, so every commit changes the places the pages show), in runs alternating quiet, loaded, "
            "loaded, quiet, twice over, so that other load on the machine weighs on both sides alike; the rates are "
            "all the requests of one side over all its time. The commit rate shown is the lowest of the loaded runs. "
            "Pages are judged by what they show: newsletters and procedures pages (no places) must keep "
            f"{WRITE_LOAD_MIN_KEPT['newsletters']:.0%}; pages that show places (training's, and the issue and home "
            f"pages, which list sessions with places) {WRITE_LOAD_MIN_KEPT['places']:.0%}.",
            "",
            "| page | shows | commits/s | quiet requests/s | loaded requests/s | loaded p99 (worst run) | kept "
            "| target | met |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in write_load["rows"]:
            quiet = row["quiet_requests_per_s"]
            lines.append(
                f"| {row['page']} | {row['group']} | {_fmt(row['commits_per_s'], '.1f')} | "
                f"{_fmt(quiet, '.0f')} | {_fmt(row['loaded_requests_per_s'], '.0f')} | "
                f"{_fmt(row['loaded_p99_ms'], '.1f', ' ms')} | {_fmt(row['kept'], '.0%')} | {row['target']:.0%} | "
                f"{_yes_no(row['target_met']) if row['kept'] is not None else 'not measured: ' + row['error']} |"
            )
    search = summary["search"]
    lines += [
        "",
        "## Search, one request at a time (large board)",
        "",
        f"{search['requests']} requests, each asking a query that no earlier request asked "
        f"({search.get('distinct_queries', 0)} distinct multi-word queries from bench/pages.py's safeguarding "
        "terms, none of them in the warm-up), so a page cache cannot answer them: "
        f"p50 {_fmt(search['p50_ms'], '.1f', ' ms')}, "
        f"p95 {_fmt(search['p95_ms'], '.1f', ' ms')} (target under {search['target_ms']:g} ms): "
        f"{_yes_no(search['target_met'])}.",
    ]
    if summary.get("notes"):
        lines += ["", "## Notes", "", *[f"- {note}" for note in summary["notes"]]]
    return "\n".join(lines) + "\n"


def write(summary: dict, results_dir: Path) -> tuple[Path, Path]:
    """Write latest.json (latest-quick.json for a quick run) and a dated markdown file; return their paths."""
    results_dir.mkdir(parents=True, exist_ok=True)
    # A quick run never replaces the figures of the last full run.
    latest = results_dir / ("latest-quick.json" if summary.get("quick") else "latest.json")
    latest.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    stamp = datetime.fromisoformat(summary["date"]).strftime("%Y-%m-%d-%H%M")
    dated = results_dir / f"{stamp}{'-quick' if summary.get('quick') else ''}.md"
    dated.write_text(markdown(summary), encoding="utf-8")
    return latest, dated
