"""The benchmarks' country database: a faster build stores exactly what the slow one did.

``bench/country_db.build`` writes the simulator's records through the store; its
speed-ups (stories' candidates compared in one numpy pass, titles folded once)
and the PostgreSQL copy (``bench/pg_copy``) must not change a stored byte. The
reference digest in ``tests/fixtures/country/`` was taken from a build by the
code before the speed-up; ``stored_digest`` hashes every table (the clock's
columns aside) and counts what search finds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import country_db
from bench.pg_copy import copy_database
from congdoan.storage.db import make_engine
from congdoan.stories.signature import Signature, signature
from tests.conftest import PgSchemas

REFERENCE = Path(__file__).parent / "fixtures" / "country" / "digest-6x0.01.json"


def _reference() -> dict:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    if data["schema"] != country_db.schema_head():
        pytest.skip(f"the reference digest is of schema {data['schema']}: a migration "
                    "changed the tables, take it again from a build before any speed-up")
    return data


def test_overlaps_are_overlap_for_each() -> None:
    """The one-pass comparison gives each candidate exactly ``overlap``'s figure."""
    words = [f"từ{i} công đoàn cơ sở thỏa ước lao động tập thể năm {i % 7}" for i in range(60)]
    sigs = [signature("Tin", " ".join(words[i:i + 25])) for i in range(0, 30, 3)]
    mine = [s for s in sigs if s is not None]
    assert len(mine) >= 5
    first = mine[0]
    together = first.overlaps(b"".join(s.to_bytes() for s in mine), [s.shingles for s in mine])
    one_by_one = [first.overlap(Signature.from_bytes(s.to_bytes(), s.shingles)) for s in mine]
    assert together == one_by_one
    assert first.overlaps(b"", []) == []


def test_build_stores_what_the_reference_build_stored(tmp_path: Path) -> None:
    """6 portals at 1/100 (228 records): every table and search's counts as before."""
    reference = _reference()
    engine = make_engine(f"sqlite:///{tmp_path / 'country.sqlite3'}")
    try:
        country_db.build(engine, country_db.country_specs(reference["size"],
                                                          portals=reference["portals"]))
        digest = country_db.stored_digest(engine)
    finally:
        engine.dispose()
    assert digest["tables"] == reference["tables"]
    assert digest["search"] == reference["search"]


@pytest.mark.crawl  # three builds and a copy on a server: 20 s on a busy machine
def test_postgresql_copy_is_the_store_build(tmp_path: Path, pg_schemas: PgSchemas) -> None:
    """The country copied from SQLite into PostgreSQL equals the one written there through
    the store: every table, PostgreSQL's ranking index (filled by its triggers) included."""
    specs = country_db.country_specs(0.01, portals=4)
    sqlite = make_engine(f"sqlite:///{tmp_path / 'country.sqlite3'}")
    written = make_engine(pg_schemas.new_url())
    copied = make_engine(pg_schemas.new_url())
    try:
        country_db.build(sqlite, specs)
        country_db.build(written, specs)
        copy_database(sqlite, copied)
        expected, got = country_db.stored_digest(written), country_db.stored_digest(copied)
        assert "articles_search" in got["tables"]
        assert got == expected
        assert got["search"] == country_db.stored_digest(sqlite)["search"]
    finally:
        for engine in (sqlite, written, copied):
            engine.dispose()
