"""Last pipeline: write items to the database in batches; it stores, nothing else.

Items are written ``CONGDOAN_STORE_BATCH`` at a time, one transaction per
batch: a killed crawl loses at most the open batch. Each write's outcome goes
to the run ledger (``congdoan.extensions.ledger``), which keeps the run's
record: an item stored resolves its page's earlier failures, one refused is a
failed page.

A database that fails in the middle of a crawl stops it (finish reason
``database_error``, so the run is ``partial`` or ``failed``, never ``ok``):
the pages read but not stored go to ``<data>/retry/<site>.jsonl``
(``congdoan.storage.retry_file``), which the next crawl fetches again.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError

from congdoan import paths
from congdoan.extensions.ledger import RunLedger
from congdoan.runtime.outcome import DATABASE_ERROR
from congdoan.storage import retry_file
from congdoan.storage.archive import PACKED_KEY, pack
from congdoan.storage.check import cause_of, shown_url
from congdoan.storage.db import (
    crawl_database_url,
    release_engine,
    session_factory,
    shared_engine,
)
from congdoan.storage.store import Store
from congdoan.storage.stories import SIGNATURE_KEY
from congdoan.stories.signature import signature_and_bands

logger = logging.getLogger(__name__)


def packing(record: dict[str, Any], packer: Executor) -> dict[str, Any]:
    """``record`` with its raw page handed to ``packer`` (hashed, compressed) instead of kept.

    The record waits in the open batch (up to ``CONGDOAN_STORE_BATCH`` items) and
    the archive takes the packed body (``PACKED_KEY``): keeping the raw bytes beside
    it held every pending page uncompressed too, ~12 MB of response bodies at
    the quick crawl's peak (docs/benchmarks.md, session 8). The future holds the
    bytes until they are packed.
    """
    raw = record.pop("raw_body")
    # The spider hashed these bytes already (``body_sha256``): not hashed again.
    record[PACKED_KEY] = packer.submit(pack, raw, record.get("body_sha256"))
    return record


class StorePipeline:
    """Upserts items in batches; tells the run ledger what each write did."""

    def __init__(self, crawler: Any, url: str, batch_size: int,
                 batch_bytes: int = 2 << 20) -> None:
        self.crawler = crawler
        self.url = url
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self._pending_bytes = 0
        self._fetched_url: dict[str, str] = {}  # canonical URL -> URL as fetched
        self.database_error: str | None = None  # set once the database failed mid-crawl
        # Raw pages are hashed and compressed here, off the reactor thread, while the
        # crawl goes on; the batch write only inserts the result (1.9 ms a page saved).
        self._packer: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        """Off with ``CONGDOAN_STORE = False`` (``congdoan crawl --no-db``)."""
        if not crawler.settings.getbool("CONGDOAN_STORE"):
            raise NotConfigured
        pipeline = cls(crawler, crawl_database_url(crawler.settings),
                       crawler.settings.getint("CONGDOAN_STORE_BATCH"),
                       crawler.settings.getint("CONGDOAN_STORE_BATCH_BYTES"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Connect (migrating the schema on first use); the ledger opens the run record."""
        self.site_id: str = self.crawler.spider.site_id
        self.ledger: RunLedger = self.crawler.get_extension(RunLedger)
        self.engine = shared_engine(self.url)  # one for all this process's crawlers
        self.sessions = session_factory(self.engine)
        self.retry_path = paths.retry_file(paths.data_dir(self.crawler.settings), self.site_id)
        self.store = Store(self.sessions, self.batch_size)
        self._packer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="congdoan-pack")

    def process_item(self, item: Any) -> Any:
        """Queue the item; a full batch is written in one transaction."""
        record = dict(item)
        item.pop("raw_body", None)  # archived; keep it out of exports and memory
        if self.database_error is not None:
            self._spill({record["url"]: f"not stored: {self.database_error}"})
            return item
        self._fetched_url[record["canonical_url"]] = record["url"]
        raw = record.get("raw_body")
        if raw is not None and self._packer is not None:
            record = packing(record, self._packer)
        if record["kind"] == "article" and self._packer is not None:
            # The story signature (folding, shingles, MinHash) off the reactor thread too.
            record[SIGNATURE_KEY] = self._packer.submit(
                signature_and_bands, record.get("title"), record.get("body_text"))
        self._pending_bytes += len(raw or b"")
        try:
            outcomes = self.store.add(record["kind"], record)
            # A batch also ends at CONGDOAN_STORE_BATCH_BYTES of raw pages: with many
            # crawlers in one process, 100 buffered pages each add up.
            if not outcomes and self._pending_bytes >= self.batch_bytes:
                outcomes = self.store.flush()
        except SQLAlchemyError as exc:
            self._database_lost(exc)
            return item
        if outcomes:
            self._pending_bytes = 0
        for outcome in outcomes:
            self._after_write(outcome)
        return item

    def _database_lost(self, exc: BaseException | None = None) -> None:
        """Keep what cannot be stored in the retry file and stop the crawl: it is not ok."""
        first = self.database_error is None
        if exc is not None:
            self.database_error = f"database failed: {cause_of(exc)}"
        unstored = {str(record.get("url")): f"not stored: {self.database_error}"
                    for _, record in self.store.drain()}
        self._spill(unstored)
        if not first or exc is None:
            return
        logger.error("%s: database %s failed, stopping the crawl (read pages kept in %s): %s",
                     self.site_id, shown_url(self.url), self.retry_path, cause_of(exc))
        self.ledger.database_lost(self.database_error)
        # Fetching on would only spill more: pending requests stay in the JOBDIR.
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=DATABASE_ERROR))

    def _spill(self, entries: dict[str, str]) -> None:
        retry_file.append(self.retry_path, entries)

    def _after_write(self, outcome: Any) -> None:
        if outcome.error is None and outcome.url:
            # a page that failed before is fixed now, under either of its URLs
            self.ledger.stored(outcome.url, self._fetched_url.get(outcome.url, outcome.url))
        elif outcome.error is not None:
            self.ledger.not_stored(outcome.url or "?", outcome.error)

    def close_spider(self) -> None:
        """Write the open batch; hand the store's counts to the run record."""
        if self.database_error is not None:
            self._database_lost()
            return
        try:
            outcomes = self.store.close()
        except SQLAlchemyError as exc:
            self._database_lost(exc)
            return
        for outcome in outcomes:
            self._after_write(outcome)
        if self.ledger.row is not None:
            self.ledger.row.stored = dict(self.store.counts)

    def spider_closed(self, **_: Any) -> None:
        """Stop the packer (every batch is written) and let the database go."""
        if self._packer is not None:
            self._packer.shutdown(wait=False, cancel_futures=True)
        engine = self.__dict__.pop("engine", None)
        if engine is not None:
            release_engine(engine)
