"""What the tests of the Redis queue share: the server check, a private namespace, waiting."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable

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
