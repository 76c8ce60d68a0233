"""``congdoan worker``: read queued files (OCR) for the shared database, on any machine."""

from __future__ import annotations

from typing import Annotated

import typer

from congdoan.commands.common import app, die


@app.command()
def worker(
    threads: Annotated[int, typer.Option("--threads", "-t", min=1,
                       help="Files read at once (one core each).")] = 1,
) -> None:
    """Take file-reading jobs from the Redis queue until stopped (SIGTERM, Ctrl-C).

    \b
    Jobs are put there by `congdoan ocr --pending --queue`; each names the
    shared database it reports to. Redis: $CONGDOAN_REDIS_URL (default
    redis://127.0.0.1:6379/0). A killed worker loses nothing: its unfinished
    jobs go back on the queue when its heartbeat stops.
    Exit status: 0 when stopped, 2 when Redis or OCR is unavailable.
    """
    from redis.exceptions import RedisError

    from congdoan.files.ocr import ocr_available
    from congdoan.files.queue import redis_url, run_worker

    problem = ocr_available()
    if problem:
        die(f"OCR unavailable: {problem}")
    try:
        run_worker(threads)
    except RedisError as exc:
        die(f"Redis not usable at {redis_url()}: {exc}")
