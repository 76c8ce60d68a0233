"""Pytest plugin: the test session fails if a process it started is still alive at the end.

Tests start crawls, workers and schedulers, and kill some of them with
SIGKILL on purpose; what those leave behind (orphaned crawl children, pool
workers, multiprocessing's forkserver) would live on after the run. Every
process started from this session carries its tag (``bench.processes``); at
the end, after a grace for processes still on their way out, any tagged
process left fails the session with its pid and command line.

Under pytest-xdist each worker checks what it started; the controller,
whose tag the workers themselves carry, does not check.
"""

from __future__ import annotations

import os

import pytest

from bench import processes

GRACE_S = 15.0  # a killed crawl's stop, a pool worker noticing its parent gone
_STASH = pytest.StashKey[str]()


def _controller(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config,
                                                                               "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    """Tag this session's processes (before any test starts one)."""
    if processes.available() and not _controller(config):
        config.stash[_STASH] = processes.tag_environment("pytest")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the session when a process it started outlives it."""
    tag = session.config.stash.get(_STASH, None)
    if tag is None:
        return
    left = processes.wait_gone(tag, GRACE_S, exclude=(os.getpid(),))
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(left)} process(es) started by the tests outlived them:",
             *(f"  {proc.describe()}" for proc in left)]
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line("\n".join(lines), red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
