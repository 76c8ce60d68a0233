"""Count what spider health needs, for any spider family: fill rates, listed items, parse errors.

Like All the Places' ``check_item_properties`` (``atp/field/<name>/missing``)
but per kind and built from the declared contract: for every item that leaves
the pipelines, ``congdoan/health/<kind>/items`` and, for each of the kind's
health fields that is filled, ``congdoan/health/<kind>/filled/<field>``. From
the crawl's own signals: ``page_read`` with the ``entries`` of a listing sets
``congdoan/health/<kind>/listed`` (distinct items listed; a listing page is
counted too) and ``congdoan/health/<kind>/missing`` (listed items neither stored,
reported failed, unchanged, known nor passed over: ``extensions/listed.py``);
``page_failed`` with ``cause="parse"`` adds to ``congdoan/health/<kind>/parse_errors``.
Both counts are kept current as the crawl goes: the store pipeline reads them
when it closes, before the crawl's ``spider_closed``. The
store pipeline turns these stats into the run's health record
(``congdoan.runtime.health.RunHealth.from_stats``) and judges it.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from congdoan.extensions.listed import ListedItems, entry_keys, item_keys
from congdoan.items.contract import health_fields
from congdoan.items.kinds import KINDS
from congdoan.runtime.health import STATS_PREFIX
from congdoan.runtime.incremental import page_not_modified
from congdoan.runtime.signals import page_failed, page_read


def is_filled(value: Any) -> bool:
    """A value counts as filled unless it is ``None``, blank text or an empty collection."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict | set):
        return bool(value)
    return True


class FieldFillRates:
    """Keeps per-kind item, field, listing and parse-error counts in the crawl stats."""

    def __init__(self, stats: Any, crawler: Any = None) -> None:
        self.stats = stats
        self.crawler = crawler
        self.fields = {kind: health_fields(kind) for kind in KINDS}
        self.listed = {kind: ListedItems() for kind in KINDS}

    @classmethod
    def from_crawler(cls, crawler: Any) -> FieldFillRates:
        """Off with ``CONGDOAN_HEALTH = False``."""
        if not crawler.settings.getbool("CONGDOAN_HEALTH"):
            raise NotConfigured
        extension = cls(crawler.stats, crawler)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.page_read, signal=page_read)
        crawler.signals.connect(extension.page_failed, signal=page_failed)
        crawler.signals.connect(extension.page_not_modified, signal=page_not_modified)
        return extension

    def _inc(self, kind: str, name: str, count: int = 1) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{kind}/{name}", count)

    def item_scraped(self, item: Any, response: Any = None, **_: Any) -> None:
        """Count the item and each of its filled health fields; it accounts for its listing."""
        kind = item.get("kind")
        if kind not in self.fields:
            return
        self._inc(kind, "items")
        for name in self.fields[kind]:
            if is_filled(item.get(name)):
                self._inc(kind, f"filled/{name}")
        self._account(kind, item_keys(item, response))

    def page_read(self, kind: str | None = None, items: int | None = None,
                  entries: Any = None, passed: Any = (), **_: Any) -> None:
        """A listing page of ``kind`` showed ``entries`` (``ListingEntry``s), of which the
        spider passed over ``passed`` on purpose (older than ``--since``).

        Pages that name no items of their own (a sitemap index, a home page read
        for its feed links) carry none; WordPress's REST pages, post sitemaps
        and feeds do, as they are its listings. ``items`` alone (a count without
        the entries) still counts the page.
        """
        if kind not in self.fields or (items is None and entries is None):
            return
        self._inc("listing", "items")
        listed = self.listed[kind]
        known = getattr(getattr(self.crawler, "spider", None), "known", None)
        if known is not None and entries:  # one lookup for the page (none if the spider's did)
            known.learn(kind, [(e.url, e.cms_id) for e in entries])
        for entry in entries or ():
            keys = entry_keys(entry.url, entry.cms_id)
            listed.list(keys)
            if known is not None and known.find(kind, entry.url, entry.cms_id) is not None:
                listed.account(keys)  # stored by an earlier run
        for entry in passed:
            listed.account(entry_keys(entry.url, entry.cms_id))
        self._set_listed(kind)

    def page_failed(self, kind: str = "page", cause: str | None = None, url: str | None = None,
                    **_: Any) -> None:
        """A page the parsers could not read (``cause="parse"``) is a parse error of its kind;
        any failed item page is accounted for (the failure ledger has it)."""
        if cause == "parse":
            self._inc(kind, "parse_errors")
        if url and kind in self.listed:
            self._account(kind, (("url", url),))

    def page_not_modified(self, url: str, kind: str, **_: Any) -> None:
        """A 304: the stored item is current, its listing is accounted for."""
        if kind in self.listed:
            self._account(kind, (("url", url),))

    def _account(self, kind: str, keys: Any) -> None:
        self.listed[kind].account(keys)
        self._set_listed(kind)

    def _set_listed(self, kind: str) -> None:
        listed = self.listed[kind]
        if listed.listed:
            self.stats.set_value(f"{STATS_PREFIX}/{kind}/listed", len(listed.listed))
            self.stats.set_value(f"{STATS_PREFIX}/{kind}/missing", listed.missing)
