"""The demo: serve simulated portals, crawl them into a database of their own, compare.

Everything lives in one data directory (database, registry, attachment files,
the ports used), so a demo never mixes with a user's real database and can be
run again: the simulator is deterministic and re-served on the same ports
(canonical URLs contain the port), so a second crawl finds the same items
unchanged.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.sim import PortalSpec, SimServer, WordPressSpec
from congdoan.storage.models import Article, CrawlRun, DocumentPosting
from congdoan.storage.stats import stats
from congdoan.vntime import shown_date

PORT_ATTEMPTS = 20


class PortsBusy(Exception):
    """The simulator could not listen where the demo needs it to."""


@dataclass(frozen=True)
class DemoPaths:
    """Where one demo keeps its things, all under ``data_dir``."""

    data_dir: Path

    @property
    def database(self) -> Path:
        """The default SQLite database of the demo."""
        return self.data_dir / "congdoan.sqlite3"

    @property
    def registry(self) -> Path:
        """Registry entries for the running simulated portals."""
        return self.data_dir / "sites.toml"

    @property
    def files(self) -> Path:
        """``FILES_STORE``: downloaded attachments."""
        return self.data_dir / "files"

    @property
    def state(self) -> Path:
        """What must stay the same from one run to the next (the simulator's ports)."""
        return self.data_dir / "demo.json"

    def database_url(self) -> str:
        """SQLite URL of ``database`` (absolute, so the crawl finds it from any directory)."""
        return f"sqlite:///{self.database.resolve()}"


def crawl_overrides(paths: DemoPaths, database_url: str, log_level: str = "ERROR"
                    ) -> dict[str, Any]:
    """Scrapy settings for crawling local portals: no politeness delays, the demo's storage.

    Every run is a full crawl: the demo proves the whole portal lands in the
    database each time, and a re-run shows every item found unchanged.
    """
    return {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "LOG_LEVEL": log_level,
        "CONGDOAN_DATABASE_URL": database_url,
        "CONGDOAN_STORE": True,
        "CONGDOAN_CRAWL_MODE": "full",
        # Crawl state (job queues, validators) and files stay in the demo's directory.
        "CONGDOAN_DATA_DIR": str(paths.data_dir.resolve()),
        "FILES_STORE": str(paths.files.resolve()),
    }


def saved_port(paths: DemoPaths) -> int | None:
    """The first port of the previous demo run in this data directory, if any."""
    try:
        port = json.loads(paths.state.read_text(encoding="utf-8")).get("base_port")
    except (OSError, ValueError, AttributeError):
        return None
    return port if isinstance(port, int) and 0 < port < 65536 else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_simulator(specs: list[PortalSpec | WordPressSpec], paths: DemoPaths,
                    port: int | None = None) -> SimServer:
    """Serve ``specs`` on consecutive ports and remember the first one in the data directory.

    ``port`` given: exactly there. Otherwise the ports of the previous run in
    this data directory, so that stored URLs stay valid; else free ones.
    """
    wanted = port or saved_port(paths)
    candidates = [wanted] if wanted else [_free_port() for _ in range(PORT_ATTEMPTS)]
    last_error: OSError | None = None
    for base in candidates:
        server = SimServer(specs, base_port=base)
        try:
            server.start()
        except OSError as exc:
            server.stop()  # the portals that did bind
            last_error = exc
            continue
        paths.state.write_text(json.dumps({"base_port": base}), encoding="utf-8")
        paths.registry.write_text(server.registry_toml(), encoding="utf-8")
        return server
    if wanted:
        last = wanted + len(specs) - 1
        raise PortsBusy(
            f"cannot serve the simulator on 127.0.0.1:{wanted}"
            + (f"-{last}" if last != wanted else "")
            + f" ({last_error.strerror if last_error else 'in use'}); another demo may be "
            "running on this data directory: stop it, or use --port or another --data-dir"
        )
    raise PortsBusy(f"no free ports for the simulator on 127.0.0.1 ({last_error})")


@dataclass
class SiteComparison:
    """One site: what the database holds next to what its simulated portal serves."""

    site: str
    articles: int
    served_articles: int
    documents: int
    served_documents: int
    attachments: int
    served_attachments: int
    first_published: datetime | None
    last_published: datetime | None
    open_failures: int
    missing: int  # served items whose URL is not stored
    extra: int  # stored items the portal does not serve
    last_run: dict[str, Any] | None = None

    @property
    def matches(self) -> bool:
        """Same article and document counts, and no URL missing on either side."""
        return (self.articles == self.served_articles
                and self.documents == self.served_documents
                and not self.missing and not self.extra)

    def differences(self) -> list[str]:
        """One phrase per difference."""
        out = []
        if self.articles != self.served_articles:
            out.append(f"{self.site}: {self.articles} articles stored, "
                       f"{self.served_articles} served")
        if self.documents != self.served_documents:
            out.append(f"{self.site}: {self.documents} documents stored, "
                       f"{self.served_documents} served")
        if self.missing:
            out.append(f"{self.site}: {self.missing} served items not stored")
        if self.extra:
            out.append(f"{self.site}: {self.extra} stored items not served")
        return out


@dataclass
class Comparison:
    """Every site compared, plus sites the database has that the simulator does not serve."""

    sites: list[SiteComparison]
    unserved_sites: list[str] = field(default_factory=list)

    @property
    def articles(self) -> int:
        """Articles stored for the served sites."""
        return sum(s.articles for s in self.sites)

    @property
    def documents(self) -> int:
        """Document postings stored for the served sites."""
        return sum(s.documents for s in self.sites)

    @property
    def matches(self) -> bool:
        """The database holds exactly what the simulator serves."""
        return not self.unserved_sites and all(s.matches for s in self.sites)

    def differences(self) -> list[str]:
        """Every difference, one phrase each."""
        out = [d for s in self.sites for d in s.differences()]
        out += [f"site {s} is in the database but not served now" for s in self.unserved_sites]
        if self.unserved_sites or any(s.extra for s in self.sites):
            out.append("(left by an earlier demo of another size? use a new --data-dir)")
        return out

    def verdict(self) -> str:
        """The demo's last line."""
        if self.matches:
            return (f"database matches the simulator: {self.articles} articles, "
                    f"{self.documents} documents")
        return "database does not match the simulator: " + "; ".join(self.differences())


def _last_runs(session: Session) -> dict[str, dict[str, Any]]:
    latest = select(func.max(CrawlRun.id)).group_by(CrawlRun.site)
    runs = session.scalars(select(CrawlRun).where(CrawlRun.id.in_(latest)))
    return {run.site: {"status": run.status, "new": run.new, "changed": run.changed,
                       "unchanged": run.unchanged, "failed": run.failed} for run in runs}


def _urls(session: Session, model: Any, site: str) -> set[str]:
    return set(session.scalars(select(model.canonical_url).where(model.site == site)))


def compare(session: Session, truth: dict[str, dict[str, Any]]) -> Comparison:
    """Compare the database (storage stats, stored URLs) with each portal's ground truth."""
    held = stats(session)["sites"]
    runs = _last_runs(session)
    rows = []
    for site, served in truth.items():
        entry = held.get(site, {})
        served_urls = {a["canonical_url"] for a in served["articles"]} | {
            d["canonical_url"] for d in served["documents"]}
        stored_urls = _urls(session, Article, site) | _urls(session, DocumentPosting, site)
        rows.append(SiteComparison(
            site=site,
            articles=entry.get("articles", 0),
            served_articles=len(served["articles"]),
            documents=entry.get("documents", 0),
            served_documents=len(served["documents"]),
            attachments=entry.get("attachments", 0),
            served_attachments=sum(len(item["attachments"]) for kind in ("articles", "documents")
                                   for item in served[kind]),
            first_published=entry.get("first_published"),
            last_published=entry.get("last_published"),
            open_failures=entry.get("open_failures", 0),
            missing=len(served_urls - stored_urls),
            extra=len(stored_urls - served_urls),
            last_run=runs.get(site),
        ))
    unserved = sorted(set(held) - set(truth))
    return Comparison(rows, unserved)


def local_day(moment: datetime | None) -> str:
    """A stored UTC time as the portal's local date (``2023-03-29``), or ``-``."""
    return shown_date(moment)
