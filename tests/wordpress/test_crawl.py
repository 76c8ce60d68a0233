"""Crawling real WordPress output: the replay of each capture, the real Scrapy engine,
real SQLite. Every public post is stored with its fields, the never-public ones
never, and a rerun of an unchanged portal costs a handful of requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session, selectinload

from congdoan.storage.models import Article, Failure
from tests.crawling import CrawlRun, crawl, run_congdoan
from tests.wordpress_replay import VARIANTS, CapturedSite, serve_capture, url_key

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

PER_PAGE = "CONGDOAN_WP_PER_PAGE=5"  # the REST page size the captures hold


@dataclass
class Crawled:
    site: CapturedSite
    base: str
    first: CrawlRun
    first_requests: list[str]
    rerun: CrawlRun
    rerun_requests: list[str]
    db: Path

    def articles(self) -> list[Article]:
        engine = create_engine(f"sqlite:///{self.db}")
        with Session(engine) as session:
            rows = session.scalars(select(Article).options(
                selectinload(Article.attachments))).all()
            session.expunge_all()
        engine.dispose()
        return list(rows)


def _registry(path: Path, base: str, variant: str, sections: list[str]) -> Path:
    style = "query" if "-plain" in variant else "rewrite"
    path.write_text(
        '[[site]]\nid = "wplab"\nprovince = "Tỉnh Lab"\nname = "LĐLĐ tỉnh Lab"\n'
        f'base_url = "{base}"\ncms = "wordpress"\nurl_style = "{style}"\n'
        f"news_sections = {json.dumps(sections)}\n", encoding="utf-8")
    return path


def _crawl_twice(variant: str, tmp: Path, sections: list[str]) -> Iterator[Crawled]:
    with serve_capture(variant) as (base, site):
        registry = _registry(tmp / "sites.toml", base, variant, sections)
        db = tmp / "wplab.sqlite3"
        args = ("--db", str(db), "-s", PER_PAGE)
        env = {"CONGDOAN_DATA_DIR": str(tmp / "data")}
        first = crawl("wplab", registry, tmp, *args, env=env)
        first_requests = list(site.requests)
        site.requests.clear()
        rerun = crawl("wplab", registry, tmp, *args, env=env)
        yield Crawled(site, base, first, first_requests, rerun, list(site.requests), db)


@pytest.fixture(scope="module", params=VARIANTS)
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp(request.param)
    yield from _crawl_twice(request.param, tmp, ["tin-tuc-su-kien", "hoat-dong-cong-doan"])


def _live(url: str, crawled: Crawled) -> str:
    return url.replace(crawled.site.meta["base_url"], crawled.base, 1)


def test_every_public_post_is_stored_with_its_fields(crawled: Crawled) -> None:
    assert crawled.first.returncode == 0, crawled.first.stderr[-2000:]
    truth = crawled.site.truth
    public = {p["id"]: p for p in truth["posts"] if p["public"]}
    stored = {a.source_id: a for a in crawled.articles()}
    assert sorted(stored) == sorted(public)
    textured = truth["site"]["theme"] == "twentytwentythree" and truth["site"]["rest"] != "open"
    for post_id, post in public.items():
        article = stored[post_id]
        assert article.canonical_url == _live(post["link"], crawled)
        assert article.title == post["title"]
        assert article.author == post["author"]["display_name"]
        categories = post["categories_displayed" if textured else "categories"]
        assert article.category == categories[0]
        assert article.category_path == categories
        assert sorted(article.tags) == sorted(post["tags_displayed" if textured else "tags"])
        published = datetime.fromisoformat(post["date"])
        assert article.published_at.replace(tzinfo=article.published_at.tzinfo or UTC) == published
        assert article.published_precision in ("second", "minute")
        names = {a["name"] for a in post["attachments"]}
        lines = [line for line in post["body_lines"] if line not in names]
        assert article.body_text == "\n".join(lines)
        assert [a.name for a in article.attachments] == [a["name"] for a in post["attachments"]]
        # The attached files were downloaded, stored by content, and read.
        assert all(a.sha256 and a.size for a in article.attachments)


def test_drafts_private_pending_and_scheduled_posts_never_appear(crawled: Crawled) -> None:
    hidden = [p for p in crawled.site.truth["posts"] if not p["public"]]
    titles = {a.title for a in crawled.articles()}
    ids = {a.source_id for a in crawled.articles()}
    for post in hidden:
        assert post["id"] not in ids and post["title"] not in titles
    exported = json.dumps(crawled.first.items, ensure_ascii=False)
    assert all(post["title_raw"] not in exported for post in hidden)


def test_unchanged_rerun_costs_a_handful_of_requests_and_stores_nothing(crawled: Crawled
                                                                        ) -> None:
    assert crawled.rerun.returncode == 0, crawled.rerun.stderr[-2000:]
    assert crawled.rerun.items == []
    # robots.txt (and its redirect on plain permalinks), one API page; closed API:
    # the probe, the feed and the first page of each section.
    assert len(crawled.rerun_requests) <= 5, crawled.rerun_requests
    assert len(crawled.first_requests) > len(crawled.rerun_requests)


def test_rest_is_used_where_open_and_pages_where_closed(crawled: Crawled) -> None:
    rest_open = crawled.site.meta["rest"] == "open"
    via = {item["discovered_via"] for item in crawled.first.items}
    assert via == ({"rest"} if rest_open else via - {"rest"})
    links = {url_key(p["link"]) for p in crawled.site.truth["posts"] if p["public"]}
    post_pages = [r for r in crawled.first_requests if url_key(r) in links]
    assert len(post_pages) == (0 if rest_open else len(links))


def test_a_post_changed_after_its_fetch_is_read_again(tmp_path: Path) -> None:
    # Stands for an edit on the portal: an edit makes a post the newest change (first
    # in the API's modified order); its stored copy now predates that change, which
    # is all the REST walk compares.
    runs = _crawl_twice("twentytwentyone-pretty", tmp_path, [])
    crawled = next(runs)
    edited = max((p for p in crawled.site.truth["posts"] if p["public"]),
                 key=lambda p: p["modified"])
    engine = create_engine(f"sqlite:///{crawled.db}")
    with engine.begin() as conn:
        before = datetime.fromisoformat(edited["modified"]).astimezone(UTC) - timedelta(days=1)
        conn.execute(update(Article).where(Article.source_id == edited["id"]).values(
            last_seen_at=before.replace(tzinfo=None), fetched_at=before.replace(tzinfo=None)))
    engine.dispose()
    with serve_capture("twentytwentyone-pretty") as (base, _):
        registry = _registry(tmp_path / "sites.toml", base, "twentytwentyone-pretty", [])
        again = crawl("wplab", registry, tmp_path, "--db", str(crawled.db), "-s", PER_PAGE,
                      env={"CONGDOAN_DATA_DIR": str(tmp_path / "data")})
    assert again.returncode == 0, again.stderr[-2000:]
    assert [item["source_id"] for item in again.items] == [edited["id"]]
    assert again.items[0]["modified_text"] == edited["modified"]


def test_failures_go_to_the_ledger_and_the_crawl_goes_on(tmp_path: Path) -> None:
    runs = _crawl_twice("twentytwentyone-pretty-restclosed", tmp_path,
                        ["tin-tuc-su-kien", "chuyen-muc-da-xoa"])
    crawled = next(runs)
    assert crawled.first.returncode == 3  # partial: items stored, a page failed
    assert "chuyen-muc-da-xoa" in crawled.first.stderr
    public = [p for p in crawled.site.truth["posts"] if p["public"]]
    assert len(crawled.articles()) == len(public)
    engine = create_engine(f"sqlite:///{crawled.db}")
    with Session(engine) as session:
        failures = session.scalars(select(Failure)).all()
        assert [f.url for f in failures] == [f"{crawled.base}/category/chuyen-muc-da-xoa/"]
        assert "404" in failures[0].reason
    engine.dispose()


def test_reparse_reads_every_stored_post_again_unchanged(crawled: Crawled,
                                                         tmp_path: Path) -> None:
    # The raw archive holds the API pages (REST) or the post pages: today's readers
    # make the same records of them, so nothing changes and nothing fails.
    registry = crawled.db.parent / "sites.toml"  # reparse reads by the registry's cms
    result = run_congdoan("reparse", "--db", str(crawled.db), "--registry", str(registry),
                          "--json", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    counts = json.loads(result.stdout)
    public = [p for p in crawled.site.truth["posts"] if p["public"]]
    assert (counts["unchanged"], counts["failed"]) == (len(public), 0)
