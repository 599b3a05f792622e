"""The one-at-a-time search timing: every request a query never asked before, so no cache answers it."""

import pytest

from bench import pages, report, run
from tests.bench.summaries import summary


def test_the_queries_are_distinct_multi_word_and_the_same_every_run():
    queries = pages.distinct_search_queries(300)

    assert len(queries) == 300
    assert len(set(queries)) == 300
    assert all(len(query.split()) >= 2 for query in queries)
    assert queries == pages.distinct_search_queries(300)
    # The wrk pages' queries are left out: those pages may already be cached.
    assert not {"neglect", "county lines exploitation"} & set(queries)


def test_asking_for_more_queries_than_there_are_is_refused():
    with pytest.raises(ValueError, match="distinct search queries"):
        pages.distinct_search_queries(10_000)


def test_the_timing_asks_each_query_once_with_no_warm_up_of_the_timed_ones(monkeypatch):
    asked = []

    def get(port, path, timeout_s):
        asked.append(path)
        return 200, b"<html></html>"

    monkeypatch.setattr(run, "get", get)

    latency = run.time_searches(type("FakeServer", (), {"port": 1})(), 50)

    assert len(asked) == run.SEARCH_WARM_UPS + 50
    assert len(set(asked)) == len(asked)
    assert len(latency.durations_ms) == 50
    assert len(set(latency.queries)) == 50
    assert latency.as_json()["distinct_queries"] == 50


def test_the_report_says_each_timed_query_was_new():
    search = report.SearchLatency(durations_ms=[12.0, 14.0], queries=["neglect supervision", "FGM school"])
    text = report.markdown(summary(search=search.as_json()))

    assert "2 requests, each asking a query that no earlier request asked (2 distinct" in text
    assert "p95 14.0 ms (target under 50 ms): yes." in text
