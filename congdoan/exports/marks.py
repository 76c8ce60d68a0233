"""Named ``--since`` moments: ``last-run`` (each site's latest crawl) and ``last-export``.

An analyst asks for "what is new" without remembering a date. ``last-run``
reads the crawl history in the database: for each site, what changed since its
latest crawl started. ``last-export`` is the start of the previous successful
export from the same database, kept in ``<data dir>/exports.json`` (keyed by the
database URL, password hidden), so that no schema change is needed for it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from congdoan.storage.models import CrawlRun
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


def marks_path(data_dir: Path | None = None) -> Path:
    """Where export moments are kept: ``<data dir>/exports.json``."""
    return (data_dir or Path(os.environ.get("CONGDOAN_DATA_DIR") or "data")) / MARKS_FILE


def last_export(url: str, data_dir: Path | None = None) -> datetime | None:
    """When the previous successful export from the database ``url`` started, if any."""
    path = marks_path(data_dir)
    try:
        marks = json.loads(path.read_text(encoding="utf-8"))
        return as_datetime(marks[_key(url)])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no file, no entry or a damaged file: no earlier export known


def record_export(url: str, started: datetime, data_dir: Path | None = None) -> None:
    """Remember that an export from ``url`` that started at ``started`` succeeded."""
    path = marks_path(data_dir)
    try:
        marks = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(marks, dict):
            marks = {}
    except (OSError, ValueError):
        marks = {}
    marks[_key(url)] = started.astimezone(UTC).isoformat()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(marks, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)  # a reader never sees half a file
