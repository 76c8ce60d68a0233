"""A listing page that answers a redirect or "not found" is a failed page, not an empty one.

Registries go stale: a category is deleted and its page redirects home (NukeViet),
a listing page moves away (any CMS). The shared ``SiteSpider.listing_unanswered``
records it in the failure ledger with the page's name, and the crawl goes on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from congdoan.sim import PortalSpec, SimServer
from congdoan.sim.generic import GenericPortal, GenericSimServer
from congdoan.storage.models import Article, Failure
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl


def _crawl(site: str, registry_text: str, tmp_path: Path) -> tuple[dict[str, str], int]:
    """Crawl ``site`` into SQLite: its failures (URL -> reason) and how many articles it stored."""
    registry = tmp_path / "sites.toml"
    registry.write_text(registry_text, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    result = run_congdoan("crawl", site, "--registry", str(registry), "--db", db, *FAST,
                          cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    engine = create_engine(db)
    with engine.connect() as conn:
        rows = conn.execute(select(Failure.url, Failure.reason))
        failures = {url: reason for url, reason in rows}
        articles = len(conn.scalars(select(Article.id)).all())
    engine.dispose()
    return failures, articles


def test_a_deleted_nukeviet_category_is_a_failed_listing(tmp_path: Path) -> None:
    with SimServer([PortalSpec("stale", seed=3, articles=12, documents=3)]).start() as server:
        base = server.portal("stale").urls.base_url
        registry = server.registry_toml().replace("news_sections = [",
                                                  'news_sections = ["Tin-tuc", ', 1)
        failures, articles = _crawl("stale", registry, tmp_path)
    assert failures == {f"{base}/Tin-tuc/":
                        f"section 'Tin-tuc' page 1 answered HTTP 301 to {base}/"}
    assert articles == 12  # the other sections were walked as usual


def test_a_missing_generic_listing_page_is_a_failed_listing(tmp_path: Path) -> None:
    server = GenericSimServer(GenericPortal.build()).start()
    try:
        base = server.portal.base_url
        registry = server.registry_toml().replace('listing_urls = ["/tin-tuc"]',
                                                  'listing_urls = ["/tin-tuc", "/tin-cu"]', 1)
        failures, articles = _crawl(server.portal.site_id, registry, tmp_path)
        expected_articles = len(server.portal.articles)
    finally:
        server.stop()
    assert failures == {f"{base}/tin-cu":
                        f"listing {base}/tin-cu page 1 answered HTTP 404"}
    assert articles == expected_articles
