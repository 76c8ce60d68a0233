"""Crawl overhead: a full congdoan crawl against a bare Scrapy spider on the same URLs.

Each repetition crawls the same simulated portals twice, back to back, each
side in its own child process: first the full crawl (``bench.crawl_child``:
spider, validate/normalise/attachments/store pipelines, SQLite) into a fresh
database, then the bare spider (``bench.bare_spider``) on exactly the URLs the
simulator logged for that crawl. Same simulator, same concurrency, no delays.
pages/s is pages over the span from spider open to spider close; the
median over repetitions is reported, and the ratio bare/full is what all our
processing costs. Python start-up and imports are left out of both sides. The
CPU time of each child over the same span (all its threads) is reported per page
beside it: what a page costs, which pages/s shows only when the crawlers, not the
simulator or the machine's load, limit the rate (docs/benchmarks.md, session 10).

The fresh database is migrated here, before the full crawl starts, as
``congdoan db upgrade`` would: a crawl measures a database already at the schema
head (every crawl but a new database's first), whose process never imports
Alembic (~10 MB of peak memory, ``congdoan.storage.db.SCHEMA_HEAD``).
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.children import FAST_SETTINGS, run_child
from bench.portals import fetched_urls, served
from congdoan.sim import default_portals
from congdoan.storage.db import upgrade

TARGET_RATIO = 0.60  # full crawl pages/s at least 60 % of the bare spider's


def _sets() -> list[str]:
    return [arg for key, value in FAST_SETTINGS.items() for arg in ("--set", f"{key}={value}")]


def run(*, sites: int = 3, articles: int = 120, documents: int = 30, repeats: int = 3
        ) -> dict[str, Any]:
    """Pages/s of both sides and their ratio; see the module docstring."""
    specs = default_portals(sites, articles, documents, seed=5)
    site_ids = [s.site_id for s in specs]
    full_rates, bare_rates, pages, rss = [], [], 0, {"full": [], "bare": []}
    cpu: dict[str, list[float]] = {"full": [], "bare": []}  # CPU ms a page, every thread
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = Path(tmp)
        with served(specs, work) as (server, registry):
            for rep in range(repeats):
                server.clear_requests()
                run_dir = work / f"run{rep}"
                run_dir.mkdir()
                database = run_dir / "congdoan.sqlite3"
                upgrade(f"sqlite:///{database}")
                full = run_child(
                    ["-m", "bench.crawl_child", *site_ids, "--registry", str(registry),
                     "--db", str(database), *_sets()],
                    env={"CONGDOAN_DATA_DIR": str(run_dir / "data")},
                )
                if full.returncode != 0 or not full.result:
                    raise RuntimeError(f"full crawl failed: {full.stderr_tail}")
                urls = fetched_urls(server, site_ids)
                url_file = run_dir / "urls.txt"
                url_file.write_text("\n".join(urls), encoding="utf-8")
                bare = run_child(["-m", "bench.bare_spider", str(url_file), *_sets()])
                if bare.returncode != 0 or not bare.result:
                    raise RuntimeError(f"bare spider failed: {bare.stderr_tail}")
                pages = len(urls)
                full_rates.append(pages / full.result["crawl_s"])
                bare_rates.append(bare.result["pages"] / bare.result["crawl_s"])
                cpu["full"].append(1000 * full.result["cpu_s"] / pages)
                cpu["bare"].append(1000 * bare.result["cpu_s"] / bare.result["pages"])
                rss["full"].append(full.peak_rss_mb)
                rss["bare"].append(bare.peak_rss_mb)
    full_rate, bare_rate = statistics.median(full_rates), statistics.median(bare_rates)
    return {
        "pipeline_pages_per_s": full_rate,
        "bare_pages_per_s": bare_rate,
        "ratio": full_rate / bare_rate,
        "target_ratio": TARGET_RATIO,
        "pages": pages,
        "sites": sites,
        "repeats": repeats,
        "pipeline_runs_pages_per_s": full_rates,
        "bare_runs_pages_per_s": bare_rates,
        "pipeline_cpu_ms_per_page": statistics.median(cpu["full"]),
        "bare_cpu_ms_per_page": statistics.median(cpu["bare"]),
        "pipeline_peak_rss_mb": statistics.median(rss["full"]),
        "bare_peak_rss_mb": statistics.median(rss["bare"]),
    }
