"""Write crawled items to one JSON Lines file, shared by every crawler of a run.

Scrapy's feed exports open one file object per crawler; with ``--all`` several
crawlers would interleave partial buffers in one file. Here every crawler
writes whole lines through one handle (the reactor is single-threaded).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from congdoan.exports.jsonl import dumps_line
from congdoan.files.reading import READING_KEY

EXCLUDED_FIELDS = frozenset({"raw_body"})


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def item_to_json(item: Any) -> str:
    """One JSON line for an item, Vietnamese kept as UTF-8, raw bytes left out.

    Written by the export's line writer, so U+2028/U+2029/U+0085 inside text are
    escaped: readers that split lines on them still see one item per line.
    """
    data = {key: value for key, value in dict(item).items() if key not in EXCLUDED_FIELDS}
    if data.get("attachments"):
        # A file's reading page by page is for the store; its text is exported already.
        data["attachments"] = [{k: v for k, v in a.items() if k != READING_KEY}
                               for a in data["attachments"]]
    return dumps_line(data, default=_default)


class JsonLinesExport:
    """Appends each scraped item to the output handle of ``congdoan crawl --output``."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle

    @classmethod
    def from_crawler(cls, crawler: Any) -> JsonLinesExport:
        """Active only when ``congdoan crawl --output`` handed over a file handle."""
        run = getattr(crawler, "congdoan_run", None)
        if run is None or run.output is None:
            raise NotConfigured
        ext = cls(run.output)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, item: Any, **_: Any) -> None:
        """Write one line."""
        self.handle.write(item_to_json(item) + "\n")
