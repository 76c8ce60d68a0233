"""``congdoan reparse`` reads every CMS family's archived pages with that family's reader.

One crawl per family into one SQLite database, over real HTTP from the
simulators: a NukeViet portal (articles and documents), two WordPress portals
(REST API open: items from API pages; closed: post pages) and a generic portal
(articles read with its selectors, documents from its documents table). The
reader is picked by the registry's ``cms``, as the crawl picks its spider.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from congdoan.sim import SimServer, WordPressSpec, default_portals
from congdoan.sim.generic import GenericPortal, GenericSimServer
from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, DocumentPosting, ItemVersion
from congdoan.storage.records import (
    DOCUMENT_CONTENT_FIELDS,
    content_fields,
    content_hash,
    search_fold,
)
from congdoan.storage.repository import article_content
from tests.commands.test_reparse import reparse, snapshot
from tests.crawling import FAST, run_congdoan

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

SITES = {"sim1": "nukeviet", "wpopen": "wordpress", "wpclosed": "wordpress",
         "generic1": "generic"}


@dataclass
class Families:
    db: str
    registry: Path
    workdir: Path


@pytest.fixture(scope="module")
def families(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Families]:
    workdir = tmp_path_factory.mktemp("reparse-families")
    specs = [*default_portals(1, articles=12, documents=6, seed=31),
             WordPressSpec("wpopen", seed=32, posts=10),
             WordPressSpec("wpclosed", seed=33, posts=8, rest_open=False, per_page=5)]
    with SimServer(specs) as served, \
            GenericSimServer(GenericPortal.build(articles=10, documents=6)) as generic:
        registry = workdir / "sites.toml"
        registry.write_text(served.registry_toml() + "\n" + generic.registry_toml(),
                            encoding="utf-8")
        db = f"sqlite:///{workdir / 'families.sqlite3'}"
        result = run_congdoan("crawl", "--all", "--registry", str(registry), "--db", db,
                              *FAST, cwd=workdir)
        assert result.returncode == 0, result.stderr[-3000:]
    yield Families(db, registry, workdir)


def _stored_counts(db: str) -> dict[str, int]:
    engine = make_engine(db)
    try:
        with session_factory(engine)() as session:
            counts: dict[str, int] = {}
            for model in (Article, DocumentPosting):
                for site in session.scalars(select(model.site)):
                    counts[site] = counts.get(site, 0) + 1
            return counts
    finally:
        engine.dispose()


def test_every_family_is_re_read_into_the_same_records(families: Families) -> None:
    counts = _stored_counts(families.db)
    assert set(counts) == set(SITES)  # one crawl per family stored items
    before = snapshot(families.db)

    code, report, stderr = reparse(families.db, "-q", cwd=families.workdir,
                                   registry=families.registry)

    assert code == 0, (report["failures"][:5], stderr[-2000:])
    assert report["unchanged"] == report["total"] == sum(counts.values())
    assert report["changed"] == report["new"] == report["failed"] == 0
    assert snapshot(families.db) == before


def _damage(session: Any) -> dict[int, str]:
    """Give one article of each site, and one generic document, an old parser's title."""
    titles = {}
    for site in SITES:
        article = session.scalars(select(Article).where(Article.site == site)
                                  .order_by(Article.id).limit(1)).one()
        titles[article.id] = article.title
        article.title = "Tiêu đề lỗi " + article.title
        article.search_title = search_fold(article.title)
        article.content_hash = content_hash(article_content(article))
    posting = session.scalars(select(DocumentPosting).where(DocumentPosting.site == "generic1")
                              .order_by(DocumentPosting.id).limit(1)).one()
    titles[-posting.id] = posting.title
    data = dict(posting.data)
    data["title"] = posting.title = "Văn bản lỗi"
    posting.data = content_fields(data, DOCUMENT_CONTENT_FIELDS)
    posting.content_hash = content_hash(posting.data)
    return titles


def test_an_old_parsers_output_is_repaired_and_kept_as_a_version_in_every_family(
        families: Families) -> None:
    engine = make_engine(families.db)
    try:
        with session_factory(engine)() as session, session.begin():
            titles = _damage(session)
            # WordPress articles stored before migration 0006 have no modified time.
            session.execute(update(Article).where(Article.site == "wpopen")
                            .values(modified_text=None))

        code, report, _ = reparse(families.db, "-q", cwd=families.workdir,
                                  registry=families.registry)

        assert code == 0
        assert report["changed"] == len(titles) == 5
        assert report["unchanged"] == report["total"] - 5
        with session_factory(engine)() as session:
            for key, title in titles.items():
                row = session.get(Article, key) if key > 0 else session.get(DocumentPosting, -key)
                assert row.title == title
            kept = session.scalars(select(ItemVersion.data)).all()
            assert sum(v["title"].startswith("Tiêu đề lỗi ") for v in kept) == 4
            assert sum(v["title"] == "Văn bản lỗi" for v in kept) == 1
            # The modified time is outside the content hash: read again, no new version.
            modified = session.scalars(select(Article.modified_text)
                                       .where(Article.site == "wpopen")).all()
            assert modified and all(m and m.endswith("+07:00") for m in modified)
    finally:
        engine.dispose()

    code, report, _ = reparse(families.db, "-q", cwd=families.workdir,
                              registry=families.registry)
    assert (code, report["changed"], report["unchanged"]) == (0, 0, report["total"])


def test_sites_the_registry_does_not_name_are_reported_not_guessed(
        families: Families, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text("\n".join(
        line for line in families.registry.read_text(encoding="utf-8").split("[[site]]")
        if 'id = "generic1"' in line).join(["[[site]]", ""]), encoding="utf-8")
    before = snapshot(families.db)

    code, report, _ = reparse(families.db, "-q", cwd=families.workdir, registry=other)

    assert code == 3  # partial: the generic site's items re-read, the others reported
    generic = _stored_counts(families.db)["generic1"]
    assert report["unchanged"] == generic
    assert report["failed"] == report["total"] - generic > 0
    assert {f["site"] for f in report["failures"]} == set(SITES) - {"generic1"}
    assert all("not in the registry" in f["reason"] for f in report["failures"])
    assert snapshot(families.db) == before
