"""Child process of ``bench/planning.py``: one crawl, measured from inside.

``python bench/planning_child.py [--tree DIR] --registry R --db-url URL [--set K=V ...] SITE``

Run as a script, not a module, so that ``--tree`` (another checkout, e.g. main's code)
can be imported instead of this one: its directory goes first on ``sys.path`` and the
editable install's finder is dropped. Prints one ``BENCH-RESULT`` JSON line: the
crawl's CPU seconds (user + sys of this process and its reaped children), its peak
RSS (``VmHWM``), the SQL statements it sent and the rows it fetched, in all and
while the crawl was being planned (``CrawlRuntime._prepare``: what storage holds,
the retry list, the reconciliation), with that step's CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any


def _use_tree(tree: str) -> None:
    sys.meta_path[:] = [f for f in sys.meta_path
                        if "editable" not in (getattr(f, "__module__", "") or "")
                        and "editable" not in (getattr(f, "__name__", "") or "")]
    sys.path.insert(0, tree)


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    """Parse the arguments, install the counters, crawl, print the result line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("--tree")
    parser.add_argument("--registry", required=True)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    if args.tree:
        _use_tree(args.tree)

    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.engine.cursor import CursorResult

    import congdoan
    from congdoan.extensions.runtime import CrawlRuntime
    from congdoan.jobs.runner import crawl_sites

    counts: dict[str, Any] = {"statements": 0, "rows": 0}
    planning: dict[str, float] = {}

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(*_: Any) -> None:
        counts["statements"] += 1

    # Rows handed to Python by any result (a diagnostic's hook on SQLAlchemy 2's
    # result internals: every fetch goes through one of these four).
    def _counting(name: str) -> None:
        original = getattr(CursorResult, name)

        def wrapped(self: Any, *a: Any, **k: Any) -> Any:
            out = original(self, *a, **k)
            if name == "_fetchone_impl":
                counts["rows"] += out is not None
            elif name == "_fetchiter_impl":
                return _iter_counted(out)
            else:
                counts["rows"] += len(out)
            return out
        setattr(CursorResult, name, wrapped)

    def _iter_counted(rows: Any) -> Any:
        for row in rows:
            counts["rows"] += 1
            yield row

    for name in ("_fetchall_impl", "_fetchiter_impl", "_fetchmany_impl", "_fetchone_impl"):
        _counting(name)

    prepare = CrawlRuntime._prepare

    def timed_prepare(self: Any) -> None:
        cpu, wall = _cpu(), time.perf_counter()
        statements, rows = counts["statements"], counts["rows"]
        try:
            prepare(self)
        finally:
            planning.update(cpu_s=_cpu() - cpu, wall_s=time.perf_counter() - wall,
                            statements=counts["statements"] - statements,
                            rows=counts["rows"] - rows)

    CrawlRuntime._prepare = timed_prepare  # type: ignore[method-assign]
    overrides: dict[str, object] = {"LOG_LEVEL": "ERROR", "CONGDOAN_DATABASE_URL": args.db_url,
                                    "CONGDOAN_STORE": True}
    for pair in args.set:
        key, _, value = pair.partition("=")
        overrides[key] = value
    cpu, wall = _cpu(), time.perf_counter()
    results = crawl_sites([args.site], registry=args.registry, overrides=overrides,
                          progress=False)
    print("BENCH-RESULT " + json.dumps({
        "imported": congdoan.__file__, "cpu_s": _cpu() - cpu, "wall_s": time.perf_counter() - wall,
        "peak_rss_mb": _peak_mb(), "statements": counts["statements"], "rows": counts["rows"],
        "planning": planning, "statuses": sorted({r.status for r in results}),
        "articles": sum(r.articles for r in results),
        "documents": sum(r.documents for r in results)}), flush=True)


if __name__ == "__main__":
    main()
