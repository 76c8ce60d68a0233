"""What the tests of the Redis queue share: the server check, a private namespace, waiting."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_or_fail() -> None:
    """Skip without the Redis server, or fail under ``CI=true``."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"Redis not reachable at 127.0.0.1:6379: {exc}")
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {exc}")


def queue_env(**extra: str) -> dict[str, str]:
    """The environment of queue processes: a key namespace of their own, fast heartbeats."""
    return {**os.environ, "CONGDOAN_QUEUE_NAMESPACE": f"congdoan-test-{uuid.uuid4().hex}",
            "CONGDOAN_WORKER_HEARTBEAT_MS": "2000", **extra}


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Poll ``predicate``; fail after ``timeout`` s (a guard against a hang, not a speed test)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


_ENQUEUE = """
import sys
from pathlib import Path
from congdoan.jobs.queue import enqueue_crawl
from congdoan.scheduler import ScheduleConfig
site, db, data, registry, grace, *crawl_args = sys.argv[1:]
enqueue_crawl(ScheduleConfig(db_url=db, data_dir=Path(data), registry=registry,
                             crawl_args=tuple(crawl_args), kill_grace=float(grace)), site)
"""


def enqueue_crawl(env: dict[str, str], site: str, db: str, data: Path, registry: Path,
                  *crawl_args: str, kill_grace: float = 60) -> None:
    """Queue one crawl job as ``schedule run --queue`` does, from a process of ``env``."""
    done = subprocess.run([sys.executable, "-c", _ENQUEUE, site, db, str(data), str(registry),
                           str(kill_grace), *crawl_args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


class Gate:
    """A portal hook holding every request until opened; says when the first one came."""

    def __init__(self) -> None:
        self.reached, self.open = threading.Event(), threading.Event()

    def __call__(self, request: Any, response: Any) -> None:
        self.reached.set()
        self.open.wait(timeout=240)


@dataclass
class GatedSite:
    """One simulated portal ``sim1`` holding its requests at a gate, a SQLite database, a
    data directory and the queue environment of the processes that crawl it."""

    server: Any
    registry: Path
    gate: Gate
    db: str
    data: Path
    env: dict[str, str]


def gated_site(tmp_path: Path) -> GatedSite:
    """Serve ``sim1`` (8 articles, 3 documents) behind a closed gate; see ``GatedSite``."""
    from tests.conftest import serve_portals

    server, registry = serve_portals(tmp_path, sites=1, articles=8, documents=3)
    gate = Gate()
    server.portal("sim1").hooks.append(gate)
    data = tmp_path / "data"
    return GatedSite(server, registry, gate, f"sqlite:///{tmp_path / 'congdoan.sqlite3'}",
                     data, queue_env(CONGDOAN_DATA_DIR=str(data)))
