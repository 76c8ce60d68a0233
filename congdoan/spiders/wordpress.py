"""The ``wordpress`` spider: one spider for every WordPress portal, driven by a registry entry.

Navigation only; markup and JSON are read by ``congdoan.parsers.wordpress_*``.

* REST API open: ``/wp/v2/posts`` (``status=publish``, ``_embed``) newest
  *change* first. The listing answers carry every field, so each post becomes
  an item straight from its listing page (the page's bytes are its raw body).
  Incremental by modified time: a post whose stored copy was fetched after its
  ``modified_gmt`` is current; the walk stops after the first page of current
  posts, so an unchanged portal costs one API request.
* REST API closed (401/403/404 or no JSON on the first page): the core sitemaps
  (``wp-sitemap.xml``, post sitemaps only) on a first or full crawl, the RSS
  feed, and the registry's category slugs (``news_sections``), each post page
  read by the HTML reader. Stored posts are not fetched again.

The registry's ``url_style`` is the permalink style: ``rewrite`` for pretty
permalinks (``/wp-json/``, ``/category/<slug>/``, ``/feed/``), ``query`` for
plain ones (``?rest_route=``, ``?category_name=``, ``?feed=rss2``).
Failed pages are signalled (``page_failed``) to the failure ledger. Every REST
page, post sitemap, feed and category page read tells spider health how many
posts it listed (``read_ok``), so a portal whose listings go empty is flagged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urljoin

import scrapy
from scrapy.http import Response

from congdoan.parsers.errors import ParseError
from congdoan.parsers.feeds import parse_rss, parse_sitemap
from congdoan.parsers.nukeviet_urls import same_site_url
from congdoan.parsers.wordpress_html import parse_wp_article, parse_wp_listing
from congdoan.parsers.wordpress_rest import load_json, parse_rest_post
from congdoan.runtime import incremental
from congdoan.spiders.site import (
    DETAIL_PRIORITY,
    MISSING_CODES,
    SiteSpider,
    off_reactor,
    parse_and_hash,
)
from congdoan.vntime import vn_day

REST_CLOSED = (401, 403, 404)
_POST_SITEMAP_HINTS = ("posts-post", "post-sitemap", "posttype-post")  # core, Yoast, others


class WordPressSpider(SiteSpider):
    """Crawl one WordPress portal: ``scrapy crawl wordpress -a site=ID``."""

    name = "wordpress"
    cms = "wordpress"

    def __init__(self, site: str | None = None, registry: str | None = None, **kwargs: Any):
        super().__init__(site, registry, **kwargs)
        self.pretty = self.site.url_style == "rewrite"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WordPressSpider:
        """Build the spider (``SiteSpider``), with the crawl's REST page size."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.per_page = crawler.settings.getint("CONGDOAN_WP_PER_PAGE")
        return spider

    # -- URLs ----------------------------------------------------------------------
    def rest_url(self, route: str, **params: object) -> str:
        """A REST API URL in the site's permalink style, parameters sorted."""
        query = urlencode(sorted((k, str(v)) for k, v in params.items()))
        if self.pretty:
            return f"{self.site.base_url}/wp-json{route}" + (f"?{query}" if query else "")
        return f"{self.site.base_url}/?rest_route={route}" + (f"&{query}" if query else "")

    def posts_page_url(self, page: int) -> str:
        """One page of public posts, newest change first, with authors, terms and media."""
        return self.rest_url("/wp/v2/posts", _embed=1, order="desc", orderby="modified",
                             page=page, per_page=self.per_page, status="publish")

    def _on_site(self, url: str) -> str:
        return same_site_url(urljoin(self.site.base_url + "/", url), self.site.base_url)

    # -- start ---------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The API first; what it answers decides the rest."""
        yield self._rest_page(1)

    def _rest_page(self, page: int) -> scrapy.Request:
        return scrapy.Request(
            self.posts_page_url(page), callback=self.parse_rest_page, errback=self.on_error,
            priority=-page, meta={"page": page, "congdoan_kind": "listing",
                                  "handle_httpstatus_list": list(REST_CLOSED)})

    # -- REST ----------------------------------------------------------------------
    async def parse_rest_page(self, response: Response) -> list[Any]:
        """A page of posts: an item per changed post, then the next page unless done.

        The JSON is loaded, and the changed posts read, in the parsing threads
        (``off_reactor``), like every family's pages.
        """
        page = response.meta["page"]
        try:
            posts = (await off_reactor(load_json, response.body, response.url)
                     if response.status == 200 else None)
        except ParseError:
            posts = None
        if not isinstance(posts, list):
            if page == 1:
                self.logger.info("%s: REST API closed (HTTP %d): sitemaps, feed and "
                                 "categories instead", self.site.id, response.status)
                return list(self.html_entry_points())
            self.fail(response.url, f"REST posts page {page} answered HTTP "
                      f"{response.status} without a list of posts", "listing")
            return []
        # Every post the page lists, current or not: spider health's "listed" items; the
        # current ones and those before --since are passed over on purpose.
        links = [self._on_site(post.get("link") or response.url) if isinstance(post, dict)
                 else response.url for post in posts]
        entries = [incremental.ListingEntry("article", link, None, None) for link in links]
        self.learn_stored("article", [(self._on_site(post.get("link") or ""), post.get("id"))
                                      for post in posts if isinstance(post, dict)])
        stored = [self._is_current(post) for post in posts]
        before = [self._before_since(post) for post in posts]
        self.read_ok(response.url, "article", entries, [
            entry for entry, is_current, old in zip(entries, stored, before, strict=True)
            if is_current or old])
        current = sum(stored)
        changed = [(post, link) for post, link, is_current, old
                   in zip(posts, links, stored, before, strict=True)
                   if not is_current and not old]
        results: list[Any] = []
        read = await off_reactor(_read_rest_posts, [post for post, _ in changed], response.url)
        for (_, link), record in zip(changed, read, strict=True):
            if isinstance(record, ParseError):
                self.fail(link, f"article unreadable in the REST API: {record.what}",
                          "article", parse=True)
                continue
            # A REST item's page is the post's own URL; its raw body is the API page.
            record = self._localised(record)
            item = self.build_item(response, "article", record, url=record["canonical_url"],
                                   via="rest")
            if item is not None:
                results.append(item)
        total_pages = int(response.headers.get(b"X-WP-TotalPages", b"0") or 0)
        if not self._stop(posts, current, total_pages, page):
            results.append(self._rest_page(page + 1))
        return results

    def _stop(self, posts: list, current: int, total_pages: int, page: int) -> bool:
        if not posts or (total_pages and page >= total_pages):
            return True
        if self.policy.since is not None and all(
                self._before_since(p, "modified_gmt") for p in posts):
            return True  # newest change first: every later post changed before `since`
        retrying = self.known is not None and bool(self.known.retry)
        return self.known is not None and current == len(posts) and not retrying

    def _is_current(self, post: Any) -> bool:
        """Stored, and fetched after its last change: nothing new to read."""
        if self.known is None or not isinstance(post, dict):
            return False
        stored = self.known.find("article", self._on_site(post.get("link") or ""),
                                 post.get("id"))
        modified = _gmt(post.get("modified_gmt"))
        return stored is not None and modified is not None and stored.last_seen_at >= modified

    def _before_since(self, post: Any, key: str = "date_gmt") -> bool:
        since = self.policy.since
        when = _gmt(post.get(key)) if isinstance(post, dict) else None
        # ``since`` is a Vietnam day; a post of 10/04 00:43 there is 09/04 in UTC.
        return since is not None and when is not None and vn_day(when) < since

    # -- REST closed: sitemaps, feed, categories, post pages -------------------------
    def html_entry_points(self) -> Iterable[scrapy.Request]:
        """Where posts are listed when the API is closed."""
        # A first, full or reconciling crawl reads the sitemaps: they name every post.
        first_crawl = self.policy.full or self.policy.reconcile or not self.known
        if self.site.sitemaps and (first_crawl or self.policy.feeds == "always"):
            yield self._feed_request(f"{self.site.base_url}/wp-sitemap.xml", self.parse_sitemap)
        if self.site.rss and self.policy.feeds != "never":
            feed = "/feed/" if self.pretty else "/?feed=rss2"
            yield self._feed_request(self.site.base_url + feed, self.parse_rss)
        for slug in self.site.news_sections:
            path = f"/category/{slug}/" if self.pretty else f"/?category_name={slug}"
            yield self._listing(self.site.base_url + path, slug, 1)
        if self.known is not None:
            self.learn_stored("article", [(self._on_site(url), None) for url in self.known.retry])
            for url in self.known.retry:  # failed before: try again
                request = self.post_request(url, "retry")
                if request is not None:
                    yield request

    def _feed_request(self, url: str, callback: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback,
                              errback=self.on_error, meta={"congdoan_kind": "feed"})

    def _listing(self, url: str, section: str, page: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                              priority=-page, meta={"section": section, "page": page,
                                                    "congdoan_kind": "listing"})

    def post_request(self, url: str, via: str, listed_text: str | None = None
                     ) -> scrapy.Request | None:
        """A post page, unless it is stored already."""
        url = self._on_site(url)
        if via != "retry" and self.known is not None and self.known.skip("article", url, None):
            return None
        return scrapy.Request(
            url, callback=self.parse_post, errback=self.on_error, priority=DETAIL_PRIORITY,
            meta={"congdoan_kind": "article", "discovered_via": via, "listed_text": listed_text,
                  "handle_httpstatus_list": list(MISSING_CODES)})

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        """The sitemap index (post sitemaps only) or a post sitemap."""
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, f"unreadable sitemap: {exc.what}", "feed", parse=True)
            return
        # Spider health (``read_ok``) and ``post_request`` ask about each post: one query.
        self.learn_stored("article", [(self._on_site(e["url"]), None) for e in sitemap["urls"]])
        # An index names sitemaps, not posts; a post sitemap lists every post.
        if sitemap["urls"] or not sitemap["sitemaps"]:
            self.read_ok(response.url, "article", self._entries(u["url"] for u in sitemap["urls"]))
        else:
            self.read_ok(response.url)
        for child in sitemap["sitemaps"]:
            if any(hint in child.lower() for hint in _POST_SITEMAP_HINTS):
                yield self._feed_request(self._on_site(child), self.parse_sitemap)
        for entry in sitemap["urls"]:
            request = self.post_request(entry["url"], "sitemap", entry.get("lastmod"))
            if request is not None:
                yield request

    def _entries(self, urls: Iterable[str]) -> list[incremental.ListingEntry]:
        """Posts a sitemap or feed lists, as spider health counts them."""
        return [incremental.ListingEntry("article", self._on_site(url), None, None)
                for url in urls]

    def parse_rss(self, response: Response) -> Iterable[scrapy.Request]:
        """The posts feed: its newest posts."""
        try:
            entries = parse_rss(response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, f"unreadable RSS feed: {exc.what}", "feed", parse=True)
            return
        self.learn_stored("article", [(self._on_site(e["url"]), None) for e in entries])
        self.read_ok(response.url, "article", self._entries(e["url"] for e in entries))
        for entry in entries:
            request = self.post_request(entry["url"], "rss", entry.get("published_text"))
            if request is not None:
                yield request

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        """A category page: its posts, then the next (older) page unless all are stored."""
        section, page = response.meta["section"], response.meta["page"]
        try:
            listing = parse_wp_listing(response.body, response.url)
        except ParseError as exc:
            self.fail(response.url, f"category {section!r} page {page}: {exc.what}", "listing",
                      parse=True)
            return
        entries = [incremental.ListingEntry("article", self._on_site(e["url"]), None,
                                            e["listed_text"]) for e in listing["items"]]
        verdict = incremental.judge_listing(entries, self.policy, self.known)
        self.read_ok(response.url, "article", entries, verdict.passed(entries))
        for entry in verdict.fetch:
            request = self.post_request(entry.url, "listing", entry.listed_text)
            if request is not None:
                yield request
        if listing["next_page"] and not verdict.stop:
            yield self._listing(self._on_site(listing["next_page"]), section, page + 1)

    async def parse_post(self, response: Response) -> list[Any]:
        """A post page -> ``ArticleItem`` (read in a parsing thread)."""
        if response.status in MISSING_CODES:
            self.fail(response.url, f"article not found (HTTP {response.status})", "article")
            return []
        try:
            record, digest = await off_reactor(parse_and_hash, parse_wp_article, response.body,
                                               response.url)
        except ParseError as exc:
            self.fail(response.url, f"article page unreadable: {exc.what}", "article",
                      parse=True)
            return []
        item = self.build_item(response, "article", self._localised(record), digest=digest)
        return [item] if item is not None else []

    def _localised(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with its links on the registered host.

        Links written with the host WordPress was installed under (``siteurl``) are
        fetched on the registered one, like every other URL of the site.
        """
        record["canonical_url"] = self._on_site(record["canonical_url"])
        for key in ("images", "attachments"):
            record[key] = [{**entry, "url": self._on_site(entry["url"])}
                           for entry in record.get(key) or []]
        return record


def _read_rest_posts(posts: list[Any], url: str) -> list[dict[str, Any] | ParseError]:
    """Each REST post's record, or the ``ParseError`` that says why it is unreadable."""
    read: list[dict[str, Any] | ParseError] = []
    for post in posts:
        try:
            read.append(parse_rest_post(post, url))
        except ParseError as exc:
            read.append(exc)
    return read


def _gmt(value: Any) -> datetime | None:
    """A REST ``*_gmt`` field (``2026-09-02T01:30:00``, no zone) as an aware UTC time."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None
