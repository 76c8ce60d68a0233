"""The run ledger decides a crawl's status once; the run row, the stats and the summary agree.

In-process (``get_crawler`` with the project's settings), on a real SQLite file:
the ledger hears the crawl's signals and the store's reports, then writes the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from sqlalchemy import create_engine, select

from congdoan.extensions.ledger import STAT_STATUS, RunLedger, RunOutcome
from congdoan.runtime.signals import page_failed, page_read, run_finished
from congdoan.spiders.nukeviet import NukeVietSpider
from congdoan.storage.models import CrawlRun, Failure
from tests.inprocess import project_crawler


def _ledger(tmp_path: Path, **settings: Any) -> tuple[RunLedger, list[RunOutcome]]:
    registry = tmp_path / "sites.toml"
    registry.write_text('[[site]]\nid = "nv"\nprovince = "P"\nname = "LĐLĐ NV"\n'
                        'base_url = "http://127.0.0.1:8088"\ncms = "nukeviet"\n',
                        encoding="utf-8")
    crawler = project_crawler(NukeVietSpider, CONGDOAN_DATA_DIR=str(tmp_path / "data"),
                              **settings)
    crawler.spider = NukeVietSpider.from_crawler(crawler, site="nv", registry=str(registry))
    ledger = RunLedger.from_crawler(crawler)
    outcomes: list[RunOutcome] = []
    crawler.signals.connect(lambda outcome, **_: outcomes.append(outcome),
                            signal=run_finished, weak=False)
    return ledger, outcomes


def _crawl(ledger: RunLedger) -> None:
    """A crawl as the ledger hears it: a listing read, an item, a failed page, a refused item."""
    send = ledger.crawler.signals.send_catch_log
    send(signals.spider_opened, spider=ledger.crawler.spider)
    send(page_read, site="nv", url="http://127.0.0.1:8088/news/", kind="article", items=2)
    send(signals.item_scraped, item={"kind": "article"}, response=None,
         spider=ledger.crawler.spider)
    send(page_failed, site="nv", url="http://127.0.0.1:8088/a-2.html", reason="HTTP 500",
         kind="article", cause="fetch")
    ledger.not_stored("http://127.0.0.1:8088/a-3.html", "CHECK constraint failed")
    send(signals.spider_closed, spider=ledger.crawler.spider, reason="finished")


def test_one_status_reaches_the_stats_the_outcome_and_the_run_row(tmp_path: Path) -> None:
    db = tmp_path / "congdoan.sqlite3"
    ledger, outcomes = _ledger(tmp_path, CONGDOAN_DATABASE_URL=f"sqlite:///{db}")
    _crawl(ledger)
    [outcome] = outcomes
    assert outcome.status == "partial" == ledger.crawler.stats.get_value(STAT_STATUS)
    assert {f["url"]: f["reason"] for f in outcome.failures} == {
        "http://127.0.0.1:8088/a-2.html": "HTTP 500",
        "http://127.0.0.1:8088/a-3.html": "not stored: CHECK constraint failed"}
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        run = conn.execute(select(CrawlRun.id, CrawlRun.status, CrawlRun.failed)).one()
        failed = set(conn.scalars(select(Failure.url)))
    engine.dispose()
    assert (run.id, run.status, run.failed) == (outcome.run_id, "partial", 2)
    assert failed == {f["url"] for f in outcome.failures}


@pytest.mark.parametrize(("reason", "status"), [("finished", "ok"), ("shutdown", "interrupted")])
def test_without_a_database_the_status_is_decided_all_the_same(tmp_path: Path, reason: str,
                                                               status: str) -> None:
    ledger, outcomes = _ledger(tmp_path, CONGDOAN_STORE=False)
    send = ledger.crawler.signals.send_catch_log
    send(signals.spider_opened, spider=ledger.crawler.spider)
    send(signals.item_scraped, item={"kind": "document"}, response=None,
         spider=ledger.crawler.spider)
    send(signals.spider_closed, spider=ledger.crawler.spider, reason=reason)
    assert [(o.status, o.run_id, o.failures) for o in outcomes] == [(status, None, [])]
    assert ledger.crawler.stats.get_value(STAT_STATUS) == status


def _listing_run(tmp_path: Path, db: Path, listed: int, *, resumed: bool,
                 failed: bool = False) -> Any:
    """One finished run whose listings showed ``listed`` articles (one listing page read
    when any), nothing new stored, one page failed if ``failed``; its verdict."""
    from congdoan.extensions.runtime import STAT_RESUMED
    from congdoan.runtime.health import STAT_VERDICT, STATS_PREFIX

    ledger, _ = _ledger(tmp_path, CONGDOAN_DATABASE_URL=f"sqlite:///{db}")
    send = ledger.crawler.signals.send_catch_log
    send(signals.spider_opened, spider=ledger.crawler.spider)
    ledger.crawler.stats.set_value(f"{STATS_PREFIX}/article/listed", listed)
    if resumed:
        ledger.crawler.stats.set_value(STAT_RESUMED, 1)
    if listed:
        ledger.crawler.stats.set_value(f"{STATS_PREFIX}/listing/items", 1)
    if failed:
        send(page_failed, site="nv", url="http://127.0.0.1:8088/news/", reason="connection "
             "refused", kind="listing", cause="fetch")
    send(signals.spider_closed, spider=ledger.crawler.spider, reason="finished")
    return ledger.crawler.stats.get_value(STAT_VERDICT)


def test_a_resumed_crawl_with_nothing_left_is_not_judged_against_full_runs(
        tmp_path: Path) -> None:
    """A crawl stopped after its last listing leaves its resume folder nothing but
    detail pages, or nothing: the crawl that resumes it reads no listing. Judged against
    the site's full runs it was 'degraded: the listings showed none' (the quick soak
    caught it); that is not held against it."""
    db = tmp_path / "congdoan.sqlite3"
    for _ in range(3):
        assert _listing_run(tmp_path, db, 20, resumed=False) == "healthy"
    assert _listing_run(tmp_path, db, 0, resumed=True) == "healthy"
    # A resumed crawl whose pages failed (a portal gone away) is judged ...
    assert _listing_run(tmp_path, db, 0, resumed=True, failed=True) == "degraded"
    # ... as is one that did not resume and read no listing.
    assert _listing_run(tmp_path, db, 0, resumed=False) == "degraded"
