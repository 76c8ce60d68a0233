"""Named ``--since`` moments: ``last-run`` (each site's latest crawl) and ``last-export``.

An analyst asks for "what is new" without remembering a date. ``last-run``
reads the crawl history in the database: for each site, what changed since its
latest crawl started. ``last-export`` is the start of the previous complete
export from the same database, kept in that database (``export_marks``), so it
holds wherever the export runs from and an export writes no file beside it.
Marks written by earlier versions in ``<data dir>/exports.json`` (keyed by the
database URL, password hidden) are still read, never written.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from congdoan import paths
from congdoan.storage.models import CrawlRun, ExportMark
from congdoan.storage.records import as_datetime

LAST_RUN = "last-run"
LAST_EXPORT = "last-export"
SINCE_WORDS = (LAST_RUN, LAST_EXPORT)
MARKS_FILE = "exports.json"


def _whole_second(moment: datetime) -> datetime:
    # Items carry their fetch time in whole seconds: an item fetched in the same
    # second as the bound must count as after it (a duplicate is better than a loss).
    return moment.replace(microsecond=0)


def last_run_starts(session: Session, site: str | None = None) -> dict[str, datetime]:
    """When each site's latest crawl started (only ``site``'s when given), by site id.

    A crawl the site lock refused (``locked``) fetched nothing: it is no crawl here,
    or the items of the crawl it met would fall before the mark.
    """
    latest = (select(CrawlRun.site, func.max(CrawlRun.started_at))
              .where(CrawlRun.status != "locked").group_by(CrawlRun.site))
    if site is not None:
        latest = latest.where(CrawlRun.site == site)
    starts = {}
    for name, started in session.execute(latest):
        moment = as_datetime(started)
        if moment is not None:
            starts[name] = _whole_second(moment)
    return starts


def export_mark(session: Session, started: datetime) -> datetime:
    """The moment to remember for an export that started at ``started``.

    A crawl still running holds fetched items in its write batch: they are
    stored after this export with a fetch time before it. The mark then goes
    back to the start of the earliest running crawl, so the next
    ``--since last-export`` gets them.
    """
    running = session.scalar(select(func.min(CrawlRun.started_at))
                             .where(CrawlRun.status == "running"))
    earliest = as_datetime(running)
    if earliest is not None and earliest < started:
        started = earliest
    return _whole_second(started)


def _key(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def legacy_marks_path(data_dir: Path | None = None) -> Path:
    """Where earlier versions kept export moments: ``<data dir>/exports.json``."""
    return (data_dir or paths.data_dir()) / MARKS_FILE


def _legacy_mark(url: str, data_dir: Path | None) -> datetime | None:
    try:
        marks = json.loads(legacy_marks_path(data_dir).read_text(encoding="utf-8"))
        return as_datetime(marks[_key(url)])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no file, no entry or a damaged file: no earlier export known


def last_export(session: Session, url: str, data_dir: Path | None = None) -> datetime | None:
    """When the previous complete export from this database (at ``url``) started, if any."""
    kept = session.get(ExportMark, LAST_EXPORT)
    if kept is not None:
        return as_datetime(kept.moment)
    return _legacy_mark(url, data_dir)


def record_export(session: Session, started: datetime) -> None:
    """Remember, in the database, that a complete export that started at ``started``
    succeeded (the caller commits)."""
    moment = started.astimezone(UTC)
    kept = session.get(ExportMark, LAST_EXPORT)
    if kept is None:
        session.add(ExportMark(name=LAST_EXPORT, moment=moment))
    else:
        kept.moment = moment
