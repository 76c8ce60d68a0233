"""Incremental crawling: fetch what changed since the last crawl, not the whole portal again.

The rules, in one place so the spider only asks questions:

* Listings are walked newest-first. In incremental mode a section stops
  paginating after the first listing page that holds only stored items: that
  page is the overlap that catches items inserted late (a backdated post, an
  edit that moved an item down).
* A stored detail page is not fetched again unless it is *due*: last seen more
  than ``refresh_days`` ago. Due pages are queued directly from storage, so
  they are refreshed even when no listing page still shows them.
* ``since`` drops listing, sitemap and RSS entries dated before it, and a
  listing stops once a whole page is older.
* ``full`` walks everything and fetches every detail page (a backfill).
* Without a database nothing is known: every crawl is full.
* A *reconciling* crawl (weekly by default, ``--reconcile``) reads the
  portal's complete item lists too (sitemaps, the whole laws list) and
  fetches every listed item storage lacks: what an incremental crawl missed
  once is not missed forever.

HTTP validators: a detail page answered with an ``ETag`` (or a trustworthy
``Last-Modified``) is revalidated next time with ``If-None-Match`` /
``If-Modified-Since``; a 304 then only moves the item's ``last_seen_at``.
NukeViet answers every page with ``Cache-Control: no-store`` and a generated
``Last-Modified`` (a moving clock, not the content's date) and ignores
conditional headers, so for it ``Last-Modified`` is not stored and the
listing rules above do the work.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

from congdoan.normalize.dates import parse_vn_date
from congdoan.storage.known import KnownItem
from congdoan.vntime import utc_aware, vn_day

MODES = ("incremental", "full")
FEED_POLICIES = ("auto", "always", "never")
RECONCILE_POLICIES = ("auto", "always", "never")

# Sent by the spider for a detail page answered 304 Not Modified: ``site``,
# ``url``, ``kind``. The store pipeline moves the item's last_seen_at.
page_not_modified = object()


@dataclass(frozen=True)
class CrawlPolicy:
    """How much of a portal one crawl fetches (settings ``CONGDOAN_CRAWL_MODE`` and friends)."""

    full: bool = False
    since: date | None = None
    refresh_days: float | None = None
    feeds: str = "auto"
    conditional: bool = True
    # This crawl compares the portal's complete item lists (sitemaps, the whole
    # laws list) with storage and fetches what is missing: see ``reconcile_due``.
    reconcile: bool = False

    @classmethod
    def from_settings(cls, settings: Any) -> CrawlPolicy:
        """Read the ``CONGDOAN_*`` settings; a bad value raises ``ValueError`` (one line)."""
        mode = settings["CONGDOAN_CRAWL_MODE"]
        if mode not in MODES:
            raise ValueError(f"CONGDOAN_CRAWL_MODE must be one of {MODES}, not {mode!r}")
        feeds = settings["CONGDOAN_FEEDS"]
        if feeds not in FEED_POLICIES:
            raise ValueError(f"CONGDOAN_FEEDS must be one of {FEED_POLICIES}, not {feeds!r}")
        since_raw = settings.get("CONGDOAN_SINCE")
        since = date.fromisoformat(str(since_raw)) if since_raw else None
        days_raw = settings.get("CONGDOAN_REFRESH_DAYS")
        days = float(days_raw) if days_raw not in (None, "") else None
        if days is not None and days < 0:
            raise ValueError("CONGDOAN_REFRESH_DAYS must be >= 0")
        return cls(full=mode == "full", since=since, refresh_days=days, feeds=feeds,
                   conditional=settings.getbool("CONGDOAN_CONDITIONAL"))


def reconcile_due(settings: Any, last: datetime | None, now: datetime | None = None) -> bool:
    """Whether this crawl reconciles (``CONGDOAN_RECONCILE``, ``CONGDOAN_RECONCILE_DAYS``).

    ``always`` (``congdoan crawl --reconcile``) every crawl, ``never`` never,
    ``auto`` when the last reconciliation (``last``, from the run history) is
    older than ``CONGDOAN_RECONCILE_DAYS`` or never happened. An item missed
    once (a race, an item inserted deep in a listing, a portal hiccup) is then
    missed at most until the next reconciliation, not forever.
    """
    mode = settings["CONGDOAN_RECONCILE"]
    if mode not in RECONCILE_POLICIES:
        raise ValueError(f"CONGDOAN_RECONCILE must be one of {RECONCILE_POLICIES}, not {mode!r}")
    if mode != "auto":
        return mode == "always"
    days = settings.getfloat("CONGDOAN_RECONCILE_DAYS")
    if last is None:
        return True
    if last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=UTC)
    return last <= (now or datetime.now(UTC)) - timedelta(days=days)


class ItemSource(Protocol):
    """Where a ``KnownSet`` reads stored items: storage (``known.StoredItems``) or a list."""

    count: int
    newest_seen: datetime | None

    def lookup(self, kind: str, urls: Sequence[str], cms_ids: Sequence[int]
               ) -> list[KnownItem]: ...

    def due(self, cutoff: datetime) -> Iterator[KnownItem]: ...


class MemoryItems:
    """Stored items held in memory (tests, a crawl without a database to ask)."""

    def __init__(self, items: Iterable[KnownItem]) -> None:
        self.items = list(items)
        self.count = len(self.items)
        self.newest_seen = max((i.last_seen_at for i in self.items), default=None)

    def lookup(self, kind: str, urls: Sequence[str], cms_ids: Sequence[int]
               ) -> list[KnownItem]:
        """The items of ``kind`` with one of ``urls`` or ``cms_ids``, in list order."""
        wanted_urls, wanted_ids = set(urls), set(cms_ids)
        return [i for i in self.items if i.kind == kind and (
            i.url in wanted_urls or i.canonical_url in wanted_urls
            or (i.source_id is not None and i.source_id in wanted_ids))]

    def due(self, cutoff: datetime) -> Iterator[KnownItem]:
        """Items last seen at or before ``cutoff``, least recently seen first."""
        return iter(sorted((i for i in self.items if i.last_seen_at <= cutoff),
                           key=lambda i: i.last_seen_at))


class KnownSet:
    """What storage held for one site when the crawl started, by CMS id and by URL.

    Asked for links, it asks its ``source`` and remembers the answer, found or not:
    ``learn`` asks for a whole listing page's links in one query, ``find`` for one.
    A crawl so reads the stored items its listings show, not the whole archive.
    """

    def __init__(self, items: ItemSource | Iterable[KnownItem] = (),
                 now: datetime | None = None, refresh_days: float | None = None,
                 retry: list[str] | None = None) -> None:
        self.source: ItemSource = (items if hasattr(items, "lookup")  # type: ignore[assignment]
                                   else MemoryItems(items))  # type: ignore[arg-type]
        self.now = now or datetime.now(UTC)
        self.refresh_days = refresh_days
        self.retry = list(retry or [])  # URLs that failed before: fetch again
        # (kind, "id", cms_id) / (kind, "url", url) -> the stored item, or None: not stored.
        self._seen: dict[tuple[str, str, Any], KnownItem | None] = {}

    def __len__(self) -> int:
        """How many items were stored before the crawl."""
        return self.source.count

    @property
    def newest_seen(self) -> datetime | None:
        """When storage last saw any item of the site, as the crawl started."""
        return self.source.newest_seen

    def learn(self, kind: str, links: Iterable[tuple[str, int | None]]) -> None:
        """Look up the stored items behind ``links`` ((URL, CMS id) pairs) in one go."""
        links = list(links)
        urls = [u for u, _ in links if (kind, "url", u) not in self._seen]
        # Stored CMS ids are integers: anything else a portal hands out matches none.
        ids = [i for _, i in links if isinstance(i, int) and not isinstance(i, bool)
               and (kind, "id", i) not in self._seen]
        if not urls and not ids:
            return
        found: dict[tuple[str, str, Any], KnownItem | None] = {}
        for item in self.source.lookup(kind, urls, ids):
            # Among rows sharing a name the later wins, as when the whole archive was indexed.
            if item.source_id is not None:
                found[(kind, "id", item.source_id)] = item
            found[(kind, "url", item.url)] = item
            found[(kind, "url", item.canonical_url)] = item
        found.update({(kind, "url", u): None for u in urls if (kind, "url", u) not in found})
        found.update({(kind, "id", i): None for i in ids if (kind, "id", i) not in found})
        for key, item in found.items():  # an answer given once stays the crawl's answer
            self._seen.setdefault(key, item)

    def find(self, kind: str, url: str, cms_id: int | None) -> KnownItem | None:
        """The stored item behind a link: by CMS id first (URL styles vary), else by URL."""
        self.learn(kind, [(url, cms_id)])
        if cms_id is not None:
            hit = self._seen.get((kind, "id", cms_id))
            if hit is not None:
                return hit
        return self._seen.get((kind, "url", url))

    def is_due(self, item: KnownItem) -> bool:
        """Last seen longer ago than ``refresh_days`` (never due without it)."""
        if self.refresh_days is None:
            return False
        return item.last_seen_at <= self._cutoff()

    def _cutoff(self) -> datetime:
        return self.now - timedelta(days=self.refresh_days or 0)

    def skip(self, kind: str, url: str, cms_id: int | None) -> bool:
        """True when the detail page is stored and not due: do not fetch it."""
        item = self.find(kind, url, cms_id)
        return item is not None and not self.is_due(item)

    def due(self) -> Iterator[KnownItem]:
        """Stored items to fetch again now, least recently seen first (read as consumed)."""
        if self.refresh_days is None:
            return iter(())
        return self.source.due(self._cutoff())


@dataclass(frozen=True)
class ListingEntry:
    """One item link of a listing page, as the spider sees it."""

    kind: str
    url: str
    cms_id: int | None
    listed_text: str | None


@dataclass(frozen=True)
class ListingVerdict:
    """Which entries of a listing page to fetch, and whether to read the next page."""

    fetch: list[ListingEntry]
    stop: bool
    reason: str = ""

    def passed(self, entries: list[ListingEntry]) -> list[ListingEntry]:
        """The entries of the page not fetched on purpose (stored already, or older than
        ``--since``): spider health does not count them as lost."""
        chosen = set(self.fetch)
        return [e for e in entries if e not in chosen]


def entry_date(text: str | None) -> date | None:
    """The Vietnam day of a listed, sitemap (ISO) or RSS (RFC 822) date; None if unreadable.

    ``--since`` is a Vietnam day: an entry of ``Thu, 09 Apr 2026 17:43:00 GMT`` is of
    10/04 (``vntime.vn_day``); a bare date is that day.
    """
    if not text:
        return None
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return vn_day(parsed) if parsed.tzinfo is not None else parsed.date()
    except ValueError:
        pass
    if "," in text or text[-3:].isalpha():
        try:
            return vn_day(parsedate_to_datetime(text))
        except (TypeError, ValueError):
            pass
    parsed = parse_vn_date(text)
    return parsed.value.date() if parsed is not None else None


def judge_listing(entries: list[ListingEntry], policy: CrawlPolicy, known: KnownSet | None,
                  *, item_list: bool = False) -> ListingVerdict:
    """Apply the listing rules (module docstring) to one page's entries.

    ``item_list``: the listing is one of the portal's complete item lists (the
    NukeViet laws list), walked to its end by a reconciling crawl.
    """
    fetch = list(entries)
    stop, reason = False, ""
    if policy.since is not None:
        dated = [(e, entry_date(e.listed_text)) for e in entries]
        fetch = [e for e, d in dated if d is None or d >= policy.since]
        if dated and all(d is not None and d < policy.since for _, d in dated):
            stop, reason = True, f"every item is older than {policy.since.isoformat()}"
    if policy.full or known is None:
        return ListingVerdict(fetch, stop, reason)
    for kind in {e.kind for e in entries}:  # one query for the page, not one a link
        known.learn(kind, [(e.url, e.cms_id) for e in entries if e.kind == kind])
    fresh = [e for e in fetch if known.find(e.kind, e.url, e.cms_id) is None]
    # Due items were queued from storage at start; fetching them here again is a no-op.
    # A reconciling crawl walks an item list to its end: a missing item can hide anywhere.
    if (entries and not (policy.reconcile and item_list)
            and not any(known.find(e.kind, e.url, e.cms_id) is None for e in entries)):
        stop, reason = True, reason or "every item is stored"
    return ListingVerdict(fresh, stop, reason)


# -- HTTP validators ---------------------------------------------------------------------


def validators_from(headers: Mapping[str, str]) -> dict[str, str]:
    """The validators worth keeping from response headers (lower-case names).

    An ``ETag`` names the content, so it is kept whatever else the server says.
    A ``Last-Modified`` next to ``no-store`` is not: NukeViet generates it per
    request, and a server that forbids storing the answer does not promise to
    honour ``If-Modified-Since`` either.
    """
    kept: dict[str, str] = {}
    etag = headers.get("etag")
    if etag:
        kept["etag"] = etag
    cache_control = (headers.get("cache-control") or "").lower()
    modified = headers.get("last-modified")
    if modified and "no-store" not in cache_control:
        kept["last_modified"] = modified
    return kept


def conditional_headers(validators: Mapping[str, str] | None) -> dict[str, str]:
    """Request headers that revalidate a page with the stored validators."""
    headers: dict[str, str] = {}
    if not validators:
        return headers
    if "etag" in validators:
        headers["If-None-Match"] = validators["etag"]
    if "last_modified" in validators:
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers


class ValidatorStore:
    """Validators per fetched URL of one site, kept in a small JSON file under the data dir.

    A file, not a table: validators are a cache of HTTP metadata, worthless
    without the crawl state beside them, and losing the file only costs full
    GETs the next time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, str]] = {}
        self._dirty = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.entries = {k: v for k, v in loaded.items() if isinstance(v, dict)}
        except (OSError, ValueError):
            pass  # missing or damaged: start empty

    def get(self, url: str) -> dict[str, str] | None:
        """Validators stored for ``url``."""
        return self.entries.get(url)

    def update(self, urls: Iterable[str], validators: dict[str, str]) -> None:
        """Remember (or forget, when empty) the validators of a page under its URLs."""
        for url in urls:
            if validators:
                if self.entries.get(url) != validators:
                    self.entries[url] = validators
                    self._dirty = True
            elif self.entries.pop(url, None) is not None:
                self._dirty = True

    def save(self) -> None:
        """Write the file atomically when something changed."""
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)
        self._dirty = False


# -- Scrapy JOBDIR -----------------------------------------------------------------------

_JOB_MARKER = "congdoan-job.json"


def prepare_jobdir(path: Path, mode: str) -> bool:
    """Make ``path`` ready as this crawl's JOBDIR; return True when it resumes a stopped crawl.

    Scrapy keeps the pending queue and the fingerprints of seen requests there.
    A crawl that finished, or one started in another mode (its seen requests
    would hide pages this crawl needs), leaves nothing to resume: wiped. So does
    a crawl that was killed (SIGKILL, the OOM killer, a power cut): Scrapy writes
    its queue's state only when the crawl closes, and a killed crawl's queue files
    can end mid-record or be empty, which Scrapy cannot read back.
    """
    marker = path / _JOB_MARKER
    resumed = False
    if path.exists():
        resumed = _resumable(_marker(path), mode)
        if not resumed:
            shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    # "started": when a crawl last took the folder (``discard_superseded_jobdir``).
    marker.write_text(json.dumps({"mode": mode, "status": "running",
                                  "started": datetime.now(UTC).isoformat()}), encoding="utf-8")
    return resumed


def discard_superseded_jobdir(path: Path, mode: str, last_completed: datetime | None
                              ) -> datetime | None:
    """Wipe a stopped crawl's folder when a crawl of the site completed after it.

    Another machine (or a manual crawl) walked the site to the end meanwhile:
    resuming would fetch again, for nothing, every page the stopped crawl had
    queued. Returns when the stopped crawl started if its folder was wiped.
    """
    state = _marker(path)
    if last_completed is None or not _resumable(state, mode):
        return None
    try:
        started = utc_aware(datetime.fromisoformat(state["started"]))
    except (KeyError, TypeError, ValueError):
        # A folder from before "started" was recorded: the marker's last write.
        started = datetime.fromtimestamp((path / _JOB_MARKER).stat().st_mtime, UTC)
    if utc_aware(last_completed) <= started:
        return None
    shutil.rmtree(path, ignore_errors=True)
    return started


def finish_jobdir(path: Path, reason: str) -> None:
    """Record how the crawl using ``path`` ended; only an unfinished one is resumed later."""
    status = "finished" if reason == "finished" else "running"
    state = _marker(path)
    with contextlib.suppress(OSError):
        (path / _JOB_MARKER).write_text(json.dumps({**state, "status": status, "reason": reason}),
                                        encoding="utf-8")


def _marker(path: Path) -> dict[str, Any]:
    try:
        state = json.loads((path / _JOB_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _resumable(state: dict[str, Any], mode: str) -> bool:
    # "reason" is written when the crawl closed (``finish_jobdir``): Scrapy had
    # saved its queue. Without it the crawl died and its queue cannot be trusted.
    return state.get("status") == "running" and state.get("mode") == mode and "reason" in state
