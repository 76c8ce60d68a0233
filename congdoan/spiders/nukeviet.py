"""The ``nukeviet`` spider: one spider for every NukeViet portal, driven by a registry entry.

Navigation only: which URLs to visit, in which order, when to stop. Markup is
read by ``congdoan.parsers.nukeviet``. Sections are walked newest-first, and
the portal's sitemaps and RSS feeds are read too, because some items are
reachable only through them. Redirects of listing and detail pages are
handled here, not by Scrapy, so that NukeViet's soft 404 (a 301 to the home
page) is recorded as "not found" instead of being parsed as an article.

Incremental crawling (the default; ``congdoan.runtime.incremental`` holds the rules):
the crawl runtime extension (``congdoan.extensions.runtime``) hands the spider
what storage holds (``known``), the policy and the validators before the crawl
starts; the spider skips stored detail pages, stops a listing walk after a page
of stored items, revalidates pages that sent validators, and on a reconciling
crawl reads the sitemaps and the whole laws list so every missing item is fetched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response

from congdoan.parsers import nukeviet as parsers
from congdoan.parsers.nukeviet import ParseError
from congdoan.parsers.nukeviet_urls import UrlStyle, article_id, document_id, same_site_url
from congdoan.registry import Site
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


def url_style_for(site: Site) -> UrlStyle:
    """The URL builder for a registry entry."""
    return UrlStyle(
        base_url=site.base_url,
        url_style=site.url_style,
        lang_prefix=site.lang_prefix,
        language=site.language,
        news_module=site.news_module,
        laws_module=site.laws_module,
    )


class NukeVietSpider(SiteSpider):
    """Crawl one NukeViet portal: ``scrapy crawl nukeviet -a site=dienbien``."""

    name = "nukeviet"
    cms = "nukeviet"

    def __init__(self, site: str | None = None, registry: str | None = None, **kwargs: Any):
        super().__init__(site, registry, **kwargs)
        self.urls = url_style_for(self.site)
        self._requested_ids: set[tuple[str, int]] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NukeVietSpider:
        """Build the spider (``SiteSpider``), with the crawl's listing-page cap."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = crawler.settings.getint("CONGDOAN_MAX_LISTING_PAGES")
        return spider

    # -- start ------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Sections first (newest-first walks), then sitemaps and feeds, then due refreshes."""
        for request in self.start_requests_for_site():
            yield request
        if self.known is not None:
            for item in self.known.due():
                request = self.detail_request(item.url, item.kind, "refresh")
                if request is not None:
                    yield request
            # Pages that failed on an earlier run are tried again (listings are walked anyway).
            self._learn_links(self.known.retry)
            for url in self.known.retry:
                kind = self.urls.classify(url)
                request = self.detail_request(url, kind, "retry") if kind else None
                if request is not None:
                    yield request

    def _feeds(self) -> tuple[bool, bool, bool]:
        """Which of (sitemaps, news RSS, laws RSS) this crawl reads.

        Full and first crawls read them all: some items are linked from nowhere
        else. An incremental crawl reads the news RSS (the newest articles of every
        category, also those the registry lists no section for) and the sitemaps
        only when no news section is known; the laws list already shows every
        document. ``CONGDOAN_FEEDS`` = ``always`` / ``never`` overrides.
        """
        site, feeds = self.site, self.policy.feeds
        if feeds == "never":
            return False, False, False
        everything = (self.policy.full or self.policy.reconcile or not self.known
                      or feeds == "always")
        sitemaps = site.sitemaps and (everything or not site.news_sections)
        news_rss = site.rss
        laws_rss = site.rss and bool(site.laws_module) and everything
        return sitemaps, news_rss, laws_rss

    def start_requests_for_site(self) -> Iterable[scrapy.Request]:
        """Every entry point of the portal, from the registry entry."""
        for alias in self.site.news_sections:
            yield self._listing(self.urls.news_category(alias), self.parse_news_listing, alias, 1)
        if self.site.laws_module:
            yield self._listing(self.urls.laws_list(), self.parse_laws_listing, "laws", 1)
        sitemaps, news_rss, laws_rss = self._feeds()
        if sitemaps:
            yield scrapy.Request(
                self.urls.sitemap_index(), callback=self.parse_sitemap, errback=self.on_error,
                priority=FEED_PRIORITY, meta={"congdoan_kind": "feed"},
            )
        feeds = [self.urls.news_rss()] if news_rss else []
        if laws_rss:
            feeds.append(self.urls.laws_rss())
        for feed in feeds:
            yield scrapy.Request(
                feed, callback=self.parse_rss, errback=self.on_error,
                priority=FEED_PRIORITY, meta={"congdoan_kind": "feed"},
            )

    def _listing(self, url: str, callback: Callable[..., Any], section: str, page: int
                 ) -> scrapy.Request:
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, priority=-page,
            meta={"section": section, "page": page, "congdoan_kind": "listing",
                  "dont_redirect": True, "handle_httpstatus_list": HANDLED_STATUSES},
        )

    def _detail_key(self, url: str, kind: str) -> tuple[str, int | None]:
        """A detail link as it is fetched and stored: its URL on the site, its CMS id."""
        url = same_site_url(urljoin(self.site.base_url + "/", url), self.site.base_url)
        return url, article_id(url) if kind == "article" else document_id(url)

    def detail_request(self, url: str, kind: str, via: str, listed_text: str | None = None
                       ) -> scrapy.Request | None:
        """A request for an article or document page, once per CMS id."""
        url, cms_id = self._detail_key(url, kind)
        if via != "refresh" and self.known is not None and self.known.skip(kind, url, cms_id):
            return None
        if cms_id is not None:
            if (kind, cms_id) in self._requested_ids:
                return None
            self._requested_ids.add((kind, cms_id))
        callback = self.parse_article if kind == "article" else self.parse_document
        stored = self.validators.get(url) if self.validators is not None else None
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, priority=DETAIL_PRIORITY,
            # A resumed JOBDIR remembers the failed or unstored page as seen: ask anyway.
            dont_filter=via == "retry",
            headers=incremental.conditional_headers(stored),
            meta={"congdoan_kind": kind, "discovered_via": via, "listed_text": listed_text,
                  "dont_redirect": True, "handle_httpstatus_list": HANDLED_STATUSES},
        )

    # -- listings ---------------------------------------------------------------
    async def parse_news_listing(self, response: Response) -> list[scrapy.Request]:
        """A news category page: its articles, then the next page."""
        return await self._walk_listing(response, parsers.parse_article_list, "article",
                                        self.parse_news_listing)

    async def parse_laws_listing(self, response: Response) -> list[scrapy.Request]:
        """A laws list page: its documents, then the next page."""
        return await self._walk_listing(response, parsers.parse_document_list, "document",
                                        self.parse_laws_listing)

    async def _walk_listing(self, response: Response,
                            parse: Callable[[bytes, str], dict[str, Any]], kind: str,
                            callback: Callable[..., Any]) -> list[scrapy.Request]:
        """A listing page parsed off the reactor thread, then ``_listing_requests``."""
        section, page = response.meta["section"], response.meta["page"]
        if self.listing_unanswered(response, f"section {section!r} page {page}"):
            return []
        try:
            listing = await off_reactor(parse, response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, f"not a listing page: {exc.what}", "listing", parse=True)
            return []
        return list(self._listing_requests(response, listing, kind, callback))

    def _listing_requests(self, response: Response, listing: dict[str, Any], kind: str,
                          callback: Callable[..., Any]) -> Iterable[scrapy.Request]:
        """A read listing: its new items' pages, then the next page unless the walk stops."""
        entries = self._listing_entries(listing["items"], kind)
        # The laws list names every document: a reconciling crawl reads all of it.
        verdict = incremental.judge_listing(entries, self.policy, self.known,
                                            item_list=kind == "document")
        self.read_ok(response.url, kind, entries, verdict.passed(entries))
        for entry in verdict.fetch:
            request = self.detail_request(entry.url, kind, "listing", entry.listed_text)
            if request is not None:
                yield request
        if verdict.stop:
            self.listing_stopped(response, verdict.reason)
            return
        yield from self._next_listing(response, listing.get("next_page"), kind, callback)

    def _listing_entries(self, items: list[dict[str, Any]], kind: str
                         ) -> list[incremental.ListingEntry]:
        """A listing's items as the incremental rules judge them: URL, CMS id, listed date."""
        entries = []
        for item in items:
            url = same_site_url(urljoin(self.site.base_url + "/", item["url"]),
                                self.site.base_url)
            cms_id = article_id(url) if kind == "article" else document_id(url)
            text = item.get("listed_text") or item.get("issued_text")
            entries.append(incremental.ListingEntry(kind, url, cms_id, text))
        return entries

    def _next_listing(self, response: Response, next_page: str | None, kind: str,
                      callback: Callable[..., Any]) -> Iterable[scrapy.Request]:
        """The next page of a walk; after the last page of a walk, page 1 once more."""
        section, page = response.meta["section"], response.meta["page"]
        if response.meta.get("recheck"):
            return
        if next_page and page < self.max_pages:
            next_url = same_site_url(urljoin(response.url, next_page), self.site.base_url)
            yield self._listing(next_url, callback, section, page + 1)
        elif page > 1:
            # An item published while we paginated landed on page 1, read first,
            # and pushed older ones down (seen twice, filtered): read page 1 once more.
            first = self.urls.news_category(section) if kind == "article" else (
                self.urls.laws_list())
            again = self._listing(first, callback, section, 1)
            yield again.replace(dont_filter=True, meta={**again.meta, "recheck": True})

    # -- sitemaps and feeds -----------------------------------------------------
    def _wanted_sitemap(self, url: str) -> bool:
        """Only the news and laws sitemaps hold items; skip about/siteterms/…"""
        modules = {self.site.news_module or "news"}
        if self.site.laws_module:
            modules.add(self.site.laws_module)
        lowered = url.lower()
        return any(f".{m}.xml" in lowered or f"nv={m}" in lowered or f"/{m}/" in lowered
                   for m in modules)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        """A sitemap index or url set: follow item sitemaps, queue item URLs."""
        try:
            sitemap = parsers.parse_sitemap(response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, f"unreadable sitemap: {exc.what}", "feed", parse=True)
            return
        self.read_ok(response.url)
        for child in sitemap["sitemaps"]:
            child = same_site_url(child, self.site.base_url)
            if self._wanted_sitemap(child):
                yield scrapy.Request(child, callback=self.parse_sitemap, errback=self.on_error,
                                     priority=FEED_PRIORITY, meta={"congdoan_kind": "feed"})
        yield from self._queue_links(sitemap["urls"], "sitemap", "lastmod")

    def parse_rss(self, response: Response) -> Iterable[scrapy.Request]:
        """An RSS feed: queue its item links."""
        try:
            entries = parsers.parse_rss(response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, f"unreadable RSS feed: {exc.what}", "feed", parse=True)
            return
        self.read_ok(response.url)
        yield from self._queue_links(entries, "rss", "published_text")

    def _learn_links(self, urls: Iterable[str]) -> None:
        """The stored items behind a feed's or sitemap's links, looked up in one query a kind."""
        by_kind: dict[str, list[tuple[str, int | None]]] = {}
        for url in urls:
            kind = self.urls.classify(same_site_url(url, self.site.base_url))
            if kind is not None:
                by_kind.setdefault(kind, []).append(self._detail_key(url, kind))
        for kind, links in by_kind.items():
            self.learn_stored(kind, links)

    def _queue_links(self, entries: Iterable[dict[str, Any]], via: str, date_key: str
                     ) -> Iterable[scrapy.Request]:
        entries = list(entries)
        self._learn_links(entry["url"] for entry in entries)
        for entry in entries:
            url = same_site_url(entry["url"], self.site.base_url)
            kind = self.urls.classify(url)
            if kind is None:
                continue
            since = self.policy.since
            when = incremental.entry_date(entry.get(date_key)) if since else None
            if since and when is not None and when < since:
                continue
            request = self.detail_request(url, kind, via, entry.get(date_key))
            if request is not None:
                yield request

    # -- detail pages -----------------------------------------------------------
    async def parse_article(self, response: Response) -> list[Any]:
        """An article page -> ``ArticleItem``."""
        return await self._detail(response, "article", parsers.parse_article)

    async def parse_document(self, response: Response) -> list[Any]:
        """A laws detail page -> ``DocumentItem``."""
        return await self._detail(response, "document", parsers.parse_document)

    async def _detail(self, response: Response, kind: str,
                      parse: Callable[[bytes, str], dict[str, Any]]) -> list[Any]:
        """A detail page: its item (parsed off the reactor thread), a redirect, or a failure."""
        if response.status == NOT_MODIFIED:
            self.not_modified(response, kind)
            return []
        if response.status in REDIRECT_CODES:
            return list(self._follow_detail_redirect(response, kind))
        if response.status in MISSING_CODES:
            self.fail(response.url, f"{kind} not found (HTTP {response.status})", kind)
            return []
        try:
            parsed, digest = await off_reactor(parse_and_hash, parse, response.body,
                                               response.url)
        except ParseError as exc:
            self.fail(response.url, f"{kind} page unreadable: {exc.what}", kind, parse=True)
            return []
        item = self.build_item(response, kind, parsed, digest=digest)
        return [item] if item is not None else []

    def _follow_detail_redirect(self, response: Response, kind: str) -> Iterable[Any]:
        location = response.headers.get(b"Location", b"").decode("latin-1")
        target = urljoin(response.url, location) if location else ""
        hops = response.meta.get("own_redirects", 0)
        if not target or self.urls.is_home(target):
            self.fail(response.url, f"{kind} not found (soft 404: HTTP {response.status} to "
                      f"{target or 'nowhere'})", kind)
            return
        target = same_site_url(target, self.site.base_url)
        host = (urlsplit(target).hostname or "").lower()
        if not any(host == d or host.endswith(f".{d}") for d in self.allowed_domains):
            # Scrapy's offsite middleware would drop the request without a word.
            self.fail(response.url, f"{kind} redirected off-site to {target}", kind)
            return
        chain = [*response.meta.get("redirect_chain", []), response.url]
        if target in chain:
            # The dupe filter would drop the repeated URL without a word.
            self.fail(response.url, f"{kind} redirect loop back to {target}", kind)
            return
        if self.urls.classify(target) != kind or hops >= MAX_OWN_REDIRECTS:
            self.fail(response.url, f"{kind} moved to a page that is not a {kind}: {target}",
                      kind)
            return
        yield response.request.replace(
            url=target, meta={**response.meta, "own_redirects": hops + 1, "redirect_chain": chain},
        )
