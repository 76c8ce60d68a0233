"""Reading files on a shared queue, for when one machine is not enough (Dramatiq on Redis).

``congdoan ocr --pending --queue`` puts one message per unread file on the
queue; ``congdoan worker`` (on any number of machines) takes them, reads the
file and stores the reading in the shared database (PostgreSQL; the files
directory shared too, e.g. over NFS). Dramatiq acknowledges a message only
after the job returns (late acks), and a worker that stops beating (killed,
machine lost) has its unacknowledged messages put back on the queue by the
others. A job may therefore run twice; it is idempotent: a file already read
is skipped, and a reading is saved over any other (``backlog.store_reading``).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from congdoan.files.backlog import read_stored_file, store_reading
from congdoan.files.reading import Limits

logger = logging.getLogger(__name__)
QUEUE = "congdoan-files"
CRAWL_QUEUE = "congdoan-crawls"  # crawl jobs (congdoan.jobs.queue)
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
JOB_TIME_LIMIT_MS = 60 * 60 * 1000  # a 500-page scan at a few seconds a page, with room


def redis_url() -> str:
    """``$CONGDOAN_REDIS_URL`` or the local Redis."""
    return os.environ.get("CONGDOAN_REDIS_URL") or DEFAULT_REDIS_URL


@lru_cache(maxsize=1)
def broker() -> Any:
    """The Dramatiq Redis broker of this process (made once; file and crawl jobs share it)."""
    import dramatiq
    from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker

    redis_broker = RedisBroker(
        url=redis_url(),
        # Tests run beside other users of the same Redis: their own key namespace.
        namespace=os.environ.get("CONGDOAN_QUEUE_NAMESPACE") or "congdoan",
        # A worker silent this long is dead: its unacknowledged jobs go back on the queue.
        heartbeat_timeout=int(os.environ.get("CONGDOAN_WORKER_HEARTBEAT_MS") or 60_000),
        # The clean-up that re-queues dead workers' jobs runs on 1 fetch in 10 (not 1 in 1,000).
        maintenance_chance=MAINTENANCE_SCALE // 10,
    )
    dramatiq.set_broker(redis_broker)
    return redis_broker


def check_redis() -> None:
    """Raise ``redis.exceptions.RedisError`` unless the queue's Redis answers.

    Dramatiq itself would retry a lost connection every second for ever: a
    worker or scheduler started without its Redis says so and stops instead.
    """
    broker().client.ping()


@lru_cache(maxsize=1)
def read_file_actor() -> Any:
    """The Dramatiq actor that reads one stored file, bound to the Redis broker (made once)."""
    import dramatiq

    return dramatiq.actor(_read_file_job, actor_name="read_file", queue_name=QUEUE,
                          broker=broker(), max_retries=3, time_limit=JOB_TIME_LIMIT_MS)


def _read_file_job(sha256: str, path: str, name: str | None, db_url: str) -> None:
    """Read the file at ``path`` unless it was read already; store the reading."""
    from sqlalchemy import select

    from congdoan.storage.models import FileText

    sessions = _sessions(db_url)
    with sessions() as session:
        if session.scalar(select(FileText.sha256).where(FileText.sha256 == sha256)):
            return  # delivered again after a worker died past its save: nothing to do
    print(f"{_now()} reading {sha256} {name or ''}", flush=True)  # what an operator tails
    reading = read_stored_file(path, name, Limits())
    store_reading(sessions, sha256, reading)
    print(f"{_now()} stored {sha256} {reading.status}", flush=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@lru_cache(maxsize=4)
def _sessions(db_url: str) -> Any:
    from congdoan.storage.db import make_engine, session_factory

    return session_factory(make_engine(db_url))


def enqueue_pending(sessions: Any, files_dir: str, db_url: str,
                    limit: int | None = None) -> int:
    """Put one message per unread file on the queue; the number queued."""
    from congdoan.storage.file_texts import pending_files

    actor = read_file_actor()
    with sessions() as session:
        pending = pending_files(session, limit)
    for item in pending:
        actor.send(item.sha256, os.path.join(files_dir, item.stored_path), item.name, db_url)
    return len(pending)
