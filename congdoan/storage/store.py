"""Batched writes: many records per transaction, each item all-or-nothing.

Committing every item makes SQLite crawls fsync-bound; one transaction per
batch is fast, and a crash loses at most the open batch. A batch is written
whole in one savepoint; if a record fails, the batch is written again a record at
a time, each in its own savepoint, so a bad record is reported and rolled back
alone and can never leave half an item behind.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from congdoan.items.kinds import Kind
from congdoan.storage.documents import upsert_document
from congdoan.storage.models import Watch
from congdoan.storage.prefetch import BatchRows
from congdoan.storage.repository import Status, ensure_site, upsert_article
from congdoan.storage.watches import queue_alerts

UPSERTS = {"article": upsert_article, "document": upsert_document}
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What became of one record: a status, or the error that rolled it back."""

    kind: Kind
    url: str | None
    status: Status | None
    error: BaseException | None = None


def write_batch(session: Session, batch: list[tuple[Kind, Mapping[str, Any]]]) -> list[Outcome]:
    """Upsert every record of ``batch`` inside the session's current transaction.

    First all at once, in one savepoint: a savepoint per record (two statements and
    the ORM's nested transaction each) was 15 % of the store's CPU, and records
    almost never fail. If any record fails, that savepoint is rolled back and the
    batch is written again a record at a time, each in its own savepoint, so the
    outcome is the same as writing them one by one: a bad record is reported and
    rolled back alone.
    """
    # Sites first, outside the savepoints: once per batch, not per item.
    for site in dict.fromkeys(record["site"] for _, record in batch if record.get("site")):
        ensure_site(session, site)
    watches = list(session.scalars(select(Watch)))  # once per batch: matched per item
    try:
        with session.begin_nested():
            rows = BatchRows.load(session, batch)  # once per batch: each upsert takes its row
            return [Outcome(kind, _url(record), _write(session, kind, record, watches, rows))
                    for kind, record in batch]
    except Exception:  # any failure: the careful pass below says which record
        pass
    rows = BatchRows.load(session, batch)
    return [_write_one(session, kind, record, watches, rows) for kind, record in batch]


def _url(record: Mapping[str, Any]) -> str | None:
    return record.get("canonical_url") or record.get("url")


def _write(session: Session, kind: Kind, record: Mapping[str, Any], watches: list[Watch],
           rows: BatchRows) -> Status:
    """Upsert one record and queue its alerts (in the caller's transaction); its status."""
    status = UPSERTS[kind](session, record, rows)
    if status != "unchanged" and watches:
        # Same transaction as the item: the alert exists exactly when the item does.
        queue_alerts(session, kind, record, status, watches)
    return status


def _write_one(session: Session, kind: Kind, record: Mapping[str, Any],
               watches: list[Watch], rows: BatchRows) -> Outcome:
    url = _url(record)
    # Two attempts: a concurrent writer (PostgreSQL workers) may insert the same
    # article or document between our lookup and our insert; the retry then finds it
    # (the batch's rows answer only the first attempt).
    for attempt in (1, 2):
        try:
            with session.begin_nested():
                return Outcome(kind, url, _write(session, kind, record, watches, rows))
        except IntegrityError as exc:
            if attempt == 2:
                logger.warning("storing %s %s failed: %s", kind, url, exc)
                return Outcome(kind, url, None, exc)
        except Exception as exc:  # a bad record must not cost the rest of the batch
            logger.warning("storing %s %s failed: %s", kind, url, exc)
            return Outcome(kind, url, None, exc)
    raise AssertionError("unreachable")


class Store:
    """Buffer records and write them ``batch_size`` at a time, one transaction per batch.

    ``counts`` adds up the outcomes (``new``/``changed``/``unchanged``/``failed``)
    over the store's life, ready for ``runs.finish_run``.
    """

    def __init__(self, sessions: sessionmaker[Session], batch_size: int = 100) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.sessions = sessions
        self.batch_size = batch_size
        self.counts: Counter[str] = Counter()
        self._pending: list[tuple[Kind, Mapping[str, Any]]] = []

    def add(self, kind: Kind, record: Mapping[str, Any]) -> list[Outcome]:
        """Queue ``record``; returns the outcomes of the batch it completed, if any."""
        if kind not in UPSERTS:
            raise ValueError(f"unknown record kind: {kind!r}")
        self._pending.append((kind, record))
        return self.flush() if len(self._pending) >= self.batch_size else []

    def flush(self) -> list[Outcome]:
        """Write the open batch in one transaction; on a failed commit nothing of it is kept."""
        if not self._pending:
            return []
        batch, self._pending = self._pending, []
        try:
            with self.sessions() as session, session.begin():
                outcomes = write_batch(session, batch)
        except BaseException:
            # The database failed (rolled back): the batch stays for ``drain``.
            self._pending = batch + self._pending
            raise
        for outcome in outcomes:
            self.counts[outcome.status or "failed"] += 1
        return outcomes

    def close(self) -> list[Outcome]:
        """Write what is still buffered."""
        return self.flush()

    def drain(self) -> list[tuple[Kind, Mapping[str, Any]]]:
        """Hand back the records not written (the database is gone) and forget them."""
        records, self._pending = self._pending, []
        return records

    @property
    def pending(self) -> int:
        """Records queued but not yet written."""
        return len(self._pending)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        # Flush on a clean exit; after an error the open batch is dropped, not half-written.
        if exc_type is None:
            self.flush()
