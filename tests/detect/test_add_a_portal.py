"""The README's "Add a portal" walk-through against the simulator, as a user types it:
``congdoan sites detect URL --write my-sites.toml`` then ``congdoan crawl ID --registry
my-sites.toml``, for a NukeViet portal and WordPress portals (plain permalinks, REST API
closed). Everything each portal serves lands in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from congdoan.registry import load_registry
from congdoan.sim import PortalSpec, SimServer, WordPressSpec
from congdoan.storage.models import Article, DocumentPosting
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

SPECS = {
    "nv": PortalSpec("nv", articles=15, documents=4),
    "wp-plain": WordPressSpec("wp-plain", posts=15, permalinks="plain"),
    "wp-closed": WordPressSpec("wp-closed", posts=15, rest_open=False),
}


def _stored(db: Path, site: str) -> set[str]:
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        urls = set(session.scalars(select(Article.canonical_url).where(Article.site == site)))
        urls |= set(session.scalars(select(DocumentPosting.canonical_url)
                                    .where(DocumentPosting.site == site)))
    engine.dispose()
    return urls


@pytest.mark.parametrize("name", sorted(SPECS))
def test_detect_write_then_crawl_stores_the_whole_portal(name: str, tmp_path: Path) -> None:
    registry, db = tmp_path / "my-sites.toml", tmp_path / "my.sqlite3"
    env = {"CONGDOAN_DATA_DIR": str(tmp_path / "data")}
    with SimServer([SPECS[name]]) as sim:
        base = sim.base_url(name)
        detected = run_congdoan("sites", "detect", base, "--id", "mine", "--write",
                                str(registry), cwd=tmp_path, env=env)
        assert detected.returncode == 0, detected.stderr
        crawled = run_congdoan("crawl", "mine", "--registry", str(registry), "--db", str(db),
                               *FAST, cwd=tmp_path, env=env)
        truth = sim.truth(name)
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    site = load_registry(registry).get("mine")
    assert site.cms == ("wordpress" if name.startswith("wp") else "nukeviet")
    served = {a["canonical_url"] for a in truth["articles"]}
    served |= {d["canonical_url"] for d in truth["documents"]}
    assert _stored(db, "mine") == served
