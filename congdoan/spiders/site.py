"""What every CMS family's spider shares: its registry site, the crawl runtime's hand-over,
and the one step that turns a parsed page into an item (``SiteSpider.build_item``).

A family writes navigation and parser choice only. The site lock, the database check, the
resume folder, the known items and the reconciliation decision come from the
crawl runtime extension (``congdoan.extensions.runtime``), which sets
``policy``, ``known`` and ``validators`` before the crawl starts; until then a
spider crawls everything.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from congdoan.items import ArticleItem, DocumentItem
from congdoan.items.contract import ContractError, check_parser_keys
from congdoan.registry import RegistryError, Site, load_registry
from congdoan.runtime import incremental
from congdoan.runtime.incremental import ListingEntry
from congdoan.runtime.signals import page_failed, page_read
from congdoan.runtime.threads import NamedPool

NOT_MODIFIED = 304
REDIRECT_CODES = (301, 302, 303, 307, 308)
MISSING_CODES = (404, 410)
# Detail and listing requests see these statuses instead of Scrapy acting on them
# (a NukeViet soft 404 is a 301 home: the spider decides, not the redirect middleware).
HANDLED_STATUSES = [NOT_MODIFIED, *REDIRECT_CODES, *MISSING_CODES]
MAX_OWN_REDIRECTS = 3
DETAIL_PRIORITY = 10  # finish items before opening more listing pages: bounded memory
FEED_PRIORITY = 5
# Page parsing runs in these threads, off the reactor thread: lxml releases the GIL
# while it parses bytes and evaluates XPath, so on two cores the reactor goes on
# with Scrapy's own work meanwhile (docs/benchmarks.md, crawl overhead).
PARSE_THREADS = max(1, min(4, os.cpu_count() or 1))
ITEM_CLASSES: dict[str, type[scrapy.Item]] = {"article": ArticleItem, "document": DocumentItem}
_T = TypeVar("_T")
PARSING = NamedPool("parse", PARSE_THREADS)  # the process's page-parsing threads


async def off_reactor(fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(*args)`` in a parsing thread; in place when no asyncio loop runs (no reactor).

    ``fn`` must be pure (a parser): it reads its arguments and touches no spider state.
    """
    return await PARSING.run(fn, *args)


def parse_and_hash(parse: Callable[[bytes, str], _T], body: bytes, url: str
                   ) -> tuple[_T, str]:
    """``parse(body, url)`` and the body's SHA-256 (both in one trip to a parsing thread)."""
    return parse(body, url), hashlib.sha256(body).hexdigest()


class SiteSpider(scrapy.Spider):
    """A spider for one registry site of the CMS family ``cms``: ``-a site=ID``."""

    cms: ClassVar[str]  # the registry ``cms`` this family crawls

    def __init__(self, site: str | None = None, registry: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not site:
            raise ValueError(f"the {self.name} spider needs a site: -a site=<registry id>")
        try:
            self.site: Site = load_registry(registry).get(site)
        except KeyError as exc:
            raise RegistryError(exc.args[0]) from None
        if self.site.cms != self.cms:
            raise RegistryError(f"site {site}: cms is {self.site.cms!r}, not {self.cms!r}: "
                                f"crawl it with the {self.site.cms} spider")
        self.site_id = self.site.id
        self.allowed_domains = list(self.site.domains)
        self.policy = incremental.CrawlPolicy(full=True, reconcile=True)
        self.known: incremental.KnownSet | None = None
        self.validators: incremental.ValidatorStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Self:
        """Build the spider, then apply the site's politeness overrides to the crawl settings."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_politeness(crawler, spider.site)
        return spider

    # -- what every family reports: pages read and pages failed (the failure ledger) --
    def read_ok(self, url: str, kind: str | None = None,
                entries: Sequence[ListingEntry] | None = None,
                passed: Sequence[ListingEntry] = ()) -> None:
        """A listing page, feed, sitemap or API page was read: counted and signalled.

        ``page_read`` closes the page's old failures; a listing page also tells the
        kind of its items and the items it showed, ``entries``, of which ``passed``
        are passed over on purpose (older than ``--since``): spider health accounts
        for every other one (stored, failed, unchanged or stored before).
        """
        if self.crawler is not None:
            self.crawler.stats.inc_value("congdoan/pages_read")
            self.crawler.signals.send_catch_log(
                page_read, site=self.site_id, url=url, kind=kind,
                items=len(entries) if entries is not None else None, entries=entries,
                passed=passed)

    def fail(self, url: str, reason: str, kind: str, *, parse: bool = False) -> None:
        """Report a page that gave no item: logged, counted, signalled; the crawl goes on.

        ``parse``: the page came but the parsers could not read it. The run ledger
        (``congdoan.extensions.ledger``) records it from ``page_failed``.
        """
        self.logger.warning("%s: %s: %s", self.site_id, url, reason)
        if self.crawler is not None:
            self.crawler.stats.inc_value(f"congdoan/failed/{kind}")
            self.crawler.signals.send_catch_log(
                page_failed, site=self.site_id, url=url, reason=reason, kind=kind,
                cause="parse" if parse else "fetch")

    def learn_stored(self, kind: str, links: Iterable[tuple[str, int | None]]) -> None:
        """Look up in storage, in one query, the items behind links about to be judged
        one by one (a sitemap's, a feed's): ``known`` then answers each from memory."""
        if self.known is not None:
            self.known.learn(kind, list(links))

    # -- the one step from a parsed page to an item ------------------------------------------
    def build_item(self, response: Response, kind: str, parsed: Mapping[str, Any], *,
                   url: str | None = None, digest: str | None = None,
                   via: str | None = None, listed_text: str | None = None
                   ) -> scrapy.Item | None:
        """The item of ``parsed`` (a parser's record of ``kind``), or None after a failure.

        Every family's items come from here: the contract check (a parser key the
        contract does not declare fails the page, never silently dropped), the
        page's HTTP validators, and the provenance. ``url``: the item's own page
        when it is not the response (a WordPress REST post, a document table row);
        its validators then belong to the response, not to the item. ``digest``: the
        body's SHA-256 when the parsing thread computed it. ``via`` and
        ``listed_text`` default to what the request carried.
        """
        page = url or response.url
        try:
            check_parser_keys(kind, parsed)  # type: ignore[arg-type]
        except ContractError as exc:
            self.fail(page, str(exc), kind, parse=True)
            return None
        if self.validators is not None and page == response.url:
            headers = {k.decode("latin-1").lower(): v[0].decode("latin-1")
                       for k, v in response.headers.items() if v}
            self.validators.update({page, parsed.get("canonical_url") or page},
                                   incremental.validators_from(headers))
        item = ITEM_CLASSES[kind](parsed)
        item["kind"] = kind
        item["site"] = self.site_id
        item["url"] = page
        item["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        item["http_status"] = response.status
        item["body_sha256"] = digest or hashlib.sha256(response.body).hexdigest()
        item["raw_body"] = response.body
        item["discovered_via"] = via if via is not None else response.meta.get("discovered_via")
        item["listed_text"] = (listed_text if listed_text is not None
                               else response.meta.get("listed_text"))
        return item

    def not_modified(self, response: Response, kind: str) -> None:
        """A 304 to a conditional request: the stored item is current, only seen again."""
        if self.crawler is not None:
            self.crawler.stats.inc_value("congdoan/not_modified")
            self.crawler.signals.send_catch_log(
                incremental.page_not_modified, site=self.site_id, url=response.url, kind=kind)

    # -- what every family's listing walk shares --------------------------------------------
    def listing_unanswered(self, response: Response, where: str) -> bool:
        """A listing page that answered a redirect or "not found": recorded as failed.

        A menu can link to categories that no longer exist: they redirect home.
        ``where`` names the page in the failure (``section 'x' page 2``).
        """
        if response.status not in REDIRECT_CODES and response.status not in MISSING_CODES:
            return False
        self.fail(response.url, f"{where} answered HTTP {response.status}"
                  f"{location_note(response)}", "listing")
        return True

    def listing_stopped(self, response: Response, reason: str) -> None:
        """A listing walk ends before its last page: the rest is stored, or older than ``since``."""
        self.logger.debug("%s: %s stops at page %d: %s", self.site_id, response.meta["section"],
                          response.meta["page"], reason)
        if self.crawler is not None:
            self.crawler.stats.inc_value("congdoan/listing_stopped_early")

    def on_error(self, failure: Failure) -> None:
        """Network errors, HTTP errors after retries, robots.txt refusals: a failed page."""
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("congdoan_kind", "page")
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            reason = f"not fetched: {failure.getErrorMessage() or 'forbidden by robots.txt'}"
        else:
            message = failure.getErrorMessage()
            reason = f"{failure.type.__name__}: {message}" if message else (
                f"{failure.type.__name__} (the connection broke before the whole page came)")
        self.fail(request.url, reason, kind)


def location_note(response: Response) -> str:
    """`` to URL`` when the response names a ``Location``, else ``""``."""
    location = response.headers.get(b"Location")
    return f" to {location.decode('latin-1')}" if location else ""


def apply_politeness(crawler: Any, site: Site) -> None:
    """Set the site's delay and concurrency (``[site.politeness]``) at spider priority."""
    manners = site.politeness
    overrides = {
        "DOWNLOAD_DELAY": manners.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": manners.concurrency,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": manners.autothrottle_target,
    }
    for key, value in overrides.items():
        if value is not None:
            crawler.settings.set(key, value, priority="spider")
