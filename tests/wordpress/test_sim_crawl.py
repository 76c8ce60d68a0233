"""The wordpress spider against the simulator's WordPress mode: real HTTP, the real Scrapy
engine, real SQLite. REST open (pretty and plain permalinks) and closed: every public
post stored with its fields, drafts, private, pending and scheduled posts never, and an
unchanged rerun costs a handful of requests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from congdoan.sim import SimServer, WordPressSpec
from congdoan.storage.models import Article
from tests.crawling import CrawlRun, crawl

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

VARIANTS = {
    "rest-pretty": WordPressSpec("wpsim", posts=24, rest_open=True, permalinks="pretty"),
    "rest-plain": WordPressSpec("wpsim", posts=24, rest_open=True, permalinks="plain"),
    "closed-pretty": WordPressSpec("wpsim", posts=24, rest_open=False, permalinks="pretty",
                                   per_page=5),
}


@dataclass
class Crawled:
    spec: WordPressSpec
    truth: dict
    first: CrawlRun
    first_paths: list[str]
    rerun: CrawlRun
    rerun_paths: list[str]
    db: Path

    def articles(self) -> list[Article]:
        engine = create_engine(f"sqlite:///{self.db}")
        with Session(engine) as session:
            rows = session.scalars(select(Article).options(
                selectinload(Article.attachments))).all()
            session.expunge_all()
        engine.dispose()
        return list(rows)


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Crawled]:
    spec = VARIANTS[request.param]
    tmp = tmp_path_factory.mktemp(request.param)
    with SimServer([spec]) as sim:
        registry = tmp / "sites.toml"
        registry.write_text(sim.registry_toml(), encoding="utf-8")
        db = tmp / "wp.sqlite3"
        env = {"CONGDOAN_DATA_DIR": str(tmp / "data")}
        first = crawl("wpsim", registry, tmp, "--db", str(db), env=env)
        first_paths = [r.path for r in sim.requests("wpsim")]
        sim.clear_requests()
        rerun = crawl("wpsim", registry, tmp, "--db", str(db), env=env)
        rerun_paths = [r.path for r in sim.requests("wpsim")]
        yield Crawled(spec, sim.truth("wpsim"), first, first_paths, rerun, rerun_paths, db)


def test_every_public_post_is_stored_with_its_fields(crawled: Crawled) -> None:
    assert crawled.first.returncode == 0, crawled.first.stderr[-2000:]
    served = {a["source_id"]: a for a in crawled.truth["articles"]}
    stored = {a.source_id: a for a in crawled.articles()}
    assert len(served) == crawled.spec.posts
    assert sorted(stored) == sorted(served)
    for post_id, post in served.items():
        article = stored[post_id]
        assert article.canonical_url == post["canonical_url"]
        assert article.title == post["title"]
        assert article.author == post["author"]
        assert article.category == post["category"]
        assert article.category_path == post["category_path"]
        assert sorted(article.tags) == sorted(post["tags"])
        assert article.published_at.replace(tzinfo=None) == datetime.fromisoformat(
            post["published_at"]).astimezone(article.published_at.tzinfo).replace(tzinfo=None)
        assert article.body_text == post["body_text"]
        # The CMS's last change: in the API, not printed by the theme's pages.
        if crawled.spec.rest_open:
            assert datetime.fromisoformat(article.modified_text) == datetime.fromisoformat(
                post["modified_at"])
        else:
            assert article.modified_text is None
        # The excerpt is in the API, not on the theme's page; an excerpt that repeats the
        # body's opening is WordPress's automatic one, no summary.
        opening = post["body_text"].split()[:8] == post["summary"].split()[:8]
        if crawled.spec.rest_open and not opening:
            assert article.summary == post["summary"]
        assert [a.name for a in article.attachments] == [a["name"] for a in post["attachments"]]
        assert all(a.sha256 and a.size for a in article.attachments)
    # The generator gives some posts files, images and tags: the comparison covered them.
    assert any(p["attachments"] for p in served.values())
    assert any(p["tags"] for p in served.values())
    assert any(p["modified_at"] != p["published_at"] for p in served.values())


def test_hidden_posts_never_appear(crawled: Crawled) -> None:
    hidden = crawled.truth["hidden"]
    assert {h["status"] for h in hidden} == {"draft", "private", "pending", "future"}
    stored = crawled.articles()
    ids, titles = {a.source_id for a in stored}, {a.title for a in stored}
    for post in hidden:
        assert post["id"] not in ids and post["title"] not in titles
    assert all(not any(str(h["id"]) in path and "p=" in path for h in hidden)
               for path in crawled.first_paths)


def test_unchanged_rerun_costs_a_handful_of_requests(crawled: Crawled) -> None:
    assert crawled.rerun.returncode == 0, crawled.rerun.stderr[-2000:]
    assert crawled.rerun.items == []
    # robots.txt and one API page; closed: the probe, the feed and each section's first page.
    sections = 0 if crawled.spec.rest_open else 4
    assert len(crawled.rerun_paths) <= 3 + sections, crawled.rerun_paths
    assert len(crawled.first_paths) > 2 * len(crawled.rerun_paths)


def test_rest_where_open_post_pages_where_closed(crawled: Crawled) -> None:
    via = {item["discovered_via"] for item in crawled.first.items}
    if crawled.spec.rest_open:
        assert via == {"rest"}
    else:
        assert "rest" not in via and via <= {"sitemap", "rss", "listing"}
