"""Listings, pagination, RSS and sitemaps cover every item, newest first."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from lxml import etree
from lxml import html as lxml_html

from congdoan.sim.pages.feeds import RSS_LIMIT, rss_date
from congdoan.sim.urls import UrlScheme
from tests.sim.conftest import fetch

SITES = ["sim1", "sim2", "sim3"]
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _walk(start: str, item_xpath: str, limit: int = 50) -> tuple[list[str], list[str]]:
    """Follow rel=next from ``start``; return (item hrefs, page URLs visited)."""
    hrefs, pages, url = [], [], start
    while url and len(pages) < limit:
        page = fetch(url)
        assert page.status == 200, url
        tree = lxml_html.fromstring(page.body)
        tree.make_links_absolute(url)
        pages.append(url)
        hrefs += tree.xpath(item_xpath)
        nxt = tree.xpath("//ul[@class='pagination']//a[@rel='next' and text()='»']/@href")
        url = nxt[0] if nxt else None
    return hrefs, pages


@pytest.mark.parametrize("site", SITES)
def test_category_pagination_lists_each_article_once_newest_first(sim, site):
    truth = sim.truth(site)
    category = truth["categories"][0]
    expected = sorted(
        (a for a in truth["articles"] if a["category"] == category["title"]),
        key=lambda a: (a["published_at"], a["source_id"]), reverse=True,
    )
    hrefs, pages = _walk(category["url"],
                         "//div[@class='news_column']//div[contains(@class,'panel-body')]"
                         "/*[self::h2 or self::h3]/a/@href")
    assert hrefs == [a["url"] for a in expected]
    assert len(pages) == -(-len(expected) // 10)
    last = lxml_html.fromstring(fetch(pages[-1]).body)
    assert not last.xpath("//link[@rel='next']")
    assert last.xpath("//ul[@class='pagination']/li[@class='active']/a/text()") == [
        str(len(pages))]


def test_first_category_page_has_the_older_items_list_with_dates(sim):
    truth = sim.truth("sim1")
    category = truth["categories"][0]
    articles = sorted((a for a in truth["articles"] if a["category"] == category["title"]),
                      key=lambda a: (a["published_at"], a["source_id"]), reverse=True)
    assert len(articles) > 10
    tree = lxml_html.fromstring(fetch(category["url"]).body)
    older = tree.xpath("//ul[@class='related list-items']/li/a")
    assert [a.get("href") for a in older] == [
        a["url"].removeprefix(sim.base_url("sim1")) for a in articles[10:20]]
    dates = [a.xpath("string(em)").strip() for a in older]
    assert all(re.fullmatch(r"\(\d\d/\d\d/\d{4}\)", d) for d in dates)


@pytest.mark.parametrize("site", SITES)
def test_laws_pagination_lists_every_document(sim, site):
    truth = sim.truth(site)
    start = UrlScheme(sim.portal(site).spec, sim.base_url(site))
    hrefs, _ = _walk(start.absolute(start.laws_list()), "//div[@class='c-code']/a/@href")
    expected = sorted(truth["documents"], key=lambda d: (d["issued_on"], d["source_id"]),
                      reverse=True)
    assert hrefs == [d["url"] for d in expected]


@pytest.mark.parametrize("site", SITES)
def test_sitemaps_list_every_article_and_document(sim, site):
    truth = sim.truth(site)
    urls = sim.portal(site).urls
    index = etree.fromstring(fetch(urls.absolute(urls.sitemap_index())).body)
    maps = index.xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert len(maps) == 2
    listed = []
    for sitemap in maps:
        tree = etree.fromstring(fetch(sitemap).body)
        listed += tree.xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    expected = [a["url"] for a in truth["articles"]] + [d["url"] for d in truth["documents"]]
    assert sorted(listed) == sorted(expected)


@pytest.mark.parametrize("site", SITES)
def test_news_rss_lists_the_newest_items(sim, site):
    truth = sim.truth(site)
    urls = sim.portal(site).urls
    feed = etree.fromstring(fetch(urls.absolute(urls.news_rss())).body)
    links = feed.xpath("//item/link/text()")
    newest = sorted(truth["articles"], key=lambda a: (a["published_at"], a["source_id"]),
                    reverse=True)[:RSS_LIMIT]
    assert links == [a["url"] for a in newest]
    dates = feed.xpath("//item/pubDate/text()")
    assert dates[0] == rss_date(datetime.fromisoformat(newest[0]["published_at"]))


@pytest.mark.parametrize("site", SITES)
def test_category_rss_and_laws_rss(sim, site):
    truth = sim.truth(site)
    urls = sim.portal(site).urls
    category = truth["categories"][1]
    feed = etree.fromstring(fetch(urls.absolute(urls.news_rss(category["alias"]))).body)
    expected = {a["url"] for a in truth["articles"] if a["category"] == category["title"]}
    assert set(feed.xpath("//item/link/text()")) == expected
    laws = etree.fromstring(fetch(urls.absolute(urls.laws_rss())).body)
    assert set(laws.xpath("//item/link/text()")) == {d["url"] for d in truth["documents"]}


def test_rss_date_reproduces_the_month_for_minutes_quirk():
    # Real feed: published 2026-08-21 10:35 +07:00 is shown as 03:08:00 GMT.
    moment = datetime.fromisoformat("2026-08-21T10:35:00+07:00")
    assert rss_date(moment) == "Fri, 21 Aug 2026 03:08:00 GMT"
    assert rss_date(datetime.fromisoformat("2026-03-09T19:45:00+07:00")) == (
        "Mon, 9 Mar 2026 12:03:00 GMT")
