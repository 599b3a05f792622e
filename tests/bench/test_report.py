import json

import pytest

from bench import report
from bench.run import bench_database_url
from bench.wrk import WrkResult
from tests.bench.summaries import summary


def result(rps: float, p50: float, p99: float, *, errors: int = 0) -> WrkResult:
    return WrkResult(
        requests=int(rps * 10),
        duration_s=10.0,
        requests_per_s=rps,
        latency_ms={"50": p50, "75": p50, "90": p99, "99": p99},
        non_2xx_3xx=errors,
    )


def ref(rps: float, p99: float) -> report.Measurement:
    return report.Measurement(page=report.REFERENCE, path="/", result=result(rps, p99 / 2, p99))


def page(name: str, board: str, rps: float, p99: float, **kwargs) -> report.Measurement:
    return report.Measurement(page=name, board=board, path=f"/{name}/", result=result(rps, p99 / 2, p99, **kwargs))


def test_each_page_is_compared_with_the_references_on_either_side():
    rows = report.page_rows(
        [ref(500, 40), page("home", "large", 300, 80), ref(400, 60), page("issue", "large", 100, 250)]
    )

    home, issue = rows
    assert home.reference_rps == 450
    assert home.reference_p99_ms == 50
    assert home.rate_ratio == pytest.approx(300 / 450)
    assert home.p99_ratio == pytest.approx(80 / 50)
    assert home.target_met
    # The last page has only the reference before it.
    assert issue.reference_rps == 400
    assert issue.rate_ratio == pytest.approx(0.25)
    assert not issue.target_met


def test_pages_between_the_same_references_share_them():
    rows = report.page_rows(
        [ref(500, 40), page("home", "large", 250, 100), page("home", "demo", 260, 90), ref(300, 60)]
    )

    assert [row.reference_rps for row in rows] == [400, 400]
    assert [row.reference_p99_ms for row in rows] == [50, 50]


@pytest.mark.parametrize(
    ("rps", "p99", "errors", "met"),
    [
        (200, 150, 0, True),  # exactly 40 % and exactly 3×
        (199, 100, 0, False),  # below 40 % of the reference's rate
        (400, 151, 0, False),  # p99 above 3× the reference's
        (400, 60, 3, False),  # fast, but some answers were errors
    ],
)
def test_target_needs_rate_p99_and_no_errors(rps, p99, errors, met):
    (row,) = report.page_rows([ref(500, 50), page("home", "large", rps, p99, errors=errors), ref(500, 50)])

    assert row.target_met is met


def test_a_page_that_could_not_be_measured_is_never_met():
    unmeasured = report.Measurement(page="session", board="large", path="/s/", error="answered 500")

    (row,) = report.page_rows([ref(500, 50), unmeasured, ref(500, 50)])

    assert row.rate_ratio is None
    assert not row.target_met
    assert report.table_lines([row])[1].endswith("not measured: answered 500")


def test_a_page_measured_on_one_board_is_not_compared():
    unmeasured = report.Measurement(page="issue", board="demo", path="", error="no published content on this board")
    rows = report.page_rows([ref(500, 50), page("issue", "large", 200, 100), unmeasured, ref(500, 50)])

    (comparison,) = report.board_comparisons(rows)

    assert not comparison.compared
    assert comparison.as_json()["compared"] is False


def test_board_comparison_uses_reference_normalised_time():
    rows = report.page_rows(
        [ref(500, 50), page("home", "large", 200, 100), page("home", "demo", 250, 90), ref(500, 50)]
        + [page("issue", "large", 100, 100), page("issue", "demo", 200, 100), ref(500, 50)]
    )

    home, issue = report.board_comparisons(rows)

    # 250 / 200: a request takes 25 % longer on the large board.
    assert home.time_change == pytest.approx(0.25)
    assert home.target_met
    assert issue.time_change == pytest.approx(1.0)
    assert not issue.target_met


def test_board_comparison_skips_pages_measured_on_one_board_only():
    rows = report.page_rows([ref(500, 50), page("session", "large", 200, 100), ref(500, 50)])

    assert report.board_comparisons(rows) == []


def test_percentile_is_nearest_rank():
    values = [float(value) for value in range(1, 101)]

    assert report.percentile(values, 95) == 95
    assert report.percentile(values, 50) == 50
    assert report.percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        report.percentile([], 95)


def test_search_latency_target_is_p95_under_50_ms():
    fast = report.SearchLatency(durations_ms=[10.0] * 95 + [80.0] * 5)
    slow = report.SearchLatency(durations_ms=[10.0] * 94 + [80.0] * 6)
    failed = report.SearchLatency(durations_ms=[10.0] * 100, failures=1)

    assert fast.p95_ms == 10.0
    assert fast.target_met
    assert slow.p95_ms == 80.0
    assert not slow.target_met
    assert not failed.target_met


def test_the_board_without_the_page_cache_is_shown_for_comparison_and_kept_out_of_the_comparisons():
    rows = report.page_rows(
        [ref(500, 50), page("home", "large", 900, 20), page("home", report.UNCACHED, 50, 400), ref(500, 50)]
    )

    uncached_line = next(line for line in report.table_lines(rows) if report.UNCACHED in line)

    assert uncached_line.endswith("(comparison: NO)")
    rendered = report.page_rows([ref(500, 50), page("issue", report.RENDERED, 50, 400), ref(500, 50)])
    assert report.table_lines(rendered)[1].endswith("(comparison: NO)")
    assert rendered[0].uncached_target is None  # the uncached targets are judged with the fragments kept
    assert [row.page for row in rows if row.board == report.UNCACHED] == ["home"]
    assert report.board_comparisons(rows) == []


@pytest.mark.parametrize(
    ("name", "rps", "verdict"), [("issue", 125, "yes"), ("issue", 124, "NO"), ("search", 100, "yes")]
)
def test_the_issue_programme_and_search_pages_have_targets_when_rendered_for_every_request(name, rps, verdict):
    rows = report.page_rows([ref(500, 50), page(name, report.UNCACHED, rps, 300), ref(500, 50)])

    (line,) = [line for line in report.table_lines(rows) if report.UNCACHED in line]

    target = report.UNCACHED_MIN_RATE_RATIO[name]
    assert line.endswith(f"{verdict} (uncached target {target:.0%})")
    assert rows[0].as_json()["uncached_target_met"] is (verdict == "yes")


def test_under_write_load_each_page_keeps_its_share_of_the_mean_quiet_rate():
    article = report.WriteLoadRow(
        page="article", group="newsletters", path="/a/", quiet=[result(1000, 5, 10), result(900, 5, 10)]
    )
    article.loaded, article.commits = [result(950, 5, 12), result(855, 5, 11)], [10.0, 9.9]
    session = report.WriteLoadRow(page="session", group="places", path="/s/", quiet=[result(1000, 5, 10)])
    session.loaded, session.commits = [result(790, 6, 20)], [10.0]

    # All the requests of a side over all its time: 1805 / 1900.
    assert article.kept == pytest.approx(0.95)
    assert article.commits_per_s == 9.9
    assert article.target_met
    assert session.kept == pytest.approx(0.79)
    assert not session.target_met
    session.loaded = [result(800, 6, 20)]
    assert session.target_met
    # A writer that fell behind in any run would flatter the pages: such a measurement does not count.
    session.commits = [10.0, 9.4]
    assert not session.target_met
    lines = report.write_load_lines([article, session])
    assert lines[0] == (
        "article (newsletters) at 9.9 commits/s: 902 req/s against 950 quiet, 95% kept (target 95%: yes)"
    )
    assert article.as_json()["runs"] == {"quiet": [1000, 900], "loaded": [950, 855]}


def test_the_results_file_shows_the_write_load(tmp_path):
    row = report.WriteLoadRow(page="chapter", group="procedures", path="/p/", quiet=[result(800, 5, 10)] * 2)
    row.loaded, row.commits = [result(780, 5, 14)], [10.0]
    run = summary(
        search=report.SearchLatency(durations_ms=[12.0]).as_json(),
        write_load={"commits_per_s": 10.0, "rows": [row.as_json()]},
    )

    _latest, dated = report.write(run, tmp_path)

    text = dated.read_text()
    assert "## Under write load: 10 commits a second to training (large board)" in text
    assert "| chapter | procedures | 10.0 | 800 | 780 | 14.0 ms | 98% | 95% | yes |" in text


def test_table_and_files_show_every_figure(tmp_path):
    home = page("home", "large", 300, 90)
    home.bytes = 9216
    rows = report.page_rows([ref(500, 50), home, page("home", "demo", 310, 80), ref(500, 50)])
    run = summary(
        quick=True,
        pages=[row.as_json() for row in rows],
        boards=[c.as_json() for c in report.board_comparisons(rows)],
        search=report.SearchLatency(durations_ms=[12.0, 14.0]).as_json(),
        notes=["chapter (large board) not measured: answered 500"],
    )

    lines = report.table_lines(rows)
    latest, dated = report.write(run, tmp_path)

    assert lines[0].split() == [
        "page",
        "board",
        "size",
        "req/s",
        "p50",
        "p99",
        "ratio",
        "p99",
        "ratio",
        "target",
        "met",
    ]
    assert "60%" in lines[1]
    assert "1.80×" in lines[1]
    assert json.loads(latest.read_text())["pages"][0]["rate_ratio"] == 0.6
    assert latest.name == "latest-quick.json"
    assert dated.name == "2026-11-23-1405-quick.md"
    text = dated.read_text()
    assert "| home | large | 9.0 KB | 300 | 45.0 ms | 90.0 ms | 60% | 1.80× | yes |" in text
    assert "**Quick run**" in text
    assert "- chapter (large board) not measured: answered 500" in text


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/lscb_portal",
            "postgres://postgres@127.0.0.1:5432/lscb_portal_bench_large",
        ),
        ("postgres://postgres@127.0.0.1:5432/lscb_bench", "postgres://postgres@127.0.0.1:5432/lscb_bench_large"),
        (
            "postgresql://postgres:@/lscb_portal?host=/srv/var/pgdata",
            "postgresql://postgres:@/lscb_portal_bench_large?host=/srv/var/pgdata",
        ),
    ],
)
def test_bench_databases_sit_beside_the_portals_own(base, expected):
    assert bench_database_url(base, "large") == expected
