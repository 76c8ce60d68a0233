"""The ``generic`` spider: portals whose CMS we have no spider for, driven by ``[site.generic]``.

Navigation only. Items are found through the portal's sitemaps (robots.txt
``Sitemap:`` lines, sitemap indexes, news sitemaps), its RSS/Atom feeds (the
registry's, else the home page's ``<link rel="alternate">``), listing pages
whose article links match the registry's ``article_pattern`` (walked with a
next-page selector), and pages with tables of legal documents. Articles are
read by the generic reader (``congdoan.parsers.generic``) with the site's
``[site.selectors]``; each table row is a document record.

Incremental, with the crawl runtime's rules (``congdoan.runtime.incremental``): stored
URLs are not fetched again; a listing walk stops after a page of stored items;
a sitemap or feed entry dated after the stored item was last seen is fetched
again (it changed); child sitemaps not modified since the last crawl are not
read, except on a reconciling crawl, which reads them all and fetches every
listed item storage lacks.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from lxml.cssselect import CSSSelector
from scrapy.http import Response

from congdoan.items.contract import parser_keys
from congdoan.parsers.errors import NotAnArticle, ParseError
from congdoan.parsers.feeds import parse_dated_sitemap, parse_rss
from congdoan.parsers.generic import (
    document_row_url,
    parse_document_table,
    parse_generic_article,
)
from congdoan.parsers.markup import parse_html
from congdoan.parsers.nukeviet_urls import same_site_url
from congdoan.parsers.site_urls import sitemap_lists_posts
from congdoan.runtime import incremental
from congdoan.spiders.site import (
    DETAIL_PRIORITY,
    FEED_PRIORITY,
    HANDLED_STATUSES,
    MAX_OWN_REDIRECTS,
    MISSING_CODES,
    NOT_MODIFIED,
    REDIRECT_CODES,
    SiteSpider,
    off_reactor,
    parse_and_hash,
)

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_REL_NEXT = CSSSelector("a[rel~=next], link[rel~=next]", translator="html")


class GenericSpider(SiteSpider):
    """Crawl one portal of unknown CMS: ``scrapy crawl generic -a site=danang``."""

    name = "generic"
    cms = "generic"

    def __init__(self, site: str | None = None, registry: str | None = None, **kwargs: Any):
        super().__init__(site, registry, **kwargs)
        self.nav = self.site.generic
        self.base = self.site.base_url
        self._pattern = re.compile(self.nav.article_pattern) if self.nav.article_pattern else None
        self._next = CSSSelector(self.nav.next_page, translator="html") if (
            self.nav.next_page) else _REL_NEXT
        self._requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> GenericSpider:
        """Build the spider (``SiteSpider``), with the crawl's listing-page cap."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = crawler.settings.getint("CONGDOAN_MAX_LISTING_PAGES")
        return spider

    # -- URLs -------------------------------------------------------------------
    def url(self, href: str, base: str | None = None) -> str:
        """An absolute URL of this portal, without fragment; a link to the portal's host
        under another scheme or port (how the CMS was installed) is moved onto it."""
        url = urldefrag(urljoin(base or self.base + "/", href.strip()))[0]
        return same_site_url(url, self.base)

    def same_site(self, url: str) -> bool:
        """A URL on the portal's own host (feeds and sitemaps may list others)."""
        return (urlsplit(url).hostname or "").lower() == self.site.host.lower()

    def is_article(self, url: str) -> bool:
        """A link to an article page: on this host and matching ``article_pattern``."""
        if self._pattern is None or not self.same_site(url):
            return False
        parts = urlsplit(url)
        return bool(self._pattern.search(parts.path + (f"?{parts.query}" if parts.query else "")))

    @property
    def _read_everything(self) -> bool:
        return self.policy.full or self.policy.reconcile or self.known is None

    def _last_crawl(self) -> datetime | None:
        """When storage last saw any item of this site: sitemaps older than that are unchanged."""
        newest = self.known.newest_seen if self.known is not None else None
        return _aware(newest) if newest is not None else None

    # -- start ------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Listings and document pages, then feeds and sitemaps, then due and failed pages."""
        for request in self.start_requests_for_site():
            yield request
        if self.known is not None:
            for item in self.known.due():
                if item.kind == "article":
                    request = self.detail_request(item.url, "refresh", force=True)
                    if request is not None:
                        yield request
            for url in self.known.retry:
                # Listings, feeds and sitemaps are read anyway; articles are retried.
                if self.is_article(url) or (self._pattern is None and self.same_site(url)):
                    request = self.detail_request(url, "retry", force=True)
                    if request is not None:
                        yield request

    def start_requests_for_site(self) -> Iterable[scrapy.Request]:
        """Every entry point of the portal, from the registry entry."""
        home = self.base + "/"
        listings = [self.url(u) for u in self.nav.listing_urls] if self.nav.listing_urls else (
            [home] if self._pattern is not None else [])
        discover_feeds = self.site.rss and not self.nav.feed_urls
        for url in listings:
            yield self._listing(url, "article", url, 1, home=url == home and discover_feeds)
        for url in self.nav.document_pages:
            url = self.url(url)
            yield self._listing(url, "document", url, 1)
        if discover_feeds and home not in listings:
            yield scrapy.Request(home, callback=self.parse_home, errback=self.on_error,
                                 priority=FEED_PRIORITY, meta={"congdoan_kind": "listing"})
        if self.site.rss:
            for url in self.nav.feed_urls:
                yield self._feed(self.url(url))
        if self.site.sitemaps and self._pattern is not None:
            if self.nav.sitemap_urls:
                for url in self.nav.sitemap_urls:
                    yield self._sitemap(self.url(url))
            else:
                yield scrapy.Request(self.url("/robots.txt"), callback=self.parse_robots,
                                     errback=self.on_error, priority=FEED_PRIORITY,
                                     meta={"congdoan_kind": "feed",
                                           "handle_httpstatus_list": list(MISSING_CODES)})

    def _listing(self, url: str, kind: str, section: str, page: int, *, home: bool = False
                 ) -> scrapy.Request:
        callback = self.parse_listing if kind == "article" else self.parse_document_page
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, priority=-page,
            meta={"section": section, "page": page, "congdoan_kind": "listing", "home": home,
                  "dont_redirect": True, "handle_httpstatus_list": HANDLED_STATUSES},
        )

    def _feed(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_feed, errback=self.on_error,
                              priority=FEED_PRIORITY, meta={"congdoan_kind": "feed"})

    def _sitemap(self, url: str, *, guessed: bool = False) -> scrapy.Request:
        meta: dict[str, Any] = {"congdoan_kind": "feed", "guessed": guessed}
        if guessed:  # /sitemap.xml was a guess: its absence is no failure
            meta["handle_httpstatus_list"] = list(MISSING_CODES)
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                              priority=FEED_PRIORITY, meta=meta)

    def detail_request(self, url: str, via: str, listed_text: str | None = None, *,
                       force: bool = False) -> scrapy.Request | None:
        """A request for an article page, once per crawl; stored pages only when ``force``."""
        url = self.url(url)
        if not force and self.known is not None and self.known.skip("article", url, None):
            return None
        if url in self._requested:
            return None
        self._requested.add(url)
        stored = self.validators.get(url) if self.validators is not None else None
        return scrapy.Request(
            url, callback=self.parse_article, errback=self.on_error, priority=DETAIL_PRIORITY,
            # A resumed JOBDIR remembers the failed or changed page as seen: ask anyway.
            dont_filter=via in ("retry", "changed"),
            headers=incremental.conditional_headers(stored),
            meta={"congdoan_kind": "article", "discovered_via": via, "listed_text": listed_text,
                  "dont_redirect": True, "handle_httpstatus_list": HANDLED_STATUSES},
        )

    # -- listings (their links read in the parsing threads) ----------------------
    async def parse_home(self, response: Response) -> list[scrapy.Request]:
        """The home page when it is no listing: only its feed links."""
        links = await off_reactor(page_links, response.body, self._next)
        self.read_ok(response.url)
        return list(self._discovered_feeds(response, links))

    def _discovered_feeds(self, response: Response, links: PageLinks
                          ) -> Iterable[scrapy.Request]:
        for href in links.feeds:
            url = self.url(href, response.url)
            if self.same_site(url):
                yield self._feed(url)

    def _listing_unanswered(self, response: Response) -> bool:
        """A listing or document page that redirected or is gone: a failed listing."""
        meta = response.meta
        return self.listing_unanswered(response, f"listing {meta['section']} page {meta['page']}")

    async def parse_listing(self, response: Response) -> list[scrapy.Request]:
        """A listing page: its article links, then the next page (and the home page's feeds)."""
        if self._listing_unanswered(response):
            return []
        links = await off_reactor(page_links, response.body, self._next)
        return list(self._listing_requests(response, links))

    def _listing_requests(self, response: Response, links: PageLinks
                          ) -> Iterable[scrapy.Request]:
        if response.meta.get("home"):
            yield from self._discovered_feeds(response, links)
        urls = dict.fromkeys(self.url(href, response.url) for href in links.hrefs)
        entries = [incremental.ListingEntry("article", url, None, None)
                   for url in urls if self.is_article(url)]
        verdict = incremental.judge_listing(entries, self.policy, self.known)
        self.read_ok(response.url, "article", entries, verdict.passed(entries))
        for entry in verdict.fetch:
            request = self.detail_request(entry.url, "listing")
            if request is not None:
                yield request
        if verdict.stop:
            self.listing_stopped(response, verdict.reason)
        else:
            yield from self._next_page(response, links.next_href, "article")

    def _next_page(self, response: Response, link: str | None, kind: str
                   ) -> Iterable[scrapy.Request]:
        page = response.meta["page"]
        if link and page < self.max_pages:
            url = self.url(link, response.url)
            if self.same_site(url) and url != response.url:
                yield self._listing(url, kind, response.meta["section"], page + 1)

    async def parse_document_page(self, response: Response) -> list[Any]:
        """A page with a table of legal documents: one document record per row."""
        if self._listing_unanswered(response):
            return []
        records, links = await off_reactor(_table_page, response.body, response.url,
                                           self._next)
        if not records:
            self.fail(response.url, "no table of documents (headers like Số/Ký hiệu, Trích "
                      "yếu) on this document page", "listing", parse=True)
            return []
        return list(self._table_items(response, records, links))

    def _table_items(self, response: Response, records: list[dict[str, Any]],
                     links: PageLinks) -> Iterable[Any]:
        # A row without a page of its own is named by the table page and a fragment of
        # its own (document_row_url): before, every such row had the page's URL and
        # only the last one was stored.
        table = response.meta["section"]  # the registry's document page: the table's name
        by_url = {document_row_url(record, response.url, table): record for record in records}
        entries = [incremental.ListingEntry("document", url, None, record.get("issued_text"))
                   for url, record in by_url.items()]
        # The table names every document it holds: a reconciling crawl reads all its pages.
        verdict = incremental.judge_listing(entries, self.policy, self.known, item_list=True)
        self.read_ok(response.url, "document", entries, verdict.passed(entries))
        for entry in verdict.fetch:
            item = self._document_item(response, entry.url, by_url[entry.url])
            if item is not None:
                yield item
        if not verdict.stop:
            yield from self._next_page(response, links.next_href, "document")

    def _document_item(self, response: Response, url: str, record: dict[str, Any]
                       ) -> scrapy.Item | None:
        """A table row's document: its page is the row's own URL, its raw body the table's."""
        fields = {key: record.get(key) for key in parser_keys("document")}
        fields["attachments"] = record.get("attachments") or []
        fields["canonical_url"] = url
        return self.build_item(response, "document", fields, url=url, via="listing",
                               listed_text=record.get("issued_text"))

    # -- sitemaps and feeds -----------------------------------------------------
    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        """robots.txt: its ``Sitemap:`` lines, else the usual ``/sitemap.xml``."""
        found = []
        if response.status == 200:
            for line in response.text.splitlines():
                name, _, value = line.partition(":")
                if name.strip().lower() == "sitemap" and value.strip():
                    url = self.url(value.strip())
                    if self.same_site(url):
                        found.append(url)
        for url in found:
            yield self._sitemap(url)
        if not found:
            yield self._sitemap(self.url("/sitemap.xml"), guessed=True)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        """A sitemap index or url set (news sitemaps too): follow changed children, queue items."""
        if response.status in MISSING_CODES and response.meta.get("guessed"):
            self.logger.debug("%s: no sitemap at %s", self.site.id, response.url)
            return
        try:
            sitemap = parse_dated_sitemap(response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, f"unreadable sitemap: {exc.what}", "feed", parse=True)
            return
        self.read_ok(response.url)
        last_crawl = self._last_crawl()
        for entry in sitemap["sitemaps"]:
            child = self.url(entry["url"])
            # A child named for tags, authors or pages lists no article.
            if not self.same_site(child) or not sitemap_lists_posts(child):
                continue
            changed = _when(entry["lastmod"])
            # Unchanged since the last crawl: its items are stored already.
            if (not self._read_everything and last_crawl is not None and changed is not None
                    and changed <= last_crawl):
                continue
            yield self._sitemap(child)
        self.learn_stored("article", [(self.url(e["url"]), None) for e in sitemap["urls"]
                                      if self.is_article(e["url"])])
        for entry in sitemap["urls"]:
            if self.is_article(entry["url"]):
                request = self._dated_entry(entry["url"], entry.get("published") or
                                            entry.get("lastmod"), entry.get("lastmod"), "sitemap")
                if request is not None:
                    yield request

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        """An RSS or Atom feed: its items are articles."""
        try:
            entries = parse_rss(response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, f"unreadable feed: {exc.what}", "feed", parse=True)
            return
        self.read_ok(response.url)
        self.learn_stored("article", [(self.url(e["url"]), None) for e in entries
                                      if e.get("url") and self.same_site(e["url"])])
        for entry in entries:
            url = entry.get("url")
            # Some CMSs (Hugo) put their pages in the feed too: a learnt pattern says
            # which items are articles; without one, a feed's items are taken as such.
            if url and self.same_site(url) and (self._pattern is None or self.is_article(url)):
                request = self._dated_entry(url, entry.get("published_text"),
                                            entry.get("published_text"), "rss")
                if request is not None:
                    yield request

    def _dated_entry(self, url: str, listed: str | None, changed_text: str | None, via: str
                     ) -> scrapy.Request | None:
        """A sitemap or feed entry: new -> fetch; stored but dated after last seen -> again."""
        since = self.policy.since
        listed_date = incremental.entry_date(listed) if since else None
        if since and listed_date is not None and listed_date < since:
            return None
        url = self.url(url)
        stored = self.known.find("article", url, None) if self.known is not None else None
        if stored is not None and not self.known.is_due(stored):  # type: ignore[union-attr]
            changed = _when(changed_text)
            if changed is None or changed <= _aware(stored.last_seen_at):
                return None
            if self.crawler is not None:
                self.crawler.stats.inc_value("congdoan/changed_refetched")
            return self.detail_request(url, "changed", listed, force=True)
        return self.detail_request(url, via, listed)

    # -- articles ---------------------------------------------------------------
    async def parse_article(self, response: Response) -> list[Any]:
        """An article page -> ``ArticleItem`` (read by the generic reader in a parsing thread)."""
        if response.status == NOT_MODIFIED:
            self.not_modified(response, "article")
            return []
        if response.status in REDIRECT_CODES:
            return list(self._follow_redirect(response))
        if response.status in MISSING_CODES:
            self.fail(response.url, f"article not found (HTTP {response.status})", "article")
            return []
        reader = partial(parse_generic_article, selectors=self.site.selectors)
        try:
            parsed, digest = await off_reactor(parse_and_hash, reader, response.body,
                                               response.url)
        except NotAnArticle as exc:
            # An about page or a listing the pattern let through: nothing to store, no failure.
            self.logger.info("%s: skipped %s", self.site.id, exc)
            if self.crawler is not None:
                self.crawler.stats.inc_value("congdoan/not_an_article")
            return []
        except ParseError as exc:
            self.fail(response.url, f"article page unreadable: {exc.what}", "article",
                      parse=True)
            return []
        item = self.build_item(response, "article", parsed, digest=digest)
        return [item] if item is not None else []

    def _follow_redirect(self, response: Response) -> Iterable[Any]:
        location = response.headers.get(b"Location", b"").decode("latin-1")
        target = self.url(location, response.url) if location else ""
        hops = response.meta.get("own_redirects", 0)
        chain = [*response.meta.get("redirect_chain", []), response.url]
        if not target or target.rstrip("/") == self.base:
            reason = (f"article not found (soft 404: HTTP {response.status} to "
                      f"{target or 'nowhere'})")
        elif not self.same_site(target):
            reason = f"article redirected off-site to {target}"
        elif target in chain or hops >= MAX_OWN_REDIRECTS:
            reason = f"article redirect loop back to {target}"
        else:
            yield response.request.replace(url=target, meta={
                **response.meta, "own_redirects": hops + 1, "redirect_chain": chain})
            return
        self.fail(response.url, reason, "article")


@dataclass(frozen=True)
class PageLinks:
    """What a listing page links to: every ``<a href>``, its feeds, its next page."""

    hrefs: list[str]
    feeds: list[str]
    next_href: str | None


def page_links(body: bytes, next_page: CSSSelector) -> PageLinks:
    """A page's links (pure: for a parsing thread). ``next_page`` finds its next-page link."""
    doc = parse_html(body)
    hrefs = [a.get("href") for a in doc.iter("a") if a.get("href")]
    feeds = [link.get("href") for link in doc.iter("link") if link.get("href")
             and "alternate" in (link.get("rel") or "").lower().split()
             and (link.get("type") or "").lower() in _FEED_TYPES]
    next_href = next((el.get("href") for el in next_page(doc) if el.get("href")), None)
    return PageLinks(hrefs, feeds, next_href)


def _table_page(body: bytes, url: str, next_page: CSSSelector
                ) -> tuple[list[dict[str, Any]], PageLinks]:
    """A document page's table rows and links (pure: for a parsing thread)."""
    return parse_document_table(body, url), page_links(body, next_page)


def _when(text: str | None) -> datetime | None:
    """A sitemap (ISO 8601) or feed (RFC 822) date as an aware datetime; None if unreadable."""
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return _aware(value)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive UTC; a date-only lastmod is read as midnight UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
