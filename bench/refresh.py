"""Refresh cost: a full crawl against a second crawl of the same, unchanged portal.

For each scale (1x, 2x, 4x, 8x a base portal size) a fresh simulated portal
is crawled twice into the same SQLite database with the real command line,
``python -m congdoan crawl SITE`` (fast settings), and the requests the
simulator served for each crawl are counted. Whatever the current code does
on the second crawl (a full re-crawl, or an incremental refresh) is what is
measured. The target for an unchanged portal is at most ``sections + 2``
requests (one first listing page per section, plus robots.txt and one feed
or sitemap), flat as the portal grows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.children import FAST_SETTINGS, run_child
from bench.portals import served
from congdoan.registry import load_registry
from congdoan.sim import PortalSpec

SCALES = (1, 2, 4, 8)


def _crawl_args(site: str, registry: Path, db: Path) -> list[str]:
    sets = [arg for key, value in FAST_SETTINGS.items() for arg in ("--set", f"{key}={value}")]
    return ["-m", "congdoan", "crawl", site, "--registry", str(registry), "--db", str(db),
            "--quiet", *sets]


def run_scale(scale: int, articles: int, documents: int) -> dict[str, Any]:
    """Full crawl then refresh of one portal ``scale`` times the base size."""
    spec = PortalSpec("sim1", seed=21, articles=articles * scale, documents=documents * scale)
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        work = Path(tmp)
        env = {"CONGDOAN_DATA_DIR": str(work / "data")}
        with served([spec], work) as (server, registry):
            site = load_registry(registry).get("sim1")
            sections = len(site.news_sections) + (1 if site.laws_module else 0)
            db = work / "congdoan.sqlite3"
            runs = []
            for _ in range(2):
                server.clear_requests()
                child = run_child(_crawl_args("sim1", registry, db), env=env, cwd=work)
                if child.returncode not in (0, 3):
                    raise RuntimeError(f"crawl failed ({child.returncode}): {child.stderr_tail}")
                runs.append((len(server.requests("sim1")), child.wall_s))
            truth = server.truth("sim1")
    (full_requests, full_s), (refresh_requests, refresh_s) = runs
    return {
        "scale": scale,
        "items": len(truth["articles"]) + len(truth["documents"]),
        "sections": sections,
        "target_requests": sections + 2,
        "full_requests": full_requests,
        "refresh_requests": refresh_requests,
        "full_s": full_s,
        "refresh_s": refresh_s,
    }


def run(*, articles: int = 40, documents: int = 10, scales: tuple[int, ...] = SCALES
        ) -> list[dict[str, Any]]:
    """One row per scale; see the module docstring."""
    return [run_scale(scale, articles, documents) for scale in scales]
