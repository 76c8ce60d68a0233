"""The real Scrapy engine crawls simulated portals over HTTP: crawled == served, field by field.

Three portals cover the URL styles: rewrite without prefix, ``index.php?``
query style, and rewrite with ``/vi/``, a ``news`` module path and a laws
module renamed ``van-ban``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from congdoan.sim import SimServer, default_portals
from tests.crawling import CrawlRun, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

ARTICLE_FIELDS = ("title", "published_text", "author", "source", "category", "category_path",
                  "summary", "body_text", "images", "tags", "source_id", "canonical_url")
# views/downloads are left out: the default theme shows them only in the sidebar
# block of the latest documents, never on the document's own page.
DOCUMENT_FIELDS = ("code", "title", "intro", "body_text", "issued_text", "effective_text",
                   "expires_text", "signer", "issuer", "category", "field", "source_id",
                   "canonical_url")


@pytest.fixture(scope="module")
def sim_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlRun, dict[str, Any], Path]:
    tmp_path = tmp_path_factory.mktemp("simcrawl")
    portals = default_portals(3, 45, 15, seed=7)
    with SimServer(portals).start() as server:
        registry = tmp_path / "sites.toml"
        registry.write_text(server.registry_toml(), encoding="utf-8")
        output = tmp_path / "items.jsonl"
        db = tmp_path / "congdoan.sqlite3"
        result = run_congdoan(
            "crawl", "--all", "--registry", str(registry), "--output", str(output),
            "--db", str(db), "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", cwd=tmp_path,
        )
        truth = {spec.site_id: server.truth(spec.site_id) for spec in portals}
    items = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return CrawlRun(result.returncode, result.stdout, result.stderr, items), truth, tmp_path


def _by_key(run: CrawlRun, site: str, kind: str) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for item in run.items:
        if item["site"] == site and item["kind"] == kind:
            assert item["source_id"] not in found, f"{site} {kind} {item['source_id']} twice"
            found[item["source_id"]] = item
    return found


def test_crawl_exits_ok_with_every_portal(sim_crawl: tuple[CrawlRun, dict, Path]) -> None:
    run, truth, _ = sim_crawl
    assert run.returncode == 0, run.stderr[-2000:]
    assert {item["site"] for item in run.items} == set(truth)


@pytest.mark.parametrize("site", ["sim1", "sim2", "sim3"])
def test_every_served_article_crawled_once_with_equal_fields(
    sim_crawl: tuple[CrawlRun, dict, Path], site: str
) -> None:
    run, truth, _ = sim_crawl
    crawled = _by_key(run, site, "article")
    served = {a["source_id"]: a for a in truth[site]["articles"]}
    assert set(crawled) == set(served)
    for source_id, expected in served.items():
        item = crawled[source_id]
        for field in ARTICLE_FIELDS:
            assert item[field] == expected[field], (site, source_id, field)
        assert [{"url": a["url"], "name": a["name"]} for a in item["attachments"]] == \
            expected["attachments"]
        assert datetime.fromisoformat(item["published_at"]) == \
            datetime.fromisoformat(expected["published_at"])


@pytest.mark.parametrize("site", ["sim1", "sim2", "sim3"])
def test_every_served_document_crawled_once_with_equal_fields(
    sim_crawl: tuple[CrawlRun, dict, Path], site: str
) -> None:
    run, truth, _ = sim_crawl
    crawled = _by_key(run, site, "document")
    served = {d["source_id"]: d for d in truth[site]["documents"]}
    assert set(crawled) == set(served)
    for source_id, expected in served.items():
        item = crawled[source_id]
        for field in DOCUMENT_FIELDS:
            assert item[field] == expected[field], (site, source_id, field)
        for field in ("issued_on", "effective_on", "expires_on"):
            assert item[field] == expected[field], (site, source_id, field)
        assert [a["name"] for a in item["attachments"]] == \
            [a["name"] for a in expected["attachments"]]


def test_attachments_downloaded_once_per_content_with_text(
    sim_crawl: tuple[CrawlRun, dict, Path],
) -> None:
    run, _, tmp_path = sim_crawl
    attachments = [a for item in run.items for a in item["attachments"]]
    assert attachments, "the simulated portals attach files"
    for attachment in attachments:
        assert "error" not in attachment, attachment
        stored = tmp_path / "data" / "files" / attachment["stored_path"]
        assert stored.is_file() and stored.stat().st_size == attachment["size"]
        assert attachment["media_type"] in (
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        assert attachment["text"], attachment["url"]
    stored_files = list((tmp_path / "data" / "files").glob("??/*"))
    assert len(stored_files) == len({a["sha256"] for a in attachments})


def test_database_holds_what_was_crawled(sim_crawl: tuple[CrawlRun, dict, Path]) -> None:
    _, truth, tmp_path = sim_crawl
    with sqlite3.connect(tmp_path / "congdoan.sqlite3") as db:
        articles = dict(db.execute("select site, count(*) from articles group by site"))
        runs = db.execute("select site, status, new from crawl_runs order by site").fetchall()
    assert articles == {site: len(t["articles"]) for site, t in truth.items()}
    assert [(site, status) for site, status, _ in runs] == [(s, "ok") for s in sorted(truth)]
