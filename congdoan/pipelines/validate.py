"""First pipeline: an unacceptable item is dropped, with a reason and a count.

What "acceptable" means is decided in ``congdoan.items.validation``, which ``reparse``
applies too.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from congdoan.items.validation import missing_fields
from congdoan.runtime.signals import page_failed


class ValidatePipeline:
    """Drops items missing a required field; the page is recorded as failed."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        """Standard Scrapy constructor."""
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """Pass complete items on; drop the rest with a one-line reason."""
        missing = missing_fields(item)
        if not missing:
            return item
        kind = item.get("kind") or "item"
        reason = f"{kind} dropped: missing {', '.join(missing)}"
        self.crawler.stats.inc_value(f"congdoan/dropped/{kind}")
        self.crawler.signals.send_catch_log(
            page_failed, site=item.get("site"), url=item.get("url"), reason=reason, kind=kind,
            cause="parse",  # the page came; the parser did not find what a record needs
        )
        raise DropItem(f"{item.get('site')}: {item.get('url')}: {reason}")
