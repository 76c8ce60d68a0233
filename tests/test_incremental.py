"""Incremental crawling: a refresh costs what changed, not the whole portal.

Request counts come from the simulator's request log. The big portal (2,000
articles, 500 documents) is seeded into storage from the simulator's truth
instead of crawled, so the test measures the refresh, not a slow first crawl;
a medium portal is crawled for real, first to last.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from congdoan.runtime.incremental import (
    CrawlPolicy,
    KnownSet,
    ListingEntry,
    entry_date,
    finish_jobdir,
    judge_listing,
    prepare_jobdir,
    validators_from,
)
from congdoan.sim import PortalSpec, SimServer
from congdoan.sim.content import CATEGORIES
from congdoan.sim.site import Request, Response
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.known import KnownItem
from congdoan.storage.models import Article, CrawlRun, DocumentPosting
from congdoan.storage.runs import finish_run, start_run
from congdoan.storage.store import Store
from tests.crawling import FAST, run_congdoan

SECTIONS = len(CATEGORIES) + 1  # every news category of the registry entry, plus the laws list


# -- rules, without a network ---------------------------------------------------------------


def _known(*ids: int, seen: datetime | None = None) -> KnownSet:
    seen = seen or datetime.now(UTC)
    return KnownSet([KnownItem("article", f"http://x/a-{i}.html", f"http://x/a-{i}.html", i, seen)
                     for i in ids], refresh_days=None)


def _entries(*ids: int, listed: str | None = None) -> list[ListingEntry]:
    return [ListingEntry("article", f"http://x/a-{i}.html", i, listed) for i in ids]


def test_a_page_of_stored_items_stops_the_walk_and_fetches_nothing() -> None:
    verdict = judge_listing(_entries(1, 2, 3), CrawlPolicy(), _known(1, 2, 3))
    assert verdict.stop and verdict.fetch == []


def test_a_page_with_one_new_item_fetches_it_and_goes_on() -> None:
    verdict = judge_listing(_entries(4, 2, 3), CrawlPolicy(), _known(1, 2, 3))
    assert not verdict.stop and [e.cms_id for e in verdict.fetch] == [4]


def test_full_mode_and_no_database_fetch_everything() -> None:
    for policy, known in ((CrawlPolicy(full=True), _known(1, 2)), (CrawlPolicy(), None)):
        verdict = judge_listing(_entries(1, 2), policy, known)
        assert not verdict.stop and len(verdict.fetch) == 2


def test_since_drops_older_items_and_stops_on_an_all_older_page() -> None:
    policy = CrawlPolicy(full=True, since=date(2024, 1, 1))
    mixed = _entries(1, listed="15/04/2024 07:10:00") + _entries(2, listed="31/12/2023")
    verdict = judge_listing(mixed, policy, None)
    assert [e.cms_id for e in verdict.fetch] == [1] and not verdict.stop
    assert judge_listing(_entries(3, listed="01/02/2020"), policy, None).stop


def test_refresh_days_makes_old_items_due() -> None:
    old = datetime.now(UTC) - timedelta(days=10)
    known = KnownSet([KnownItem("article", "u", "u", 1, old)], refresh_days=7)
    assert [i.source_id for i in known.due()] == [1] and not known.skip("article", "u", 1)
    assert KnownSet(known.source.items, refresh_days=30).skip("article", "u", 1)  # type: ignore[attr-defined]


def test_dates_of_listings_sitemaps_and_rss() -> None:
    assert entry_date("15/04/2022 07:10:00") == date(2022, 4, 15)
    assert entry_date("2022-04-15T07:10:00+07:00") == date(2022, 4, 15)
    assert entry_date("Fri, 15 Apr 2022 00:10:00 GMT") == date(2022, 4, 15)
    assert entry_date("no date") is None


def test_an_entry_of_the_night_is_of_its_vietnam_day() -> None:
    # --since is a Vietnam day: a post of 10/04 00:43 in Hà Nội is 09/04 17:43 UTC.
    assert entry_date("Thu, 09 Apr 2026 17:43:00 GMT") == date(2026, 4, 10)
    assert entry_date("2026-04-09T17:43:00Z") == date(2026, 4, 10)
    assert entry_date("Fri, 10 Apr 2026 06:59:00 +0700") == date(2026, 4, 10)
    assert entry_date("2026-04-10") == date(2026, 4, 10)


def test_nukeviet_last_modified_with_no_store_is_not_a_validator() -> None:
    nukeviet = {"cache-control": "max-age=0, no-cache, no-store, must-revalidate",
                "last-modified": "Wed, 25 Nov 2026 10:00:00 GMT"}
    assert validators_from(nukeviet) == {}
    assert validators_from({**nukeviet, "etag": '"abc"'}) == {"etag": '"abc"'}
    assert validators_from({"last-modified": "Wed, 25 Nov 2026 10:00:00 GMT"}) == {
        "last_modified": "Wed, 25 Nov 2026 10:00:00 GMT"}


def test_jobdir_is_resumed_only_after_an_unfinished_crawl_of_the_same_mode(tmp_path: Path
                                                                           ) -> None:
    jobdir = tmp_path / "jobs" / "s"
    assert not prepare_jobdir(jobdir, "incremental")
    (jobdir / "requests.seen").write_text("x")
    finish_jobdir(jobdir, "shutdown")
    assert prepare_jobdir(jobdir, "incremental")  # stopped, still marked running: resume
    finish_jobdir(jobdir, "shutdown")
    assert not prepare_jobdir(jobdir, "full")  # another mode: wiped
    assert not (jobdir / "requests.seen").exists()
    finish_jobdir(jobdir, "finished")
    assert not prepare_jobdir(jobdir, "full")  # finished: nothing to resume


def test_a_killed_crawls_jobdir_is_wiped_not_resumed(tmp_path: Path) -> None:
    """A crawl that never closed left a queue Scrapy did not save: it is not read back."""
    jobdir = tmp_path / "jobs" / "s"
    assert not prepare_jobdir(jobdir, "incremental")
    (jobdir / "requests.queue").mkdir()
    (jobdir / "requests.queue" / "p0").write_bytes(b"")  # created, never flushed
    # SIGKILLed here: spider_closed (finish_jobdir) never ran.
    assert not prepare_jobdir(jobdir, "incremental")
    assert not (jobdir / "requests.queue").exists()


# -- the simulator ----------------------------------------------------------------------------


def _crawl(server: SimServer, registry: Path, db: Path, site: str, *extra: str) -> list[str]:
    """Crawl ``site`` and return the paths it requested."""
    server.clear_requests(site)
    result = run_congdoan("crawl", site, "--registry", str(registry), "--db", str(db), *FAST,
                          *extra, cwd=db.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    return [r.path for r in server.requests(site)]


def _seed(db: Path, server: SimServer, site: str) -> None:
    """Store what the portal serves as if it had been crawled (fast: no HTTP)."""
    truth = server.truth(site)
    fetched = datetime.now(UTC).isoformat()
    engine = make_engine(f"sqlite:///{db}")
    with Store(session_factory(engine), 500) as store:
        for kind, key in (("article", "articles"), ("document", "documents")):
            for record in truth[key]:
                store.add(kind, {"references": [], **record, "site": site, "kind": kind,
                                 "fetched_at": fetched})
    with session_factory(engine)() as session, session.begin():
        # the run record of that crawl: it read the whole portal (a reconciliation)
        finish_run(session, start_run(session, site), "ok", stats={"reconciled": True})
    engine.dispose()
    assert store.counts["new"] == len(truth["articles"]) + len(truth["documents"])


def _listing_paths(server: SimServer, site: str) -> dict[str, list[str]]:
    """Every listing page path per section, in page order."""
    portal = server.portal(site)
    pages: dict[str, list[str]] = {}
    for category in CATEGORIES:
        count = max(1, -(-len(portal.content.article_ids(category.alias))
                         // portal.spec.news_per_page))
        pages[category.alias] = [portal.urls.news_cat(category.alias, n)
                                 for n in range(1, count + 1)]
    count = max(1, -(-len(portal.content.document_ids()) // portal.spec.laws_per_page))
    pages["laws"] = [portal.urls.laws_list(n) for n in range(1, count + 1)]
    return pages


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimServer, Path, Path]]:
    workdir = tmp_path_factory.mktemp("big")
    server = SimServer([PortalSpec("big", seed=5, articles=2000, documents=500)]).start()
    registry = workdir / "sites.toml"
    registry.write_text(server.registry_toml(), encoding="utf-8")
    db = workdir / "congdoan.sqlite3"
    _seed(db, server, "big")
    yield server, registry, db
    server.stop()


@pytest.mark.crawl
@pytest.mark.slow
def test_refresh_of_an_unchanged_big_portal_reads_one_listing_page_per_section(
    big: tuple[SimServer, Path, Path],
) -> None:
    server, registry, db = big
    paths = _crawl(server, registry, db, "big")
    portal = server.portal("big")
    expected = {"/robots.txt", portal.urls.news_rss(), *(p[0] for p in
                                                         _listing_paths(server, "big").values())}
    assert sorted(paths) == sorted(expected)
    assert len(paths) <= SECTIONS + 2  # robots.txt + one page per section + the news RSS


@pytest.mark.crawl
@pytest.mark.slow
def test_refresh_after_new_items_fetches_them_and_the_listing_pages_holding_them(
    big: tuple[SimServer, Path, Path],
) -> None:
    server, registry, db = big
    portal = server.portal("big")
    new_articles = portal.add_articles(15)
    new_documents = portal.add_documents(5)
    paths = _crawl(server, registry, db, "big")

    details = {portal.article_url(portal.content.article(i)) for i in new_articles}
    details |= {portal.urls.law_detail(portal.content.document(i).alias) for i in new_documents}
    listings = set()
    for section, pages in _listing_paths(server, "big").items():
        ids = (portal.content.document_ids() if section == "laws"
               else portal.content.article_ids(section))
        per_page = portal.spec.laws_per_page if section == "laws" else portal.spec.news_per_page
        new = set(new_documents if section == "laws" else new_articles)
        holding = {ids.index(i) // per_page for i in new if i in ids}
        # the pages holding new items, and one page of stored items after them (the overlap)
        last = max(holding) + 1 if holding else 0
        listings |= set(pages[:last + 1])
    rest = [p for p in paths if p not in details and p not in listings]
    assert details <= set(paths) and listings <= set(paths)
    assert sorted(p for p in paths if p in details) == sorted(details)  # each fetched once
    assert sorted(p for p in paths if p in listings) == sorted(listings)
    # the rest: robots.txt, the news RSS and the new items' attached files
    extra = [p for p in rest if p not in ("/robots.txt", portal.urls.news_rss())]
    assert all("download=1" in p or p.startswith("/uploads/") for p in extra), extra
    assert all(any(p.startswith(d) for d in details) or p.startswith("/uploads/")
               for p in extra), extra

    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Article)) == 2015
        assert conn.scalar(select(func.count()).select_from(DocumentPosting)) == 505
        last_run = conn.execute(select(CrawlRun.status, CrawlRun.new)
                                .order_by(CrawlRun.id.desc())).first()
    engine.dispose()
    assert tuple(last_run) == ("ok", 20)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimServer, Path, Path]]:
    """A portal crawled once for real (incremental crawl of an empty database)."""
    workdir = tmp_path_factory.mktemp("medium")
    server = SimServer([PortalSpec("mid", seed=9, articles=90, documents=30,
                                   url_style="query")]).start()
    registry = workdir / "sites.toml"
    registry.write_text(server.registry_toml(), encoding="utf-8")
    db = workdir / "congdoan.sqlite3"
    first = _crawl(server, registry, db, "mid")
    assert any("SitemapIndex" in p for p in first)  # a first crawl reads the sitemaps too
    yield server, registry, db
    server.stop()


@pytest.mark.crawl
def test_second_crawl_of_a_crawled_portal_costs_one_page_per_section(
    medium: tuple[SimServer, Path, Path],
) -> None:
    server, registry, db = medium
    paths = _crawl(server, registry, db, "mid")
    assert len(paths) <= SECTIONS + 2, paths
    # NukeViet sends no-store: nothing worth revalidating was kept
    validators = db.parent / "data" / "validators" / "mid.json"
    assert not validators.exists() or json.loads(validators.read_text()) == {}


@pytest.mark.crawl
def test_full_crawl_reads_every_listing_page_and_item_again(
    medium: tuple[SimServer, Path, Path],
) -> None:
    server, registry, db = medium
    paths = _crawl(server, registry, db, "mid", "--full")
    every_listing = [p for pages in _listing_paths(server, "mid").values() for p in pages]
    assert set(every_listing) <= set(paths)
    truth = server.truth("mid")
    fetched_articles = {p for p in paths if "download=1" not in p and p.endswith(".html")}
    assert len(fetched_articles) >= len(truth["articles"])


@pytest.mark.crawl
def test_since_skips_older_items(medium: tuple[SimServer, Path, Path]) -> None:
    server, registry, db = medium
    truth = server.truth("mid")
    dates = sorted(a["published_at"][:10] for a in truth["articles"])
    since = dates[-5]  # only the newest few articles are on or after this day
    paths = _crawl(server, registry, db, "mid", "--full", "--since", since)
    newer = [a for a in truth["articles"] if a["published_at"][:10] >= since]
    fetched = [p for p in paths if p.endswith(".html") and "download=1" not in p]
    assert len(fetched) == len(newer)
    listing_pages = [p for p in paths if "page-" in p]
    assert len(listing_pages) < 10  # stopped near the top of every section


def _etag_server(request: Request, response: Response) -> Response | None:
    """A portal that names its article pages with an ETag and answers 304 to a match."""
    if response.status != 200 or ".html" not in request.path or "download" in request.path:
        return None
    tag = '"' + hashlib.sha256(response.body).hexdigest()[:16] + '"'
    response.headers.append(("ETag", tag))
    if request.headers.get("If-None-Match") == tag:
        return Response(304, b"", [("ETag", tag)])
    return None


@pytest.mark.crawl
def test_etag_pages_are_revalidated_with_conditional_requests(tmp_path: Path) -> None:
    with SimServer([PortalSpec("etag", seed=3, articles=12, documents=4)]) as server:
        server.portal("etag").hooks.append(_etag_server)
        registry = tmp_path / "sites.toml"
        registry.write_text(server.registry_toml(), encoding="utf-8")
        db = tmp_path / "congdoan.sqlite3"
        _crawl(server, registry, db, "etag")
        before = _last_seen(db)
        _crawl(server, registry, db, "etag", "--refresh-days", "0")
        codes = [r.status for r in server.requests("etag") if ".html" in r.path
                 and "download" not in r.path]
        after = _last_seen(db)
    assert codes and set(codes) == {304}  # every article revalidated, no body sent
    assert len(codes) == 12
    assert all(after[url] > before[url] for url in before)


def _last_seen(db: Path) -> dict[str, datetime]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(select(Article.url, Article.last_seen_at)).all()
    engine.dispose()
    return {url: datetime.fromisoformat(str(seen)) for url, seen in rows}
