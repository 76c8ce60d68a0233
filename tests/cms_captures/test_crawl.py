"""`sites detect --write` then `crawl` on each captured static CMS, replayed over real HTTP
into real SQLite: every published post stored, nothing else, >= 98% of the fields right,
and an unchanged rerun costs at most 10 requests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from congdoan.storage.models import Article
from tests.cms_captures.captures import CAPTURES, FIELDS, field_checks, truth
from tests.crawling import FAST, run_congdoan
from tests.wordpress_replay import CapturedSite, serve_capture, url_key

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


@dataclass
class Crawled:
    site: CapturedSite
    base: str
    registry: str
    first: object
    first_requests: list[str]
    rerun: object
    rerun_requests: list[str]
    articles: list[Article]


def _articles(db: Path) -> list[Article]:
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        rows = list(session.scalars(select(Article).options(selectinload(Article.attachments))))
        session.expunge_all()
    engine.dispose()
    return rows


@pytest.fixture(scope="module", params=sorted(CAPTURES))
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp(request.param)
    registry, db = tmp / "sites.toml", tmp / "lab.sqlite3"
    env = {"CONGDOAN_DATA_DIR": str(tmp / "data")}
    with serve_capture(CAPTURES[request.param]) as (base, site):
        detected = run_congdoan("sites", "detect", base, "--id", "lab", "--write",
                                str(registry), cwd=tmp, env=env)
        assert detected.returncode == 0, detected.stdout + detected.stderr[-2000:]
        site.requests.clear()
        args = ("crawl", "lab", "--registry", str(registry), "--db", str(db), *FAST)
        first = run_congdoan(*args, cwd=tmp, env=env)
        first_requests = list(site.requests)
        site.requests.clear()
        rerun = run_congdoan(*args, cwd=tmp, env=env)
        yield Crawled(site, base, registry.read_text(encoding="utf-8"), first, first_requests,
                      rerun, list(site.requests), _articles(db))


def _live(url: str, crawled: Crawled) -> str:
    return url.replace(crawled.site.meta["base_url"], crawled.base, 1)


def test_detection_writes_a_generic_entry_with_an_article_pattern(crawled: Crawled) -> None:
    assert 'cms = "generic"' in crawled.registry and "article_pattern" in crawled.registry


def test_every_published_post_is_stored_and_nothing_else(crawled: Crawled) -> None:
    assert crawled.first.returncode == 0, crawled.first.stderr[-3000:]
    name = next(n for n, f in CAPTURES.items() if f == crawled.site.folder)
    posts = truth(name)["posts"]
    public = {_live(p["link"], crawled) for p in posts if p["public"]}
    stored = {a.url for a in crawled.articles}
    assert stored == public
    hidden = {p["title"] for p in posts if not p["public"]}
    assert not hidden & {a.title for a in crawled.articles}
    # the never-public posts' URLs were never even asked for
    links = {url_key(p["link"]) for p in posts if not p["public"]}
    assert not links & {url_key(r) for r in crawled.first_requests}


def test_at_least_98_percent_of_fields_are_right(crawled: Crawled) -> None:
    name = next(n for n, f in CAPTURES.items() if f == crawled.site.folder)
    by_url = {_live(p["link"], crawled): p for p in truth(name)["posts"] if p["public"]}
    checks = []
    wrong = []
    for article in crawled.articles:
        published = article.published_at
        got = {"title": article.title, "author": article.author, "category": article.category,
               "tags": article.tags, "body_text": article.body_text,
               "published": published.replace(tzinfo=published.tzinfo or UTC)
               if published else None,
               "attachments": [a.name for a in article.attachments]}
        result = field_checks(by_url[article.url], got)
        checks += result.values()
        wrong += [(article.url, f) for f, ok in result.items() if not ok]
    assert len(checks) == len(by_url) * len(FIELDS)
    assert sum(checks) / len(checks) >= 0.98, wrong
    assert all(a.sha256 for article in crawled.articles for a in article.attachments)


def test_an_unchanged_rerun_costs_at_most_ten_requests(crawled: Crawled) -> None:
    assert crawled.rerun.returncode == 0, crawled.rerun.stderr[-3000:]
    assert len(crawled.rerun_requests) <= 10, crawled.rerun_requests
    assert len(crawled.first_requests) > len(crawled.rerun_requests)
