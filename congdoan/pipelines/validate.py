"""First pipeline: an item without its required fields is dropped, with a reason and a count."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from congdoan.normalize.text import fold
from congdoan.signals import page_failed

REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("site", "url", "canonical_url", "title", "body_text"),
    "document": ("site", "url", "canonical_url", "title"),
}


# Headings of the page's own sections. A page that lost its real title (a
# broken template, a half-saved record) makes a parser's fallback pick one of
# these: such a title is missing, not a title.
SECTION_HEADINGS = frozenset({"noi dung", "noi dung van ban", "toan van", "file dinh kem",
                              "tai tap tin", "van ban", "tin tuc", "thong bao"})


def missing_fields(item: Any) -> list[str]:
    """Names of required fields that are absent or blank for the item's kind.

    A title that is only a section heading ("Nội dung", "File đính kèm") counts as absent.
    """
    required = REQUIRED.get(item.get("kind"), ("kind",))
    missing = [name for name in required if not item.get(name)]
    title = item.get("title")
    if title and "title" not in missing and fold(title).strip(" :.") in SECTION_HEADINGS:
        missing.append("title")
    return missing


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
            page_failed, site=item.get("site"), url=item.get("url"), reason=reason, kind=kind
        )
        raise DropItem(f"{item.get('site')}: {item.get('url')}: {reason}")
