"""Shared crawl machinery lives in one component a new spider family gets for free (#12).

The spider opens no database: the crawl runtime extension reads storage and
hands the spider what it needs. A spider of another CMS family that declares
only ``site_id`` gets the lock, the resume folder, the known items and the
reconciliation decision, through a real Scrapy crawl against the simulator.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import congdoan.spiders.nukeviet as nukeviet_spider
from congdoan.runtime.locks import holder_of
from congdoan.sim import PortalSpec, SimServer
from tests.crawling import FAST, run_congdoan, run_scrapy

PROBE = Path(__file__).parent / "spiders" / "probe.py"


def _imports(module_file: str) -> set[str]:
    tree = ast.parse(Path(module_file).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_nukeviet_spider_reads_no_storage() -> None:
    imported = _imports(nukeviet_spider.__file__)
    assert not [m for m in imported if m.startswith(("congdoan.storage", "sqlalchemy"))]


@pytest.mark.crawl
def test_a_spider_of_another_family_gets_lock_jobdir_known_items_and_reconcile(
        tmp_path: Path) -> None:
    with SimServer([PortalSpec("sim1", seed=6, articles=12, documents=5)]) as server:
        registry = tmp_path / "sites.toml"
        registry.write_text(server.registry_toml(), encoding="utf-8")
        db = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
        stored = run_congdoan("crawl", "sim1", "--registry", str(registry), "--db", db, *FAST,
                              cwd=tmp_path)
        assert stored.returncode == 0, stored.stderr

        def probe(*extra: str) -> dict[str, object]:
            out = tmp_path / "probe.json"
            result = run_scrapy("runspider", str(PROBE), "-a", "site=sim1",
                                "-a", f"base_url={server.base_url('sim1')}", "-a", f"out={out}",
                                "-s", f"CONGDOAN_DATABASE_URL={db}", "-s", "LOG_LEVEL=ERROR",
                                *FAST, *extra, cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            return json.loads(out.read_text(encoding="utf-8"))

        seen = probe()
        assert seen["known"] == 12 + 5  # what storage holds, without opening a database
        assert seen["lock_pid"] == seen["pid"]  # it held the site lock while it ran
        assert (tmp_path / str(seen["jobdir"])) == tmp_path / "data" / "jobs" / "sim1"
        assert (seen["reconcile"], seen["full"]) == (False, False)  # reconciled a moment ago
        assert probe("-s", "CONGDOAN_RECONCILE=always")["reconcile"] is True
        assert holder_of(tmp_path / "data", "sim1") is None
