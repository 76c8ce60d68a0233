"""Scale: a simulated country of portals crawled at once, at a quarter, half and full size.

34 portals (``default_portals``: the three URL set-ups in turn), each with
``articles`` articles and ``documents`` documents at full size, are crawled
together by one ``bench.crawl_child`` process (four sites at a time, as
``crawl --all`` does; the full pipeline into one SQLite database). Measured
per size: wall time of the child process, its peak RSS (its own ``VmHWM``,
see ``bench.children``), the database size (SQLite file with its WAL) and
items/s. The simulator runs in this
process, on the other core. ``growth`` compares each size with the smallest:
time and memory should grow no faster than the work.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.children import FAST_SETTINGS, dir_size_mb, run_child
from bench.portals import served
from congdoan.sim import default_portals

PORTALS = 34
FULL_ARTICLES = 3000
FULL_DOCUMENTS = 800
FRACTIONS = (0.25, 0.5, 1.0)
TARGET_PEAK_RSS_MB = 300.0


def run_size(portals: int, articles: int, documents: int) -> dict[str, Any]:
    """Crawl ``portals`` fresh portals of the given size; one row of figures."""
    specs = default_portals(portals, articles, documents, seed=13)
    sets = [arg for key, value in FAST_SETTINGS.items() for arg in ("--set", f"{key}={value}")]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        db = work / "congdoan.sqlite3"
        with served(specs, work) as (server, registry):
            child = run_child(
                ["-m", "bench.crawl_child", *server.site_ids(), "--registry", str(registry),
                 "--db", str(db), *sets],
                env={"CONGDOAN_DATA_DIR": str(work / "data")}, cwd=work,
            )
            requests = sum(len(server.requests(site)) for site in server.site_ids())
        if child.returncode != 0 or not child.result:
            raise RuntimeError(f"scale crawl failed: {child.stderr_tail}")
        db_mb = sum(p.stat().st_size for p in work.glob("congdoan.sqlite3*")) / 1e6
        files_mb = dir_size_mb(work / "data") if (work / "data").exists() else 0.0
    items = child.result["articles"] + child.result["documents"]
    return {
        "portals": portals,
        "articles_per_portal": articles,
        "documents_per_portal": documents,
        "items": items,
        "expected_items": portals * (articles + documents),
        "requests": requests,
        "failures": child.result["failures"],
        "wall_s": child.wall_s,
        "crawl_s": child.result["crawl_s"],
        "peak_rss_mb": child.peak_rss_mb,
        "db_mb": db_mb,
        "files_mb": files_mb,
        "items_per_s": items / child.wall_s,
    }


def run(*, size: float = 1.0, fractions: tuple[float, ...] = FRACTIONS,
        portals: int = PORTALS) -> list[dict[str, Any]]:
    """One row per fraction of ``size`` x the full country, smallest first."""
    rows = []
    for fraction in sorted(fractions):
        articles = max(1, round(FULL_ARTICLES * size * fraction))
        documents = max(1, round(FULL_DOCUMENTS * size * fraction))
        rows.append(run_size(portals, articles, documents))
    base = rows[0]
    for row in rows:
        work = row["items"] / base["items"]
        row["fraction"] = row["items"] / (portals * (FULL_ARTICLES + FULL_DOCUMENTS))
        row["growth"] = {"work": work, "time": row["wall_s"] / base["wall_s"],
                         "memory": row["peak_rss_mb"] / base["peak_rss_mb"]}
    return rows
