"""What the soak checks at the end, each as rows of (check, figure, holds).

Everything is read from where an operator would look: the shared database
(runs, items, the failure ledger, the outbox, spider health), the locks
(``holder_of``), what the receivers accepted, ``/proc`` (memory, processes).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from bench.soak.fleet import Incarnation
from congdoan.harness.reliability import item_key
from congdoan.runtime.locks import holder_of
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, CrawlRun, Delivery, DocumentPosting
from congdoan.storage.runs import open_failures
from congdoan.vntime import utc_aware

Row = tuple[str, str, bool]
MEMORY_BOUND_MB = 4.0  # growth allowed over the run after warm-up, beyond 5% of the RSS
_MESSAGE_ID = re.compile(r"<congdoan-\d+-([\d-]+)@")


@dataclass
class SizeSample:
    """The database's size and what it holds at one cycle."""

    cycle: int
    bytes: int
    items: int
    runs: int


def database_size(db: str, schema: str, cycle: int) -> SizeSample:
    """Total size of the soak schema's tables (with indexes and TOAST), items and runs."""
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            size = conn.execute(text(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relkind IN ('r', 'm')"), {"s": schema}).scalar()
            items = ((conn.scalar(select(func.count()).select_from(Article)) or 0)
                     + (conn.scalar(select(func.count()).select_from(DocumentPosting)) or 0))
            runs = conn.scalar(select(func.count()).select_from(CrawlRun)) or 0
    finally:
        engine.dispose()
    return SizeSample(cycle, int(size or 0), items, runs)


def slope(samples: list[tuple[int, float]]) -> float:
    """Least-squares slope of (cycle, value), per cycle."""
    n = len(samples)
    mean_x = sum(x for x, _ in samples) / n
    mean_y = sum(y for _, y in samples) / n
    var = sum((x - mean_x) ** 2 for x, _ in samples)
    return sum((x - mean_x) * (y - mean_y) for x, y in samples) / var if var else 0.0


def memory(history: list[Incarnation], warmup: int) -> list[Row]:
    """Per long-lived process: RSS after warm-up and at the end, and the slope."""
    rows = []
    for inc in history:
        kept = [(c, mb) for c, mb in inc.samples if c >= inc.started_cycle + warmup]
        if len(kept) < 5:
            rows.append((f"memory {inc.role} (pid {inc.pid})",
                         f"{len(inc.samples)} samples: too short-lived to judge"
                         + (" (killed)" if inc.killed else ""), True))
            continue
        per_cycle = slope(kept)
        span = kept[-1][0] - kept[0][0]
        mean = sum(mb for _, mb in kept) / len(kept)
        growth = per_cycle * span
        rows.append((f"memory {inc.role} (pid {inc.pid})",
                     f"{kept[0][1]:.0f} -> {kept[-1][1]:.0f} MB over cycles {kept[0][0]}-"
                     f"{kept[-1][0]}; slope {per_cycle * 100:+.2f} MB/100 cycles"
                     + (" (killed)" if inc.killed else ""),
                     growth <= MEMORY_BOUND_MB + 0.05 * mean))
    return rows


def runs_and_locks(db: str, data_dirs: list[Path], sites: list[str]) -> list[Row]:
    """No run left ``running``; no site lock held; the runs by status."""
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            by_status = dict(conn.execute(select(CrawlRun.status, func.count())
                                          .group_by(CrawlRun.status)).all())
    finally:
        engine.dispose()
    held = [site for site in sites for data in data_dirs if holder_of(data, site, db)]
    shown = ", ".join(f"{status} {n}" for status, n in sorted(by_status.items()))
    return [("crawl runs", shown, True),
            ("no run left running", f"{by_status.get('running', 0)} running",
             not by_status.get("running")),
            ("no lock left held", f"{len(set(held))} of {len(sites)} sites held",
             not held)]


def items(db: str, truth: dict[str, dict[str, Any]]) -> list[Row]:
    """Every item served is stored or in the failure ledger (open), per kind."""
    served = {(site, kind, item["source_id"]) for site, t in truth.items()
              for kind, key in (("article", "articles"), ("document", "documents"))
              for item in t[key]}
    engine = make_engine(db)
    try:
        with session_factory(engine)() as session:
            stored = {(site, "article", sid) for site, sid in session.execute(
                select(Article.site, Article.source_id))}
            stored |= {(site, "document", sid) for site, sid in session.execute(
                select(DocumentPosting.site, DocumentPosting.source_id))}
            failed = set()
            for failure in open_failures(session):
                key = item_key(failure.url)
                if key is not None:
                    failed.add((failure.site, *key))
    finally:
        engine.dispose()
    lost = served - stored - failed
    extra = stored - served
    return [("items served / stored / reported failed",
             f"{len(served)} / {len(served & stored)} / {len((served - stored) & failed)}",
             True),
            ("every item served stored or reported failed",
             f"{len(lost)} lost, {len(extra)} stored but not served"
             + (f" e.g. {sorted(lost)[:3]}" if lost else ""), not lost and not extra)]


def alerts(db: str, mail_ids: list[str], hook_ids: list[str]) -> list[Row]:
    """Every outbox entry sent, and received by its channel exactly once (by delivery id)."""
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Delivery.id, Delivery.channel, Delivery.status)).all()
    finally:
        engine.dispose()
    out: list[Row] = []
    for channel, received in (("email", _ids(mail_ids, email=True)),
                              ("webhook", _ids(hook_ids, email=False))):
        mine = [r for r in rows if r.channel == channel]
        sent = {r.id for r in mine if r.status == "sent"}
        unsent = len(mine) - len(sent)
        counts = Counter(received)
        twice = sum(1 for n in counts.values() if n > 1)
        out.append((f"alerts by {channel}",
                    f"{len(mine)} in the outbox, {len(sent)} sent, {unsent} not sent; "
                    f"{len(counts)} received, {twice} more than once",
                    unsent == 0 and set(counts) == sent and twice == 0))
    return out


def _ids(headers: list[str], *, email: bool) -> list[int]:
    """Delivery ids from webhook ``X-Congdoan-Delivery`` headers or e-mail Message-IDs."""
    found: list[int] = []
    for header in headers:
        if email:
            match = _MESSAGE_ID.search(header)
            found += [int(i) for i in match.group(1).split("-")] if match else []
        else:
            found += [int(i) for i in header.split(",") if i.strip()]
    return found


def database(samples: list[SizeSample], warmup: int) -> list[Row]:
    """Size grows with the items: bytes per item added after warm-up vs bytes per item then."""
    base = next((s for s in samples if s.cycle >= warmup and s.items), None)
    end = samples[-1] if samples else None
    if base is None or end is None or end.items <= base.items:
        return [("database size proportional to items", "too few samples", False)]
    per_item = base.bytes / base.items
    marginal = (end.bytes - base.bytes) / (end.items - base.items)
    return [("database size",
             f"{base.bytes / 1e6:.1f} MB for {base.items} items, {base.runs} runs (cycle "
             f"{base.cycle}) -> {end.bytes / 1e6:.1f} MB for {end.items} items, {end.runs} runs",
             True),
            ("database size proportional to items",
             f"{per_item / 1e3:.1f} kB per item at cycle {base.cycle}, "
             f"{marginal / 1e3:.1f} kB per item added since", marginal <= 2 * per_item)]


def health(db: str, broken: dict[str, list[float | None]], min_items: int = 5) -> list[Row]:
    """The sites with a degraded run are exactly those crawled while broken.

    Crawled while broken: a run that started in the broken time, ended in it too
    (a portal that came back while the crawl retried its first pages was read
    whole: healthy is right), and ran its course (not stopped, not refused); for a
    re-themed portal (broken for good), a run that stored at least ``min_items``
    items (fewer give spider health no fill rates to compare). A run that started
    broken and ended after the portal came back may be flagged or not: it saw both.
    """
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            flagged = set(conn.scalars(select(CrawlRun.site).where(
                CrawlRun.verdict == "degraded").distinct()))
            runs = conn.execute(select(CrawlRun.site, CrawlRun.started_at, CrawlRun.finished_at,
                                       CrawlRun.status, CrawlRun.new)
                                .where(CrawlRun.site.in_(broken))).all()
    finally:
        engine.dispose()
    expected, either = set(), set()
    for site, started, finished, status, new in runs:
        since, until = broken[site]
        began = utc_aware(started).timestamp()
        if since is None or began < since or (until is not None and began >= until) \
                or status not in ("ok", "partial", "failed"):
            continue
        if until is None:
            if new >= min_items:
                expected.add(site)
        elif finished is not None and utc_aware(finished).timestamp() <= until:
            expected.add(site)
        else:
            either.add(site)
    missed = sorted(set(broken) - expected - either)
    holds = expected <= flagged <= expected | either and bool(expected)
    return [("health flags exactly the portals crawled while broken",
             f"flagged {sorted(flagged) or 'none'}; crawled while broken {sorted(expected)}"
             + (f"; broken as a crawl began, back before it ended: {sorted(either - expected)}"
                if either - expected else "")
             + (f"; broken but not crawled so: {missed}" if missed else ""), holds)]


def leftovers(at_start: int, peak: int, after: list[str]) -> list[Row]:
    """No process of the soak outlives it (crawls, their helpers, workers, scheduler)."""
    return [("no process left behind",
             f"{at_start} at start (scheduler, workers), up to {peak} during, "
             f"{len(after)} after"
             + (f": {after[:3]}" if after else ""), not after)]
