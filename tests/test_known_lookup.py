"""An incremental crawl looks stored items up as its listings show them, not the whole archive.

Real crawls of the simulator into SQLite and PostgreSQL; the archive is then
grown in SQL (``bench.planning.grow``: the site's rows copied with new URLs, CMS
ids and ids, old items no listing shows), as ten years of a portal would be.
What is checked: the lookups find what the whole archive's index found (by CMS
id, fetched URL, canonical URL; nothing stored after the crawl started), due
items come least recently seen first, a refresh of the unchanged portal costs
the same requests, and the crawl's start reads the same rows at 1x and 10x the
archive (counted with an SQLAlchemy event, no timing).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.engine import Engine

from bench.planning import grow
from congdoan.runtime.incremental import CrawlPolicy, KnownSet, ListingEntry, judge_listing
from congdoan.sim import PortalSpec, SimServer
from congdoan.sim.content import CATEGORIES
from congdoan.storage import known as known_module
from congdoan.storage.db import make_engine
from congdoan.storage.known import read_site_memory
from congdoan.storage.models import Article, DocumentPosting
from tests.crawling import FAST, run_congdoan

pytestmark = pytest.mark.crawl  # the module's archive is a real crawl (a child process)

SITE = "look"
SECTIONS = len(CATEGORIES) + 1  # every news category, plus the laws list


@dataclass
class Archive:
    """A portal crawled once into ``url``, still served."""

    url: str
    server: SimServer
    registry: Path
    workdir: Path

    def crawl(self, *extra: str) -> list[str]:
        """Crawl the portal again; the paths it requested."""
        self.server.clear_requests(SITE)
        result = run_congdoan("crawl", SITE, "--registry", str(self.registry), "--db", self.url,
                              *FAST, *extra, cwd=self.workdir)
        assert result.returncode == 0, result.stderr[-2000:]
        return [r.path for r in self.server.requests(SITE)]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def archive(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    workdir = tmp_path_factory.mktemp(f"known-{request.param}")
    url = (f"sqlite:///{workdir / 'congdoan.sqlite3'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_schemas").new_url())
    server = SimServer([PortalSpec(SITE, seed=31, articles=60, documents=15)]).start()
    registry = workdir / "sites.toml"
    registry.write_text(server.registry_toml(), encoding="utf-8")
    try:
        archive = Archive(url, server, registry, workdir)
        archive.crawl()
        yield archive
    finally:
        server.stop()


def _stored(engine: Engine, model: type[Article] | type[DocumentPosting]) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(model.id, model.url, model.canonical_url,
                                        model.source_id).where(model.site == SITE)
                                 .order_by(model.id)))


@dataclass
class Reads:
    """Statements sent, and stored items read (``known._item``: one a row fetched)."""

    statements: int = 0
    items: int = 0


def _counted_start(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                   entries: list[ListingEntry]) -> tuple[Reads, KnownSet]:
    """What a crawl start reads (``read_site_memory``) and one listing page's judgement."""
    reads = Reads()
    build = known_module._item

    def counted(kind: str, row: Any) -> Any:
        reads.items += 1
        return build(kind, row)

    def statement(*_: Any) -> None:
        reads.statements += 1

    monkeypatch.setattr(known_module, "_item", counted)
    event.listen(engine, "after_cursor_execute", statement)
    try:
        memory = read_site_memory(engine, SITE)
        known = KnownSet(memory.items, retry=memory.retry)
        judge_listing(entries, CrawlPolicy(), known)
        for entry in entries:  # answered from what the page's one lookup learnt
            known.find(entry.kind, entry.url, entry.cms_id)
    finally:
        event.remove(engine, "after_cursor_execute", statement)
        monkeypatch.setattr(known_module, "_item", build)
    return reads, known


def _page(engine: Engine) -> list[ListingEntry]:
    """A listing page: the five newest articles stored, and two links never stored."""
    newest = _stored(engine, Article)[-5:]
    entries = [ListingEntry("article", row.url, row.source_id, None) for row in newest]
    return [*entries, ListingEntry("article", "http://nowhere/a-1.html", 987654321, None),
            ListingEntry("article", "http://nowhere/a-2.html", None, None)]


def test_lookups_find_what_the_archive_holds_and_nothing_stored_after_the_start(
        archive: Archive) -> None:
    engine = make_engine(archive.url)
    try:
        articles, postings = _stored(engine, Article), _stored(engine, DocumentPosting)
        memory = read_site_memory(engine, SITE)
        known = KnownSet(memory.items)
        assert len(known) == len(articles) + len(postings) and bool(known)
        first = articles[0]
        by_id = known.find("article", "http://elsewhere/x.html", first.source_id)
        assert by_id is not None and by_id.url == first.url
        by_url = known.find("article", first.url, None)
        assert by_url is not None and by_url.canonical_url == first.canonical_url
        posting = postings[-1]
        assert known.find("document", posting.canonical_url, None) is not None
        assert known.find("document", posting.url, posting.source_id) is not None
        assert known.find("article", posting.url, None) is None  # another kind
        assert known.find("article", "http://nowhere/", 10**9) is None
        with engine.begin() as conn:
            newest = conn.scalar(select(Article.last_seen_at).where(Article.site == SITE)
                                 .order_by(Article.last_seen_at.desc()).limit(1))
        assert known.newest_seen == newest
        # An item stored after the crawl started (by the crawl itself) is not "known".
        grow(engine, range(1, 2), {"articles": articles[-1].id,
                                   "document_postings": postings[-1].id}, 10**6, SITE)
        copy = f"{articles[-1].url}#o1"
        assert known.find("article", copy, None) is None
        assert KnownSet(read_site_memory(engine, SITE).items).find("article", copy, None)
    finally:
        with engine.begin() as conn:  # the module's archive as it was
            for model in (Article, DocumentPosting):
                conn.execute(model.__table__.delete().where(  # type: ignore[attr-defined]
                    model.site == SITE, model.url.like("%#o%")))
        engine.dispose()


def test_due_items_come_least_recently_seen_first_page_by_page(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(archive.url)
    now = datetime.now(UTC)
    try:
        articles, postings = _stored(engine, Article), _stored(engine, DocumentPosting)
        # Seven articles and three postings last seen 8-17 days ago, interleaved.
        aged = [("article", r) for r in articles[:7]] + [("document", r) for r in postings[:3]]
        with engine.begin() as conn:
            for n, (kind, row) in enumerate(aged):
                model = Article if kind == "article" else DocumentPosting
                conn.execute(update(model).where(model.id == row.id).values(
                    last_seen_at=now - timedelta(days=17 - n), fetched_at=now - timedelta(
                        days=30)))
        monkeypatch.setattr(known_module, "_CHUNK", 3)  # several pages a kind
        memory = read_site_memory(engine, SITE)
        due = list(KnownSet(memory.items, now, refresh_days=7).due())
        assert [(i.kind, i.url) for i in due] == [(k, r.url) for k, r in aged]
        assert list(KnownSet(memory.items, now, refresh_days=None).due()) == []
        assert [i.url for i in KnownSet(memory.items, now, refresh_days=12).due()] == [
            r.url for _, r in aged[:6]]
    finally:
        with engine.begin() as conn:
            for model in (Article, DocumentPosting):
                conn.execute(update(model).where(model.site == SITE).values(last_seen_at=now))
        engine.dispose()


def test_a_crawl_start_reads_the_same_at_ten_times_the_archive(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(archive.url)
    try:
        page = _page(engine)
        small, known = _counted_start(engine, monkeypatch, page)
        assert [known.find(e.kind, e.url, e.cms_id) is not None for e in page] == [
            True] * 5 + [False, False]
        stored = len(known)
        base = {"articles": _stored(engine, Article)[-1].id,
                "document_postings": _stored(engine, DocumentPosting)[-1].id}
        grow(engine, range(1, 10), base, 10**6, SITE)
        large, known = _counted_start(engine, monkeypatch, page)
        assert len(known) == 10 * stored
        # One lookup for the page; its five stored items are the only items read.
        assert small == large == Reads(statements=small.statements, items=5)
        # A refresh of the unchanged portal: one listing page a section, nothing stored.
        paths = archive.crawl()
        assert len(paths) <= SECTIONS + 2, paths
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM articles WHERE site = :s"),
                               {"s": SITE}) == len(_stored(engine, Article))
    finally:
        with engine.begin() as conn:
            for model in (Article, DocumentPosting):
                conn.execute(model.__table__.delete().where(  # type: ignore[attr-defined]
                    model.site == SITE, model.url.like("%#o%")))
        engine.dispose()
