"""Migrations build the whole schema on an empty database, matching the models."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from congdoan.storage.db import SCHEMA_HEAD, alembic_config, make_engine, upgrade
from congdoan.storage.models import Base

TABLES = {
    "sites",
    "raw_pages",
    "articles",
    "documents",
    "document_postings",
    "attachments",
    "article_references",
    "item_versions",
    "crawl_runs",
    "failures",
}


def _is_search_index(obj: object, name: str | None, type_: str, *_: object) -> bool:
    # The search index differs per backend and lives only in the migrations, as do the
    # indexes on an expression (``ix_*_by_day``), which Alembic cannot compare.
    return not (name and ("_fts" in name or name.endswith(("_search", "_by_day"))
                          or name == "search_vector"))


def test_the_shipped_head_is_alembics_head() -> None:
    # db.SCHEMA_HEAD lets a database at head be used without Alembic: it must be the head.
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


@pytest.mark.crawl  # a Python child: a fresh interpreter's imports
def test_a_database_at_head_is_opened_without_importing_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'at-head.sqlite3'}"
    upgrade(url)
    code = ("import sys; from congdoan.storage.db import make_engine; "
            f"make_engine({url!r}).dispose(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_upgrade_creates_every_table_at_head(empty_url: str) -> None:
    upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= TABLES
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert MigrationContext.configure(conn).get_current_revision() == head
    engine.dispose()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrated_schema_matches_the_models(empty_url: str) -> None:
    upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _is_search_index})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_upgrade_is_idempotent_and_reversible(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade(empty_url)  # nothing left to do
    config = alembic_config()
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    with engine.connect() as conn:
        assert not TABLES & set(inspect(conn).get_table_names())
    engine.dispose()
    upgrade(empty_url)


def test_make_engine_migrates_on_first_use(empty_url: str) -> None:
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= TABLES
    engine.dispose()


# Tables of revisions after 0007 that today's store writes to (stories 0010, relations 0011).
_LATER_TABLES = ("stories", "story_members", "story_buckets", "document_relations",
                 "document_status")


@contextmanager
def _later_tables_lent(engine: Any) -> Iterator[None]:
    """Store with today's code into an older schema: lend it the tables later revisions add
    (today's store writes them too), and take them away before the upgrade creates them."""
    later = [Base.metadata.tables[name] for name in _LATER_TABLES]
    for table in later:
        table.create(engine)
    try:
        yield
    finally:
        for table in reversed(later):
            table.drop(engine)


def test_items_stored_before_0007_are_found_after_it(empty_url: str) -> None:
    """The upgrade to 0007 copies every stored item's search vector and date into the
    narrow search tables (PostgreSQL; a no-op on SQLite, whose FTS5 index stays)."""
    from sqlalchemy.orm import Session

    from congdoan.storage.documents import upsert_document
    from congdoan.storage.repository import upsert_article
    from congdoan.storage.search import search_page

    from .conftest import article_record, document_record

    upgrade(empty_url, "0006")
    engine = create_engine(empty_url)
    with _later_tables_lent(engine), Session(engine) as session:
        upsert_article(session, article_record(title="Hội nghị thỏa ước lao động tập thể"))
        upsert_document(session, document_record())
        session.commit()
    upgrade(empty_url)
    with Session(engine) as session:
        assert [h.kind for h in search_page(session, "thoa uoc lao dong").hits] == ["article"]
        assert search_page(session, "", kind="document").total == 0  # no words, no hits
        assert search_page(session, document_record()["title"], kind="document").total == 1
    engine.dispose()


def test_items_stored_before_0008_are_ranked_by_their_exact_spelling_after_it(
        empty_url: str) -> None:
    """The upgrade to 0008 indexes every stored item's exact spelling (SQLite: the FTS5
    table is rebuilt; PostgreSQL: the ranking vectors), so ``thị`` and ``thi`` rank the
    old items differently, and a document is found by its type name."""
    from sqlalchemy.orm import Session

    from congdoan.storage.repository import upsert_article
    from congdoan.storage.search import search_page

    from .conftest import article_record

    upgrade(empty_url, "0007")
    engine = create_engine(empty_url)
    titles = {"thi": "Hội thi cán bộ nữ công giỏi", "thị": "Tết Sum vầy tại thị xã Quảng Trị"}
    with _later_tables_lent(engine), Session(engine) as session:
        for n, title in enumerate(sorted(set(titles.values())), start=1):
            upsert_article(session, article_record(
                title=title, source_id=n, summary=None, tags=[], references=[],
                canonical_url=f"https://ldld.dienbien.gov.vn/vi/news/a-{n}.html"))
        session.commit()
    upgrade(empty_url)
    with Session(engine) as session:
        hits = search_page(session, "thị").hits
        assert len(hits) == 2  # every spelling matches ...
        assert hits[0].title == titles["thị"]  # ... the one typed ranks first
        hits = search_page(session, "hội thi").hits  # both hold "hội" (the body) and "thi"
        assert hits[0].title == titles["thi"]  # the pair adjacent, spelled as typed
    engine.dispose()
