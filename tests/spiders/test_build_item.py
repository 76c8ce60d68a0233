"""Every family's items come from one step, ``SiteSpider.build_item``; run in-process.

The spiders are built with Scrapy's ``get_crawler`` and the project's settings
(``tests.inprocess``) and fed saved responses (the WordPress captures, the
generic reader's fixtures): no crawl, no child process.
The page is parsed in the parsing threads (``off_reactor``) as in a crawl.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, Request, TextResponse

from congdoan.extensions.ledger import RunLedger
from congdoan.runtime import incremental
from congdoan.spiders.generic import GenericSpider
from congdoan.spiders.nukeviet import NukeVietSpider
from congdoan.spiders.site import SiteSpider
from congdoan.spiders.wordpress import WordPressSpider
from tests.inprocess import project_crawler
from tests.wordpress_replay import CAPTURES, load_capture

GENERIC = Path(__file__).parents[1] / "fixtures" / "generic"
WP_BASE = "http://127.0.0.1:8089"
PROVENANCE = ("kind", "site", "url", "fetched_at", "http_status", "body_sha256", "raw_body",
              "discovered_via", "listed_text")


def _registry(tmp_path: Path) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(
        '[[site]]\nid = "wplab"\nprovince = "Tỉnh Lab"\nname = "LĐLĐ tỉnh Lab"\n'
        f'base_url = "{WP_BASE}"\ncms = "wordpress"\nurl_style = "rewrite"\n\n'
        '[[site]]\nid = "danang"\nprovince = "Đà Nẵng"\nname = "LĐLĐ Đà Nẵng"\n'
        'base_url = "https://ldld.danang.gov.vn"\ncms = "generic"\n'
        '[site.generic]\narticle_pattern = "/bai-viet/"\n\n'
        '[[site]]\nid = "nv"\nprovince = "Tỉnh NV"\nname = "LĐLĐ NV"\n'
        'base_url = "http://127.0.0.1:8088"\ncms = "nukeviet"\n', encoding="utf-8")
    return path


def _spider(cls: type[SiteSpider], site: str, tmp_path: Path) -> SiteSpider:
    """The spider, with the run ledger that records its failed pages (no database)."""
    crawler = project_crawler(cls, CONGDOAN_STORE=False)
    spider = cls.from_crawler(crawler, site=site, registry=str(_registry(tmp_path)))
    crawler.spider = spider
    spider.ledger = RunLedger.from_crawler(crawler)  # type: ignore[attr-defined]
    return spider


def _failures(spider: SiteSpider) -> list[dict[str, str]]:
    return list(spider.ledger.failures.values())  # type: ignore[attr-defined]


def _run(coro: Any) -> list[Any]:
    """A spider callback run on an asyncio loop (its parsing goes to the parsing threads)."""
    return asyncio.run(coro)


def _items(results: list[Any]) -> list[scrapy.Item]:
    return [r for r in results if isinstance(r, scrapy.Item)]


def test_a_wordpress_post_page_becomes_an_item_with_its_provenance(tmp_path: Path) -> None:
    saved = load_capture(CAPTURES / "twentytwentyone-pretty").response(
        "/2026/09/dai-hoi-cong-doan-tinh-lab-lan-thu-xviii/")
    spider = _spider(WordPressSpider, "wplab", tmp_path)
    request = Request(saved.url, meta={"discovered_via": "sitemap", "listed_text": "2026-09-02"})
    response = HtmlResponse(saved.url, body=saved.body, request=request, status=200)
    [item] = _items(_run(spider.parse_post(response)))
    assert {key: item[key] for key in ("kind", "site", "url", "discovered_via", "listed_text")} \
        == {"kind": "article", "site": "wplab", "url": saved.url, "discovered_via": "sitemap",
            "listed_text": "2026-09-02"}
    assert item["body_sha256"] == hashlib.sha256(saved.body).hexdigest()
    assert item["raw_body"] == saved.body and item["http_status"] == 200
    assert item["title"] and "Đại hội" in item["title"]
    assert _failures(spider) == []


def test_a_wordpress_rest_page_gives_one_item_per_post_named_by_its_own_url(tmp_path: Path
                                                                            ) -> None:
    capture = load_capture(CAPTURES / "twentytwentyone-pretty")
    saved = capture.response("/wp-json/wp/v2/posts?_embed=1&order=desc&orderby=modified&page=1"
                             "&per_page=100&status=publish")
    spider = _spider(WordPressSpider, "wplab", tmp_path)
    request = Request(saved.url, meta={"page": 1})
    response = TextResponse(saved.url, body=saved.body, request=request, status=200,
                            headers=dict(saved.headers))
    results = _run(spider.parse_rest_page(response))
    items = _items(results)
    posts = json.loads(saved.body)
    assert len(items) == len(posts) > 0
    assert {item["url"] for item in items} == {post["link"] for post in posts}
    # The API page is every item's raw body; its validators are not any post's.
    assert all(item["raw_body"] == saved.body and item["discovered_via"] == "rest"
               for item in items)
    assert all(set(PROVENANCE) <= set(item) for item in items)


def test_an_undeclared_parser_key_fails_the_page_in_every_family(tmp_path: Path) -> None:
    # WordPress used to keep only the keys ArticleItem declares: an undeclared one
    # vanished without a word. Now every family's items pass the contract check.
    saved = load_capture(CAPTURES / "twentytwentyone-pretty").response(
        "/2026/09/dai-hoi-cong-doan-tinh-lab-lan-thu-xviii/")
    for cls, site in ((WordPressSpider, "wplab"), (GenericSpider, "danang"),
                      (NukeVietSpider, "nv")):
        spider = _spider(cls, site, tmp_path)
        response = HtmlResponse(saved.url, body=saved.body, request=Request(saved.url))
        parsed = {"title": "T", "body_text": "B", "canonical_url": saved.url,
                  "reading_minutes": 3}
        assert spider.build_item(response, "article", parsed) is None
        [failure] = _failures(spider)
        assert "undeclared keys: reading_minutes" in failure["reason"], cls
        assert failure["kind"] == "article"


def test_a_generic_article_keeps_its_validators_and_provenance(tmp_path: Path) -> None:
    fixture = json.loads((GENERIC / "danang-bai-viet.json").read_text(encoding="utf-8"))
    body = (GENERIC / "danang-bai-viet.html").read_bytes()
    spider = _spider(GenericSpider, "danang", tmp_path)
    spider.validators = incremental.ValidatorStore(tmp_path / "validators.json")
    url = fixture["url"]
    response = HtmlResponse(url, body=body, request=Request(url, meta={"discovered_via": "rss"}),
                            headers={"ETag": '"v1"'})
    [item] = _items(_run(spider.parse_article(response)))
    assert item["url"] == url and item["site"] == "danang" and item["discovered_via"] == "rss"
    assert item["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert item["title"] == fixture["expected"]["title"]
    assert spider.validators.get(url) == {"etag": '"v1"'}


@pytest.mark.parametrize("status", [404, 410])
def test_a_missing_wordpress_post_is_a_failed_page(tmp_path: Path, status: int) -> None:
    spider = _spider(WordPressSpider, "wplab", tmp_path)
    url = f"{WP_BASE}/2026/09/gone/"
    response = HtmlResponse(url, body=b"<html></html>", status=status, request=Request(url))
    assert _run(spider.parse_post(response)) == []
    assert _failures(spider) == [{"site": "wplab", "url": url, "kind": "article",
                                "reason": f"article not found (HTTP {status})"}]


def test_a_generic_document_table_gives_a_document_per_row_read_off_the_reactor(
        tmp_path: Path) -> None:
    fixture = json.loads((GENERIC / "van-ban-table.json").read_text(encoding="utf-8"))
    body = (GENERIC / "van-ban-table.html").read_bytes()
    spider = _spider(GenericSpider, "danang", tmp_path)
    url = "https://ldld.danang.gov.vn/van-ban"
    request = Request(url, meta={"section": url, "page": 1})
    items = _items(_run(spider.parse_document_page(HtmlResponse(url, body=body,
                                                                 request=request))))
    assert [item["code"] for item in items] == [row["code"] for row in fixture["expected"]]
    # Each row is named by its own page (or the table and a fragment): none by the table's.
    assert len({item["url"] for item in items}) == len(items)
    assert all(item["kind"] == "document" and item["raw_body"] == body
               and item["discovered_via"] == "listing" for item in items)
    assert [item["listed_text"] for item in items] == [
        row["issued_text"] for row in fixture["expected"]]
