"""Diagnostic: where a full crawl's time goes per item, and its instruction count.

``python -m bench.crawl_profile [--sites 3 --articles 120 --documents 30] [--callgrind]``

Serves the portals of the crawl-overhead benchmark (same seed and sizes as
``--quick``) and runs one full crawl (``bench.crawl_child``) in a child under
``cProfile``. The child's reactor-thread time is split into stages by the
cumulative time of their entry points:

- parse: the spider's detail callbacks (``parse_article`` / ``parse_document``:
  markup, fields, the item);
- listings: the spider's listing, sitemap and feed callbacks (the bare spider
  reads none of them);
- validate, normalise, attachments, store: each pipeline's ``process_item``
  (store also its open, close and ``spider_closed``: the batch writes);
- Scrapy: everything else on the reactor thread (engine, scheduler,
  downloader, middlewares, the files pipeline's downloads) minus the time
  spent waiting in the reactor's poll.

Times are wall time of the reactor thread's calls, minus its waits in the
poll; work done in other threads (PDF text, file writes, page compression)
is not counted. Other processes on the machine inflate them: compare runs
made back to back, and prefer ``--callgrind``'s counts. Milliseconds per
stored item are printed, and the JSON goes to ``--out``. cProfile slows
Python calls down, so the shares matter more than the absolute figures.

With ``--callgrind``, the same crawl runs once more under
``valgrind --tool=callgrind --separate-threads=yes`` and the bare spider on
the URLs it fetched too: instructions of each child (imports included), on
the reactor thread and in all threads, a figure that does not move with the
machine's load, unlike seconds. Work moved to a worker thread leaves the
reactor's count but not the total. Where a C compiler and valgrind's headers
are at hand, the counters are also dumped at the first spider open and the last
close (``bench.span``), and the reactor thread's instructions *in that span* are
printed: the part pages/s times, without start-up and imports (which were
three quarters of the whole-process figure in session 9, docs/benchmarks.md).
``--keep-callgrind DIR`` keeps callgrind's files for ``callgrind_annotate``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.children import FAST_SETTINGS, ROOT, run_child
from bench.span import MARK_ENV

# Stage -> (module path suffix, function name) of its entry points on the reactor thread.
STAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "parse": (("congdoan/spiders/nukeviet.py", "parse_article"),
              ("congdoan/spiders/nukeviet.py", "parse_document")),
    "listings": (("congdoan/spiders/nukeviet.py", "parse_news_listing"),
                 ("congdoan/spiders/nukeviet.py", "parse_laws_listing"),
                 ("congdoan/spiders/nukeviet.py", "parse_sitemap"),
                 ("congdoan/spiders/nukeviet.py", "parse_rss")),
    "validate": (("congdoan/pipelines/validate.py", "process_item"),),
    "normalise": (("congdoan/pipelines/normalize.py", "process_item"),),
    "attachments": (("congdoan/pipelines/attachments.py", "process_item"),),
    "store": (("congdoan/pipelines/store.py", "process_item"),
              ("congdoan/pipelines/store.py", "open_spider"),
              ("congdoan/pipelines/store.py", "close_spider"),
              ("congdoan/pipelines/store.py", "spider_closed")),
}
_POLL = re.compile(r"\b(poll|select|epoll)\b")


def _sets() -> list[str]:
    return [arg for key, value in FAST_SETTINGS.items() for arg in ("--set", f"{key}={value}")]


def stage_seconds(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per stage, the reactor's idle poll, and the profile's total."""
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    out = {name: 0.0 for name in STAGES}
    idle = 0.0
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in raw.items():
        path = filename.replace("\\", "/")
        for stage, entries in STAGES.items():
            if any(path.endswith(suffix) and func == name for suffix, name in entries):
                out[stage] += ct
        if filename == "~" and _POLL.search(func):
            idle += ct
    out["idle"] = idle
    out["total"] = stats.total_tt  # type: ignore[attr-defined]
    out["scrapy"] = out["total"] - idle - sum(out[s] for s in STAGES)
    return out


def _child(args: argparse.Namespace) -> None:
    """In the child: run bench.crawl_child's main, profiled from first spider open to last close.

    Imports and crawler construction happen before the first spider opens and
    are left out, as in the benchmark's pages/s.
    """
    from bench import crawl_child
    from bench.span import SpanExtension

    # Wall time: a CPU-time clock (time.thread_time) is a system call per profiled
    # call and would weigh call-heavy Python several times over C such as lxml.
    profile = cProfile.Profile()
    opened, closed = SpanExtension.opened, SpanExtension.closed

    def profiled_open(ext: SpanExtension, **kw: Any) -> None:
        if not SpanExtension.times["open"]:
            profile.enable()
        opened(ext, **kw)

    def profiled_close(ext: SpanExtension, **kw: Any) -> None:
        closed(ext, **kw)
        if len(SpanExtension.times["close"]) == len(SpanExtension.times["open"]):
            profile.disable()

    SpanExtension.opened = profiled_open  # type: ignore[method-assign]
    SpanExtension.closed = profiled_close  # type: ignore[method-assign]
    sys.argv = ["crawl_child", *args.rest]
    crawl_child.main()
    profile.dump_stats(args.child)


def _instructions(callgrind_out: Path) -> int:
    for line in callgrind_out.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {callgrind_out}")


_MARK_C = ("#include <valgrind/callgrind.h>\n"
           "void congdoan_bench_dump(void) { CALLGRIND_DUMP_STATS; }\n")


def _mark_library(work: Path) -> Path | None:
    """Build the library ``bench.span`` calls to dump callgrind's counts; None without a C compiler
    or valgrind's headers (the span's counts are then not reported)."""
    source, library = work / "mark.c", work / "mark.so"
    source.write_text(_MARK_C, encoding="utf-8")
    try:
        subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError):
        return None
    return library


def _callgrind(child_args: list[str], out_file: Path, env: dict[str, str],
               mark: Path | None = None) -> dict[str, int]:
    """Instructions of the child: all threads, and the main (reactor) thread alone.

    With ``mark``, the counts are dumped at the first spider open and the last close
    (``bench.span``): ``reactor_span`` is then the reactor thread's instructions in the
    span the pages/s figures time, without start-up, imports and shutdown.
    """
    cmd = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
           f"--callgrind-out-file={out_file}", sys.executable, *child_args]
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    if mark is not None:
        full_env[MARK_ENV] = str(mark)
    subprocess.run(cmd, cwd=ROOT, env=full_env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return thread_counts(out_file)


def thread_counts(out_file: Path) -> dict[str, int]:
    """Sum callgrind's files for ``out_file``: all threads, the reactor's, its span.

    One file per thread and part: ``<out>-NN`` (thread NN, the last part) and, after
    ``bench.span``'s dumps, ``<out>.1-01`` (start-up to the first open) and
    ``<out>.2-01`` (the span). A dump writes the calling thread only (the reactor's,
    01): the other threads' counts stay whole, in ``<out>-NN``.
    """
    per_file = {p.name: _instructions(p) for p in out_file.parent.glob(f"{out_file.name}*-*")}
    result = {"all_threads": sum(per_file.values()),
              "reactor": sum(n for name, n in per_file.items() if name.endswith("-01"))}
    if f"{out_file.name}.2-01" in per_file:
        result["reactor_span"] = per_file[f"{out_file.name}.2-01"]
    return result


def run(*, sites: int, articles: int, documents: int, callgrind: bool,
        keep_profile: Path | None = None, keep_callgrind: Path | None = None) -> dict[str, Any]:
    """Profile one full crawl of the benchmark portals; see the module docstring."""
    from bench.portals import fetched_urls, served
    from congdoan.sim import default_portals

    specs = default_portals(sites, articles, documents, seed=5)
    site_ids = [s.site_id for s in specs]
    result: dict[str, Any] = {"sites": sites, "articles": articles, "documents": documents}
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        work = Path(tmp)
        with served(specs, work) as (server, registry):
            crawl_args = [*site_ids, "--registry", str(registry), *_sets()]
            prof = work / "crawl.prof"
            child = run_child(
                ["-m", "bench.crawl_profile", "--child", str(prof), "--",
                 *crawl_args, "--db", str(work / "p.sqlite3")],
                env={"CONGDOAN_DATA_DIR": str(work / "pdata")})
            if child.returncode != 0 or not child.result:
                raise RuntimeError(f"profiled crawl failed: {child.stderr_tail}")
            items = child.result["articles"] + child.result["documents"]
            seconds = stage_seconds(pstats.Stats(str(prof)))
            if keep_profile is not None:
                shutil.copy(prof, keep_profile)
            result.update(items=items, pages=child.result["pages"], seconds=seconds,
                          ms_per_item={k: 1000 * v / items for k, v in seconds.items()})
            if callgrind:
                server.clear_requests()
                mark = _mark_library(work)
                full = _callgrind(["-m", "bench.crawl_child", *crawl_args,
                                   "--db", str(work / "c.sqlite3")],
                                  work / "full.callgrind",
                                  {"CONGDOAN_DATA_DIR": str(work / "cdata")}, mark)
                url_file = work / "urls.txt"
                url_file.write_text("\n".join(fetched_urls(server, site_ids)), encoding="utf-8")
                bare = _callgrind(["-m", "bench.bare_spider", str(url_file), *_sets()],
                                  work / "bare.callgrind", {}, mark)
                if keep_callgrind is not None:
                    keep_callgrind.mkdir(parents=True, exist_ok=True)
                    for path in work.glob("*.callgrind*-*"):
                        shutil.copy(path, keep_callgrind / path.name)
                result["instructions"] = {
                    "full": full, "bare": bare,
                    "reactor_extra_per_item": (full["reactor"] - bare["reactor"]) / items,
                    "all_extra_per_item": (full["all_threads"] - bare["all_threads"]) / items}
                if "reactor_span" in full and "reactor_span" in bare:
                    result["instructions"]["span_extra_per_item"] = (
                        full["reactor_span"] - bare["reactor_span"]) / items
    return result


def _print(result: dict[str, Any]) -> None:
    print(f"{result['items']} items, {result['pages']} pages "
          f"({result['sites']} portals x {result['articles']} + {result['documents']})")
    print("| stage | s (profiled) | ms per item |\n| --- | ---: | ---: |")
    for name in (*STAGES, "scrapy", "idle", "total"):
        print(f"| {name} | {result['seconds'][name]:.3f} | {result['ms_per_item'][name]:.3f} |")
    if ins := result.get("instructions"):
        for side in ("full", "bare"):
            span = (f" ({ins[side]['reactor_span']:,} of them in the crawl's span)"
                    if "reactor_span" in ins[side] else "")
            print(f"instructions, {side}: {ins[side]['reactor']:,} on the reactor thread{span}, "
                  f"{ins[side]['all_threads']:,} in all threads")
        print(f"per item, full - bare: {ins['reactor_extra_per_item']:,.0f} on the reactor "
              f"thread, {ins['all_extra_per_item']:,.0f} in all threads")
        if "span_extra_per_item" in ins:
            print(f"per item, full - bare, reactor thread in the span (first spider open to "
                  f"last close, as pages/s): {ins['span_extra_per_item']:,.0f}")


def main() -> None:
    """Parse the arguments and run the parent or the child side."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument("--profile", type=Path, help="keep the cProfile stats here")
    parser.add_argument("--keep-callgrind", type=Path,
                        help="copy callgrind's per-thread files to this folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    result = run(sites=args.sites, articles=args.articles, documents=args.documents,
                 callgrind=args.callgrind, keep_profile=args.profile,
                 keep_callgrind=args.keep_callgrind)
    _print(result)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
