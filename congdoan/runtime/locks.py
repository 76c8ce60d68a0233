"""One crawl per site at a time, across processes: a file lock, or a lock in PostgreSQL.

``site_lock()`` picks the lock for a crawl: on a PostgreSQL database a
session-level advisory lock in that database (``congdoan.runtime.pglock``), so crawls on
several machines sharing it never overlap; otherwise (SQLite, no database) the
file lock below, which only sees one machine.

Every crawl takes ``<data>/locks/<site>.lock`` for its whole length, whichever way
it was started (``congdoan crawl``, ``scrapy crawl nukeviet``, ``crawl_sites()``, a
scheduler child): the one taker is the crawl runtime extension
(``congdoan.extensions.runtime``), so a manual crawl, a scheduled one and a
Scrapy one never run at once or share a resume folder. The lock is
``fcntl.flock``: the kernel drops it when the holder dies, even by SIGKILL, so a
crash never leaves a stale lock behind. The file records who holds it (pid, host,
start time) for the refusal message.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

from congdoan import paths

# Exit code of ``congdoan crawl`` when another crawl of the site holds its lock.
from congdoan.runtime.exitcodes import EXIT_LOCKED  # noqa: F401  (re-exported)
from congdoan.runtime.lockbase import Holder, LockHeld


def lock_path(data_dir: str | Path, site: str) -> Path:
    """``<data>/locks/<site>.lock``."""
    return paths.lock_file(Path(data_dir), site)


class SiteLock:
    """An exclusive, non-blocking lock on one site: ``with SiteLock(data, "sim1"): crawl()``."""

    def __init__(self, data_dir: str | Path, site: str) -> None:
        self.site = site
        self.path = lock_path(data_dir, site)
        self._handle: IO[str] | None = None

    def acquire(self) -> SiteLock:
        """Take the lock or raise ``LockHeld`` naming the holder; never waits."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+": opening must not truncate, the holder's record is in there.
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held past this call
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _read_holder(handle.read())
            handle.close()
            raise LockHeld(self.site, holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        """Drop the lock (the record is cleared so a reader never sees a past holder)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._handle is not None

    def __enter__(self) -> SiteLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


class Lock(Protocol):
    """What a site lock offers: take it (or ``LockHeld``), release it, say if it is held."""

    site: str

    def acquire(self) -> Lock: ...

    def release(self) -> None: ...

    @property
    def held(self) -> bool: ...


def uses_database_lock(db_url: str | None) -> bool:
    """True when crawls of ``db_url`` lock sites in the database (PostgreSQL)."""
    from congdoan.runtime.pglock import is_postgresql

    return is_postgresql(db_url)


def site_lock(data_dir: str | Path, site: str, db_url: str | None = None) -> Lock:
    """The lock of ``site``: an advisory lock in PostgreSQL ``db_url``, else the file lock."""
    if uses_database_lock(db_url):
        from congdoan.runtime.pglock import AdvisoryLock

        assert db_url is not None
        return AdvisoryLock(db_url, site)
    return SiteLock(data_dir, site)


def holder_of(data_dir: str | Path, site: str, db_url: str | None = None) -> Holder | None:
    """Who holds the site's lock now (the one ``site_lock`` picks), or ``None`` when free."""
    if uses_database_lock(db_url):
        from congdoan.runtime.pglock import advisory_holder

        assert db_url is not None
        return advisory_holder(db_url, site)
    try:
        with SiteLock(data_dir, site):
            return None
    except LockHeld as exc:
        return exc.holder


def _read_holder(text: str) -> Holder:
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        data = {}
    pid = data.get("pid")
    return Holder(pid if isinstance(pid, int) else None, str(data.get("host") or ""),
                  str(data.get("started") or ""))
