"""A crawl of a site that serves only real saved NukeViet pages finds exactly what it holds.

Every other URL answers 301 to the home page, as NukeViet does, so the spider
must read sitemaps and RSS (some items are linked from nowhere else) and must
treat a redirect home as "not found", never as an article.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.crawling import CrawlRun, crawl
from tests.replay_server import serve_saved_site

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

SAVED_SITE = Path(__file__).parent / "fixtures" / "nukeviet-real"
TRUTH = json.loads((SAVED_SITE / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def replay_crawl(tmp_path_factory: pytest.TempPathFactory) -> CrawlRun:
    tmp_path = tmp_path_factory.mktemp("replay")
    with serve_saved_site(SAVED_SITE) as (base_url, _site):
        registry = tmp_path / "sites.toml"
        categories = [c["alias"] for c in TRUTH["news_categories"]]
        registry.write_text(
            "[[site]]\nid = \"lab\"\nprovince = \"Tỉnh Lab\"\nname = \"LĐLĐ tỉnh Lab\"\n"
            f"base_url = \"{base_url}\"\ncms = \"nukeviet\"\nurl_style = \"rewrite\"\n"
            f"news_sections = {json.dumps(categories)}\nlaws_module = \"laws\"\n",
            encoding="utf-8",
        )
        return crawl("lab", registry, tmp_path, "--db", str(tmp_path / "lab.sqlite3"))


def test_yields_exactly_the_saved_articles_and_documents(replay_crawl: CrawlRun) -> None:
    articles = sorted(item["source_id"] for item in replay_crawl.of_kind("article"))
    documents = sorted(item["source_id"] for item in replay_crawl.of_kind("document"))
    assert articles == sorted(a["id"] for a in TRUTH["articles"])
    assert documents == sorted(d["id"] for d in TRUTH["documents"])


def test_items_reachable_only_through_sitemaps_are_found(replay_crawl: CrawlRun) -> None:
    via = {item["source_id"]: item["discovered_via"] for item in replay_crawl.of_kind("article")}
    # 18 and 23 sit in categories whose listing pages were not saved
    assert via[18] in ("sitemap", "rss") and via[23] in ("sitemap", "rss")


def test_fields_equal_the_database_values(replay_crawl: CrawlRun) -> None:
    by_id = {item["source_id"]: item for item in replay_crawl.of_kind("article")}
    for truth in TRUTH["articles"]:
        item = by_id[truth["id"]]
        assert item["title"] == truth["title"]
        assert item["author"] == truth["author"]
        assert item["category"] == truth["category"]
        published = datetime.fromisoformat(item["published_at"])
        assert published == datetime.fromisoformat(truth["publish_datetime"])
        assert item["published_precision"] == "minute"
    docs = {item["source_id"]: item for item in replay_crawl.of_kind("document")}
    for truth in TRUTH["documents"]:
        item = docs[truth["id"]]
        assert " ".join(item["code"].split()) == " ".join(truth["code"].split())
        assert item["issued_on"] == truth["issue_date"]
        assert item["signer"] == truth["signer"]
        assert [a["name"] for a in item["attachments"]] == truth["attachments"]


def test_soft_404s_are_reported_not_parsed(replay_crawl: CrawlRun) -> None:
    # The sitemaps list many pages that were not saved: each answered 301 home.
    assert replay_crawl.returncode == 3  # partial: items stored, some pages failed
    assert "soft 404" in replay_crawl.stderr
    titles = [item["title"] for item in replay_crawl.items]
    assert len(titles) == len(TRUTH["articles"]) + len(TRUTH["documents"])
