"""``congdoan worker``: read queued files (OCR) or run queued crawls, on any machine."""

from __future__ import annotations

from typing import Annotated

import typer

from congdoan.commands.common import app, die


@app.command()
def worker(
    threads: Annotated[int, typer.Option("--threads", "-t", min=1,
                       help="Jobs at once (files read: one core each; crawls: one child "
                       "process each).")] = 1,
    crawls: Annotated[bool, typer.Option("--crawls", help="Run crawl jobs (queued by "
                      "`congdoan schedule run --queue`) instead of file-reading jobs.")] = False,
) -> None:
    """Take jobs from the Redis queue until stopped (SIGTERM, Ctrl-C).

    \b
    File jobs are put there by `congdoan ocr --pending --queue`, crawl jobs
    (--crawls) by `congdoan schedule run --queue`; each names the shared
    database it reports to. A crawl job runs `congdoan crawl SITE` in a child
    process with this machine's data directory ($CONGDOAN_DATA_DIR); a site
    being crawled elsewhere is not retried: the job is logged, and recorded in
    the run history (`congdoan schedule history`) as `locked`.
    Redis: $CONGDOAN_REDIS_URL (default redis://127.0.0.1:6379/0); not
    answering at start: exit 2. SIGTERM stops running crawls cleanly (run
    `interrupted`). A killed worker (even SIGKILL) loses nothing: each of its
    crawls stops itself the same way (killed if it takes longer than the kill
    grace), and its unfinished jobs go back on the queue when its heartbeat
    stops (about a minute), then run again, resuming where they stopped (from
    the start if a crawl had to be killed: its queue was never saved).
    Exit status: 0 when stopped, 2 when Redis or OCR is unavailable.
    """
    from redis.exceptions import RedisError

    from congdoan.files.queue import CRAWL_QUEUE, QUEUE, redis_url
    from congdoan.jobs.worker import run_worker

    if crawls:
        from congdoan.jobs.queue import stop_crawls

        queues, on_stop = frozenset({CRAWL_QUEUE}), stop_crawls
    else:
        from congdoan.files.ocr import ocr_available

        problem = ocr_available()
        if problem:
            die(f"OCR unavailable: {problem}")
        queues, on_stop = frozenset({QUEUE}), None
    try:
        run_worker(threads, queues, on_stop)
    except RedisError as exc:
        die(f"Redis not usable at {redis_url()}: {exc}")
