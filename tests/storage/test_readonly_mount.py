"""A dataset received on a read-only mount (or as a read-only directory) is readable by
``stats``, ``search`` and ``serve``: SQLite in WAL mode cannot create its ``-shm`` file
there, so the database is read as it is (``immutable``), never migrated or written.

As root, permissions do not stop writes: the directory is then bind-mounted read-only in
a mount namespace of its own (``unshare``); as any other user it is made read-only."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.store import write_batch
from tests.storage.conftest import article_record

READ_ALL = """
import json, sys
from fastapi.testclient import TestClient
from congdoan.web.app import create_app
client = TestClient(create_app(sys.argv[1]))
print("served", client.get("/api/search", params={"q": "giao thừa"}).json()["total"])
"""


def _read_only_dir_commands(source: Path, commands: list[str]) -> subprocess.CompletedProcess:
    """Run ``commands`` (shell lines) where ``source`` is read-only; returns the result."""
    script = " && ".join(commands)
    if os.geteuid() == 0:
        mount = source.parent / "mnt"
        mount.mkdir()
        script = (f"mount --bind {shlex.quote(str(source))} {shlex.quote(str(mount))} && "
                  f"mount -o remount,ro,bind {shlex.quote(str(mount))} && "
                  + script.replace(str(source), str(mount)))
        args = ["unshare", "-rm", "sh", "-c", script]
    else:
        source.chmod(0o555)
        args = ["sh", "-c", script]
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    finally:
        source.chmod(0o755)


@pytest.mark.crawl  # child processes: the congdoan commands on the read-only mount
def test_stats_search_and_serve_read_a_database_on_a_read_only_mount(tmp_path: Path) -> None:
    source = tmp_path / "dataset"
    source.mkdir()
    database = source / "congdoan.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    with session_factory(engine).begin() as session:
        record = article_record(title="Hội nghị đêm giao thừa công đoàn")
        assert all(o.error is None for o in write_batch(session, [("article", record)]))
    engine.dispose()
    assert sorted(p.name for p in source.iterdir()) == ["congdoan.sqlite3"]  # WAL checkpointed

    congdoan = f"{shlex.quote(sys.executable)} -m congdoan"
    db = shlex.quote(str(database))
    result = _read_only_dir_commands(source, [
        f"{congdoan} stats --db {db}",
        f"{congdoan} search 'giao thừa' --db {db}",
        f"{shlex.quote(sys.executable)} -c {shlex.quote(READ_ALL)} sqlite:///{db}",
    ])
    assert result.returncode == 0, result.stderr[-2000:]
    assert "dienbien          1" in result.stdout, result.stdout
    assert "1 of 1 hit for 'giao thừa'" in result.stdout
    assert "served 1" in result.stdout
    assert sorted(p.name for p in source.iterdir()) == ["congdoan.sqlite3"]  # nothing written
