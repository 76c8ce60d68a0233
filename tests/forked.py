"""Run the ``congdoan`` command in a fresh process that starts with its imports done.

A ``congdoan crawl`` child spends about a second importing Scrapy, Twisted,
SQLAlchemy and the project before it fetches anything, and the suite starts
hundreds of them. Twisted's reactor cannot restart, so each crawl still needs
a process of its own; what it need not do is import everything again.
multiprocessing's *forkserver* imports the command once, in a process that
has no threads and no reactor, and forks each child from it: every run gets
a fresh interpreter state (a new reactor, its own working directory,
environment, argv and standard streams) at the cost of a ``fork``.

What differs from ``python -m congdoan``: the child's parent is the fork
server, not the test; tests about processes, signals or sessions (the worker,
the scheduler, SIGKILLed crawls) start real ``python -m congdoan`` children
with ``subprocess`` instead.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

# What a command child imports, imported once in the server (no reactor installed).
PRELOAD = ["tests.preload"]

_context: multiprocessing.context.ForkServerContext | None = None


def _server() -> multiprocessing.context.ForkServerContext:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _context = context
    return _context


def _child(args: Sequence[str], cwd: str, env: dict[str, str], out: str, err: str) -> None:
    """The command's process: the test's directory, environment and argv, output to files."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.argv = [sys.executable, *args]
    from congdoan.commands import app

    code: object = 0
    try:
        app(args=list(args), prog_name="congdoan")
    except SystemExit as exc:
        code = exc.code
    sys.stdout.flush()
    sys.stderr.flush()
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    os._exit(code)


def run(args: Sequence[str], *, cwd: Path, env: dict[str, str],
        timeout: float) -> subprocess.CompletedProcess[str]:
    """``congdoan ARGS`` in a forked child: its exit code, standard output and error."""
    with tempfile.TemporaryDirectory(prefix="congdoan-run-") as scratch:
        out, err = os.path.join(scratch, "out"), os.path.join(scratch, "err")
        process = _server().Process(target=_child, args=(list(args), str(cwd), env, out, err))
        process.start()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["congdoan", *args], timeout)
        stdout = Path(out).read_text(encoding="utf-8", errors="replace")
        stderr = Path(err).read_text(encoding="utf-8", errors="replace")
    return subprocess.CompletedProcess(["congdoan", *args], process.exitcode or 0, stdout, stderr)


def stop() -> None:
    """Stop this process's fork server and resource tracker before the leftover check.

    Both are multiprocessing's own helpers of the test process (ours above, and
    the one a file-reading pool in a test starts); they would end with it, but
    the session's check (``tests/leftovers.py``) runs first and would count them.
    """
    import multiprocessing.resource_tracker

    server = multiprocessing.forkserver._forkserver
    if getattr(server, "_forkserver_pid", None) is not None:
        server._stop()
    tracker = multiprocessing.resource_tracker._resource_tracker
    if getattr(tracker, "_pid", None) is not None:
        tracker._stop()
