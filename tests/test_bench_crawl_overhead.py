"""``bench.crawl_overhead``: both sides crawl the same pages and report what a page costs."""

from __future__ import annotations

import pytest

from bench import crawl_overhead

pytestmark = pytest.mark.crawl


def test_both_sides_fetch_the_same_pages_and_report_cpu_a_page() -> None:
    result = crawl_overhead.run(sites=1, articles=6, documents=2, repeats=1)
    assert result["pages"] > 10
    assert result["pipeline_pages_per_s"] > 0 and result["bare_pages_per_s"] > 0
    # CPU of every thread over the span: the full crawl parses, normalises and stores
    # each page that the bare spider only downloads.
    assert 0 < result["bare_cpu_ms_per_page"] < result["pipeline_cpu_ms_per_page"]
    assert result["ratio"] == pytest.approx(
        result["pipeline_pages_per_s"] / result["bare_pages_per_s"])
