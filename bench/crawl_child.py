"""Child process: a full congdoan crawl (spider, every pipeline, SQLite store) of some sites.

``python -m bench.crawl_child --registry R --db FILE [--set K=V ...] SITE...``
calls ``congdoan.jobs.runner.crawl_sites`` (what ``congdoan crawl`` does, minus the
terminal table) and prints one ``BENCH-RESULT`` JSON line: items, pages and
the crawl's own seconds (first spider opened to last spider closed), so that
Python start-up and imports are not counted against the crawl.
"""

from __future__ import annotations

import argparse
import time

from bench.children import emit_result
from bench.span import SpanExtension


def main() -> None:
    """Parse the arguments, crawl, print the result line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sites", nargs="+")
    parser.add_argument("--registry", required=True)
    parser.add_argument("--db", required=True, help="SQLite file")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    from congdoan.jobs.runner import base_settings, crawl_sites

    extensions = dict(base_settings().getdict("EXTENSIONS"))
    extensions["bench.span.SpanExtension"] = 900
    overrides: dict[str, object] = {"LOG_LEVEL": "ERROR", "EXTENSIONS": extensions,
                                    "CONGDOAN_DATABASE_URL": f"sqlite:///{args.db}",
                                    "CONGDOAN_STORE": True}
    for pair in args.set:
        key, _, value = pair.partition("=")
        overrides[key] = value
    started = time.perf_counter()
    results = crawl_sites(args.sites, registry=args.registry, overrides=overrides,
                          progress=False)
    wall = time.perf_counter() - started
    emit_result({
        "articles": sum(r.articles for r in results),
        "documents": sum(r.documents for r in results),
        "pages": sum(r.pages for r in results),
        "failures": sum(len(r.failures) for r in results),
        "dropped": sum(r.dropped for r in results),
        "crawl_s": SpanExtension.seconds(), "cpu_s": SpanExtension.cpu_seconds(),
        "call_s": wall,
        "statuses": sorted({r.status for r in results}),
    })


if __name__ == "__main__":
    main()
