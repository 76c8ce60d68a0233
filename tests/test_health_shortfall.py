"""Spider health flags a run that stored fewer of the listed items than it accounts for.

Every item a listing names must end up stored, reported failed (the failure
ledger), unchanged (304), stored before, or passed over on purpose (``--since``);
what is left was lost silently. Before, ``congdoan health`` showed "docs 16/26"
with the verdict "healthy".

The bookkeeping is tested in-process on Scrapy's own crawler and signals; then
real crawls of NukeViet, WordPress (REST API open and closed) and generic
portals, where a pipeline loses every third item without a word, are flagged,
while the same crawls without it (failures included) stay healthy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from congdoan.extensions.health import FieldFillRates
from congdoan.runtime.health import KindHealth, RunHealth, Thresholds, judge
from congdoan.runtime.incremental import ListingEntry
from congdoan.runtime.signals import page_failed, page_read
from congdoan.settings import ITEM_PIPELINES
from congdoan.sim import PortalSpec, SimServer, WordPressSpec
from congdoan.sim.generic import GenericPortal, GenericSimServer
from tests.crawling import FAST, run_congdoan

REPO = Path(__file__).resolve().parent.parent


def test_the_judge_flags_items_lost_silently_even_on_a_first_run() -> None:
    run = RunHealth({"document": KindHealth(items=16, listed=26, missing=10)})
    verdict = judge(run, [])
    assert verdict.verdict == "degraded"
    assert verdict.reasons == (
        "document: 10 of 26 listed items neither stored nor reported failed (16 stored)",)
    assert judge(run, [], Thresholds(min_missing=11)).verdict == "healthy"
    assert RunHealth.from_json(run.to_json()) == run


def _entry(kind: str, n: int, cms_id: int | None = None) -> ListingEntry:
    return ListingEntry(kind, f"http://127.0.0.1/{kind}/{n}", cms_id, None)


def test_every_listed_item_is_accounted_for_once() -> None:
    crawler = get_crawler(Spider, {"CONGDOAN_HEALTH": True})
    extension = FieldFillRates.from_crawler(crawler)
    crawler.stats.open_spider(None)
    send = crawler.signals.send_catch_log
    docs = [_entry("document", n, cms_id=n) for n in range(1, 8)]
    # Page 1 read twice (a walk re-reads it at the end): its items count once.
    send(page_read, site="s", url="http://127.0.0.1/laws", kind="document", entries=docs[:4])
    send(page_read, site="s", url="http://127.0.0.1/laws", kind="document", entries=docs[:4])
    send(page_read, site="s", url="http://127.0.0.1/laws/2", kind="document", entries=docs[4:],
         passed=[docs[6]])  # older than --since
    # Stored under another slug (matched by the CMS id), failed, and unchanged (304).
    extension.item_scraped({"kind": "document", "source_id": 1, "url": "http://127.0.0.1/x"})
    send(page_failed, site="s", url=docs[1].url, reason="HTTP 404", kind="document",
         cause="fetch")
    extension.page_not_modified(url=docs[2].url, kind="document")
    stats = crawler.stats.get_stats()
    assert stats["congdoan/health/document/listed"] == 7
    # docs 4, 5 and 6 (index 3..5): neither stored, failed, unchanged nor passed over.
    assert stats["congdoan/health/document/missing"] == 3
    health = RunHealth.from_stats(stats).kind("document")
    assert (health.items, health.listed, health.missing) == (1, 7, 3)


# --- real crawls ---------------------------------------------------------------------------


def _crawl(registry: Path, db: str, cwd: Path, lose: str | None) -> tuple[int, dict]:
    extra: list[str] = []
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
                                                        os.environ.get("PYTHONPATH")]))}
    if lose:
        pipelines = {**ITEM_PIPELINES, "tests.health_losses.LoseEveryThird": 150}
        extra = ["-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", "-s", f"TEST_LOSE_KIND={lose}"]
    result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db", db, *FAST,
                          *extra, cwd=cwd, env=env)
    shown = run_congdoan("health", "--db", db, "--json", cwd=cwd)
    return result.returncode, json.loads(shown.stdout)


def _latest(report: object) -> dict:
    sites = report if isinstance(report, list) else report["sites"]  # type: ignore[index]
    [site] = sites
    return site["runs"][0]


def _serve(family: str, workdir: Path) -> tuple[SimServer | GenericSimServer, Path]:
    server: SimServer | GenericSimServer
    if family == "generic":
        server = GenericSimServer(GenericPortal.build(articles=12, documents=9)).start()
    else:
        spec = {"nukeviet": PortalSpec("nv1", seed=3, articles=9, documents=12),
                "wordpress-rest": WordPressSpec("wp1", seed=3, posts=12, rest_open=True),
                "wordpress-html": WordPressSpec("wp2", seed=3, posts=12, rest_open=False,
                                                per_page=5)}[family]
        server = SimServer([spec]).start()
    registry = workdir / "sites.toml"
    registry.write_text(server.registry_toml(), encoding="utf-8")
    return server, registry


LOST_KIND = {"nukeviet": "document", "wordpress-rest": "article", "wordpress-html": "article",
             "generic": "document"}


@pytest.mark.crawl
@pytest.mark.parametrize("family", sorted(LOST_KIND))
def test_items_lost_silently_make_the_run_degraded(family: str, tmp_path: Path) -> None:
    kind = LOST_KIND[family]
    server, registry = _serve(family, tmp_path)
    try:
        code, report = _crawl(registry, f"sqlite:///{tmp_path / 'clean.sqlite3'}", tmp_path,
                              None)
        clean = _latest(report)
        assert code == 0 and clean["verdict"] == "healthy", clean
        listed = clean["kinds"][kind]["listed"]
        assert listed == clean["kinds"][kind]["items"] > 0  # each item listed counts once
        assert clean["kinds"][kind]["missing"] == 0

        code, report = _crawl(registry, f"sqlite:///{tmp_path / 'lossy.sqlite3'}", tmp_path,
                              kind)
        lossy = _latest(report)
        lost = listed // 3
        assert code == 5, report
        assert lossy["verdict"] == "degraded"
        assert (lossy["kinds"][kind]["items"], lossy["kinds"][kind]["missing"]) == (
            listed - lost, lost)
        assert (f"{kind}: {lost} of {listed} listed items neither stored nor reported failed"
                in " ".join(lossy["reasons"]))
    finally:
        server.stop()
