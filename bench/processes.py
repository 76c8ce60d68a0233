"""Which processes a run left behind: tag them through the environment, find them in /proc.

A process killed with SIGKILL leaves its children to init, so "my descendants"
misses exactly the orphans that matter. Instead a run puts a tag in its own
environment (``tag_environment``); every process started from it, however
deep (crawl children, worker threads' children, multiprocessing's forkserver,
resource tracker and pool workers), inherits it, and ``tagged`` finds them
all by reading ``/proc/<pid>/environ``. Used by the soak (``bench.soak``) and
by the test suite's session-end check (``tests.leftovers``). Linux only.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

TAG_ENV = "CONGDOAN_PROCESS_TAG"
_PROC = Path("/proc")


@dataclass(frozen=True)
class Proc:
    """One live process: pid, parent, session and command line."""

    pid: int
    ppid: int
    session: int
    command: str

    def describe(self) -> str:
        """``pid 123 (parent 1): python -m congdoan crawl sim1``."""
        return f"pid {self.pid} (parent {self.ppid}): {self.command[:160]}"


def tag_environment(prefix: str) -> str:
    """Put a fresh tag in this process's environment (inherited by all it starts); return it."""
    tag = f"{prefix}-{uuid.uuid4().hex[:12]}"
    os.environ[TAG_ENV] = tag
    return tag


def available() -> bool:
    """Whether processes can be found this way here (a Linux /proc)."""
    return (_PROC / "self" / "environ").exists()


def tagged(tag: str, *, exclude: tuple[int, ...] = ()) -> list[Proc]:
    """Live processes (not zombies) started with ``tag`` in their environment."""
    needle = f"{TAG_ENV}={tag}".encode() + b"\0"
    found = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude:
            continue
        try:
            environ = (entry / "environ").read_bytes()
            if needle not in environ + b"\0":
                continue
            proc = _read(entry)
        except (OSError, ValueError):
            continue  # gone meanwhile, or not ours to read
        if proc is not None:
            found.append(proc)
    return found


def wait_gone(tag: str, timeout: float, *, exclude: tuple[int, ...] = ()) -> list[Proc]:
    """Wait up to ``timeout`` s for the tagged processes to end; return those still alive."""
    deadline = time.monotonic() + timeout
    while True:
        left = tagged(tag, exclude=exclude)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.2)


def in_session(session: int) -> list[Proc]:
    """Live processes of session ``session`` (a child started with ``start_new_session``)."""
    found = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            try:
                proc = _read(entry)
            except (OSError, ValueError):
                continue
            if proc is not None and proc.session == session:
                found.append(proc)
    return found


def _read(entry: Path) -> Proc | None:
    """The process at ``/proc/<pid>``, or None for a zombie."""
    stat = (entry / "stat").read_text()
    # "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
    fields = stat[stat.rindex(")") + 2:].split()
    if fields[0] in ("Z", "X"):
        return None
    command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return Proc(int(entry.name), int(fields[1]), int(fields[3]), command.strip())
