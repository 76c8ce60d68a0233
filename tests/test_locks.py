"""One crawl per site at a time, across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from congdoan.runtime.locks import EXIT_LOCKED, LockHeld, SiteLock, holder_of
from tests.conftest import serve_portals
from tests.crawling import FAST, run_congdoan

HOLD = ("import sys, time\nfrom congdoan.runtime.locks import SiteLock\n"
        "with SiteLock(sys.argv[1], sys.argv[2]):\n    print('held', flush=True)\n"
        "    sys.stdin.read()\n")


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    with SiteLock(tmp_path, "sim1"):
        with pytest.raises(LockHeld) as refused:
            SiteLock(tmp_path, "sim1").acquire()
        assert refused.value.holder.pid == os.getpid()
        assert f"pid {os.getpid()}" in str(refused.value)
        with SiteLock(tmp_path, "sim2"):  # other sites are independent
            pass
    assert holder_of(tmp_path, "sim1") is None


@pytest.mark.crawl
def test_a_crawl_of_a_locked_site_exits_4_and_names_the_holder(tmp_path: Path) -> None:
    server, registry = serve_portals(tmp_path, sites=1, articles=5, documents=2)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "data"), "sim1"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db",
                              str(tmp_path / "db.sqlite3"), *FAST, cwd=tmp_path)
        assert result.returncode == EXIT_LOCKED
        assert f"pid {holder.pid}" in result.stderr
        assert "Traceback" not in result.stderr
        assert server.requests("sim1") == []  # refused before any request
    finally:
        holder.communicate("", timeout=30)
        server.stop()
    # the holder is gone: the kernel released its lock
    assert holder_of(tmp_path / "data", "sim1") is None
