"""Reading the stored files nobody has read yet, in a pool of worker processes.

OCR is the one expensive stage (seconds per page), so it never runs on the
crawl's reactor: the crawl stores files, and this backlog reads them in
``workers`` processes (one Tesseract thread each: N workers use N cores).
Only the parent writes to the database, one file per transaction: a stopped
run keeps what it finished and the next run reads the rest. A worker that dies
(out of memory, a crash in a native library) costs one file, recorded with
the reason, never the run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from congdoan.files.reading import FileReading, Limits, failed

if TYPE_CHECKING:
    from congdoan.storage.file_texts import PendingFile

DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
_TASKS_PER_WORKER = 20  # files per worker in one pool, then fresh processes


@dataclass
class BacklogResult:
    """What a run of the backlog did: files read, by status, and the reasons of failures."""

    read: int = 0
    pages: int = 0
    ocr_pages: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (name or sha256, reason)

    def add(self, label: str, reading: FileReading) -> None:
        """Count one stored reading; ``label`` names the file in ``problems``."""
        self.read += 1
        self.pages += len(reading.pages)
        self.ocr_pages += sum(1 for p in reading.pages if p.method == "ocr")
        self.statuses[reading.status] = self.statuses.get(reading.status, 0) + 1
        if reading.reason:
            self.problems.append((label, reading.reason))


def read_stored_file(path: str, name: str | None, limits: Limits) -> FileReading:
    """Read one stored file (runs in a worker process)."""
    from congdoan.files.read import read_file

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return failed("application/octet-stream", f"stored file unreadable: {exc.strerror}")
    return read_file(data, name, limits)


def store_reading(sessions: sessionmaker[Session], sha256: str, reading: FileReading) -> None:
    """Save ``reading`` in its own transaction; over a concurrent save of the same file."""
    from congdoan.storage.file_texts import save_reading

    for attempt in (1, 2):
        with sessions() as session:
            try:
                save_reading(session, sha256, reading)
                session.commit()
                return
            except IntegrityError:
                # Another reader (a crawl of another site ending at the same time)
                # stored this file between our delete and our insert: save over it.
                session.rollback()
                if attempt == 2:
                    raise


def _init_worker(parent: int) -> None:
    # A reader outlives a SIGKILLed parent otherwise (waiting for work for ever,
    # and keeping the forkserver and resource tracker alive with it).
    from congdoan.runtime.lifeline import die_with

    die_with(parent)
    # Tesseract runs 4 OpenMP threads by default: with one per process, N workers
    # use N cores instead of fighting over them.
    os.environ["OMP_THREAD_LIMIT"] = "1"


def read_backlog(
    sessions: sessionmaker[Session],
    files_dir: Path,
    *,
    workers: int = DEFAULT_WORKERS,
    limit: int | None = None,
    limits: Limits | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BacklogResult:
    """Read every pending file (at most ``limit``) with ``workers`` processes; store each."""
    from congdoan.storage.file_texts import pending_files

    with sessions() as session:
        pending = pending_files(session, limit)
    result = BacklogResult()
    if not pending:
        return result
    limits = limits or Limits()

    def store(item: PendingFile, reading: FileReading) -> None:
        store_reading(sessions, item.sha256, reading)
        result.add(item.name or item.sha256, reading)
        if progress:
            progress(result.read, len(pending))

    crashed = _read_in_pools(pending, files_dir, workers, limits, store)
    # A dead worker breaks the pool for every file in flight: read those again,
    # one per fresh process, so only the file that kills its reader is lost.
    for item in crashed:
        store(item, _read_alone(str(files_dir / item.stored_path), item.name, limits))
    return result


def _read_in_pools(pending: list[PendingFile], files_dir: Path, workers: int, limits: Limits,
                   store: Callable[[PendingFile, FileReading], None]) -> list[PendingFile]:
    """Read the files ``workers`` at a time and ``store`` each reading; return the files
    whose pool broke (a worker died) before they were read."""
    crashed: list[PendingFile] = []
    # Pools of a bounded number of files, each in fresh processes: what native
    # libraries keep after a file goes back to the system between batches.
    # (Not max_tasks_per_child: with it, Python 3.11's pool can hang on its own.)
    batch = workers * _TASKS_PER_WORKER
    for start in range(0, len(pending), batch):
        with _pool(workers) as pool:
            by_future = {
                pool.submit(read_stored_file, str(files_dir / item.stored_path), item.name,
                            limits): item
                for item in pending[start:start + batch]
            }
            for future, item in by_future.items():
                try:
                    reading = future.result()
                except BrokenProcessPool:
                    crashed.append(item)
                    continue
                store(item, reading)
    return crashed


def _read_alone(path: str, name: str | None, limits: Limits) -> FileReading:
    """Read one file in a process of its own; a reader that dies is the file's failure."""
    with _pool(1) as solo:
        try:
            return solo.submit(read_stored_file, path, name, limits).result()
        except BrokenProcessPool:
            return failed("application/octet-stream",
                          "the reader process died on this file (memory limit or a "
                          "crash in a native library)")


def _pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: children start from a clean process, not a copy of one holding
    # database connections and threads.
    return ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                               initargs=(os.getpid(),),
                               mp_context=multiprocessing.get_context("forkserver"))
