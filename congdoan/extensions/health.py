"""Count what spider health needs, for any spider family: fill rates, listed items, parse errors.

Like All the Places' ``check_item_properties`` (``atp/field/<name>/missing``)
but per kind and built from the declared contract: for every item that leaves
the pipelines, ``congdoan/health/<kind>/items`` and, for each of the kind's
health fields that is filled, ``congdoan/health/<kind>/filled/<field>``. From
the crawl's own signals: ``page_read`` with ``items=N`` from a listing adds to
``congdoan/health/<kind>/listed`` (and counts a listing page), ``page_failed``
with ``cause="parse"`` adds to ``congdoan/health/<kind>/parse_errors``. The
store pipeline turns these stats into the run's health record
(``congdoan.runtime.health.RunHealth.from_stats``) and judges it.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from congdoan.items.contract import health_fields
from congdoan.items.kinds import KINDS
from congdoan.runtime.health import STATS_PREFIX
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

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self.fields = {kind: health_fields(kind) for kind in KINDS}

    @classmethod
    def from_crawler(cls, crawler: Any) -> FieldFillRates:
        """Off with ``CONGDOAN_HEALTH = False``."""
        if not crawler.settings.getbool("CONGDOAN_HEALTH"):
            raise NotConfigured
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.page_read, signal=page_read)
        crawler.signals.connect(extension.page_failed, signal=page_failed)
        return extension

    def _inc(self, kind: str, name: str, count: int = 1) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{kind}/{name}", count)

    def item_scraped(self, item: Any, **_: Any) -> None:
        """Count the item and each of its filled health fields."""
        kind = item.get("kind")
        if kind not in self.fields:
            return
        self._inc(kind, "items")
        for name in self.fields[kind]:
            if is_filled(item.get(name)):
                self._inc(kind, f"filled/{name}")

    def page_read(self, kind: str | None = None, items: int | None = None, **_: Any) -> None:
        """A listing page of ``kind`` showed ``items`` items.

        Pages that name no items of their own (a sitemap index, a home page read
        for its feed links) carry no count; WordPress's REST pages, post sitemaps
        and feeds do, as they are its listings.
        """
        if kind in self.fields and items is not None:
            self._inc(kind, "listed", items)
            self._inc("listing", "items")

    def page_failed(self, kind: str = "page", cause: str | None = None, **_: Any) -> None:
        """A page the parsers could not read (``cause="parse"``) is a parse error of its kind."""
        if cause == "parse":
            self._inc(kind, "parse_errors")
