"""PostgreSQL: search ranks in narrow tables of their own, a copy of each item's search vector.

Search ranks every match, so it reads every match's tsvector. In the item row
(``articles.search_vector``, a generated column since 0001) that meant
visiting the pages of the whole wide row: on the bench's country a two-word
query with 32,650 matches touched 20,000 heap pages, more than PostgreSQL's
default 128 MB of shared buffers holds, and 60 % of its time went to reading
them back from the operating system. ``{table}_search`` holds only the id, the
date search ranks by (an article's publication, else first seen; a document's
issue date, else first seen) and the vector, kept by a trigger whenever the
folded text or a date changes; a deleted item takes its row along (the foreign
key cascades). Matches and ranks read that table alone; the count needs no
row at all once a vacuum marked the pages all-visible (a bitmap scan then skips
them). Relevance is unchanged: the same vector, weights and ``ts_rank``.

The item rows keep their generated ``search_vector`` and its GIN index: the web
interface's facets count the matches by site, year, type and issuer, so they
read the matching rows anyway, and reading them through the narrow table first
made its search page 3x slower (both together no longer fit the buffers). The
copy costs ~1.3 KB per item on disk, and a row written per item written.

SQLite keeps FTS5 and its ``{table}_fts_day`` tables (0005): nothing changes there.

docs/benchmarks.md has the figures.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The date search ranks by (storage/search.py), from a row of the item's table.
DAY = {
    "articles": "coalesce({row}.published_at, {row}.first_seen_at)",
    "documents": "coalesce({row}.issued_on::timestamptz, {row}.first_seen_at)",
}
WATCHED = {"articles": "published_at, first_seen_at", "documents": "issued_on, first_seen_at"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, day in DAY.items():
        side = f"{table}_search"
        op.execute(
            f"CREATE TABLE {side} (id integer PRIMARY KEY REFERENCES {table} (id) "
            "ON DELETE CASCADE, day timestamptz, search_vector tsvector NOT NULL)")
        # In the row, not in TOAST: ranking reads every match's vector.
        op.execute(f"ALTER TABLE {side} ALTER COLUMN search_vector SET STORAGE MAIN")
        op.execute(f"INSERT INTO {side} (id, day, search_vector) "
                   f"SELECT id, {day.format(row=table)}, search_vector FROM {table}")
        op.execute(f"CREATE INDEX ix_{side}_vector ON {side} USING GIN (search_vector)")
        _create_sync_trigger(table, side, day)


def _create_sync_trigger(table: str, side: str, day: str) -> None:
    # An AFTER trigger sees the generated column computed: the vector is copied, defined
    # once (0001). SET search_path FROM CURRENT: the function finds its side table in the
    # schema it was created in, whatever the search path of the session that writes.
    op.execute(
        f"CREATE FUNCTION {side}_sync() RETURNS trigger LANGUAGE plpgsql "
        "SET search_path FROM CURRENT AS $$ BEGIN "
        f"INSERT INTO {side} (id, day, search_vector) "
        f"VALUES (NEW.id, {day.format(row='NEW')}, NEW.search_vector) "
        "ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, "
        "search_vector = EXCLUDED.search_vector; "
        "RETURN NULL; END $$")
    op.execute(
        f"CREATE TRIGGER {side}_sync AFTER INSERT OR UPDATE OF search_title, search_text, "
        f"{WATCHED[table]} ON {table} FOR EACH ROW EXECUTE FUNCTION {side}_sync()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in DAY:
        side = f"{table}_search"
        op.execute(f"DROP TRIGGER IF EXISTS {side}_sync ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {side}_sync()")
        op.execute(f"DROP TABLE IF EXISTS {side}")
