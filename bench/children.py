"""Child processes for the crawl benchmarks: one crawl per process, timed and measured.

Twisted's reactor cannot restart, so every crawl (ours or the bare spider)
runs in its own ``python`` child. The child reports its own peak resident set size: ``VmHWM`` of
``/proc/self/status``, the high-water mark of the memory it mapped since
``exec``. ``ru_maxrss`` is no measure of it: Linux carries the *parent's*
high-water mark into the child at ``exec``, and the parent here holds the
simulator (700 MB of generated portals at full size), so every child
"peaked" at the simulator's size. ``ru_maxrss`` from ``os.wait4`` is kept as
the fallback where ``/proc`` does not exist.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Local portals answer at once: no politeness delays, the same for every side.
FAST_SETTINGS: dict[str, str] = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
}
RESULT_PREFIX = "BENCH-RESULT "  # the child's one machine-readable stdout line


@dataclass
class ChildRun:
    """What one child process did: exit code, wall time, peak RSS and its result line."""

    returncode: int
    wall_s: float
    peak_rss_mb: float
    result: dict[str, Any] = field(default_factory=dict)
    stderr_tail: str = ""


def run_child(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600,
              cwd: Path | None = None) -> ChildRun:
    """Run ``python ARGS`` from the repository root and measure it.

    The child's stdout and stderr go to temporary files (no pipe can fill up);
    a stdout line starting with ``RESULT_PREFIX`` is parsed as JSON into
    ``ChildRun.result``.
    """
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    # The repository root must be importable for ``-m bench...`` from any cwd.
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), full_env.get("PYTHONPATH", "")) if p
    )
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *args], stdout=out, stderr=err,
                                cwd=cwd or ROOT, env=full_env)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it is reaped
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    result: dict[str, Any] = {}
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
    peak = result.get("own_peak_rss_mb") or usage.ru_maxrss / 1024
    return ChildRun(proc.returncode, wall, peak, result, stderr[-3000:])


def proc_status_mb(field: str, pid: int | str = "self") -> float | None:
    """A memory line of ``/proc/PID/status`` (``VmRSS``, ``VmHWM``) in MB; None if unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def own_peak_rss_mb() -> float | None:
    """This process's peak resident set size since ``exec`` (``VmHWM``); None off Linux."""
    return proc_status_mb("VmHWM")


def emit_result(result: dict[str, Any]) -> None:
    """Print the child's result line for ``run_child`` to read, with its own peak RSS."""
    result = {**result, "own_peak_rss_mb": own_peak_rss_mb()}
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def dir_size_mb(path: Path) -> float:
    """Total size of the regular files under ``path``, in MB."""
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return total / 1e6
