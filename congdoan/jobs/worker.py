"""The worker process: takes file-reading and crawl jobs from the Redis queues.

``congdoan worker`` runs it; file jobs are declared in ``files/queue.py``, crawl jobs
in ``jobs/queue.py``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from congdoan.files.queue import CRAWL_QUEUE, QUEUE, broker, check_redis, read_file_actor, redis_url
from congdoan.jobs.queue import crawl_site_actor


def run_worker(threads: int = 1, queues: frozenset[str] = frozenset({QUEUE}),
               on_stop: Callable[[], object] | None = None) -> None:
    """Take jobs from ``queues`` until SIGTERM or SIGINT (then finish the current ones, stop).

    Raises ``redis.exceptions.RedisError`` at once when Redis does not answer.
    ``on_stop`` runs first on a stop (the crawl worker asks its crawls to stop there).
    """
    import signal
    import threading

    from dramatiq import Worker

    os.environ["OMP_THREAD_LIMIT"] = "1"  # one core per job thread
    read_file_actor()
    if CRAWL_QUEUE in queues:
        crawl_site_actor()
    check_redis()
    worker = Worker(broker(), queues=set(queues), worker_threads=threads)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker.start()
    print(f"worker ready: queue {', '.join(sorted(queues))} on {redis_url()}, "
          f"{threads} thread(s)", flush=True)
    stop.wait()
    if on_stop is not None:
        on_stop()
    worker.stop()
    sys.stdout.flush()
