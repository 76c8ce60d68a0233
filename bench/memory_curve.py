"""How a crawl's resident memory moves while it runs: a diagnostic, not a benchmark.

``python -m bench.memory_curve PORTALS ARTICLES DOCUMENTS [--every S]``
serves that many simulated portals, crawls them with ``bench.crawl_child``
(the full pipeline into a fresh SQLite database) and samples the child's
VmRSS every ``--every`` seconds. It prints the peak and the curve: a rising
curve with a flat live set (``tracemalloc``) points at the allocator, a
rising live set at a leak. Used to find the retained crawlers and the heap
creep described in docs/benchmarks.md. Linux only (reads ``/proc``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.children import FAST_SETTINGS, ROOT, proc_status_mb
from bench.portals import served
from congdoan.sim import default_portals


def main() -> None:
    """Serve, crawl, sample, print."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("portals", type=int)
    parser.add_argument("articles", type=int)
    parser.add_argument("documents", type=int)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between samples")
    args = parser.parse_args()
    specs = default_portals(args.portals, args.articles, args.documents, seed=13)
    sets = [arg for key, value in FAST_SETTINGS.items() for arg in ("--set", f"{key}={value}")]
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        work = Path(tmp)
        with served(specs, work) as (server, registry):
            env = {**os.environ, "CONGDOAN_DATA_DIR": str(work / "data"),
                   "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT),
                                                               os.environ.get("PYTHONPATH"))))}
            started = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-m", "bench.crawl_child", *server.site_ids(),
                 "--registry", str(registry), "--db", str(work / "congdoan.sqlite3"), *sets],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            samples: list[tuple[float, float]] = []
            while child.poll() is None:
                rss = proc_status_mb("VmRSS", child.pid)
                if rss is not None:
                    samples.append((time.perf_counter() - started, rss))
                time.sleep(args.every)
            _, stderr = child.communicate()
    if child.returncode != 0 or not samples:
        sys.exit(f"crawl failed (exit {child.returncode}): {stderr[-1500:]}")
    step = max(1, len(samples) // 24)
    print(f"{args.portals} portals x {args.articles}+{args.documents}: "
          f"{samples[-1][0]:.0f} s, peak {max(r for _, r in samples):.0f} MB (sampled)")
    print("  ".join(f"{t:.0f}s:{r:.0f}" for t, r in samples[::step]))


if __name__ == "__main__":
    main()
