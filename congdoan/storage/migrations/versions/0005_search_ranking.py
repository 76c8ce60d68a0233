"""What search reads per match, made small: it ranks every match, so per-match reads count.

SQLite: search divides relevance by the item's age, so it reads the date of
every match. Read from the row, that means reading bodies and HTML: SQLite
follows a row's overflow pages to reach a column stored after them.
``{table}_fts_day`` holds the id and the Julian day of the item's date (an
article's publication, else first seen; a document's issue date, else first
seen), kept in sync by triggers like the FTS tables, so ranking reads a few
bytes per match.

PostgreSQL: ``ts_rank`` reads every match's tsvector. With the default storage
the vector of a long article was often moved out of the row into the TOAST
table (one more index lookup per match); ``STORAGE MAIN`` keeps it in the row,
compressed, and moves the bodies out first. Existing rows are rewritten once so
their vectors move back in (the generated column is recomputed on update).

Both: browsing sorts by the item's date (``storage/facets.py``: ``article_day``,
``document_day``), an expression no plain index serves, so the newest 20 meant
sorting every row; ``ix_{table}_by_day`` indexes exactly that expression. On
PostgreSQL only the articles' one: a document's expression mixes a date with a
timestamp with zone, which PostgreSQL will not index (the cast depends on the
session's zone).

docs/benchmarks.md has the figures (ranking 2-4x faster on the full-size country).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The item's date as search ranks it (storage/search.py: _article_moment, _document_moment).
DAY = {
    "articles": "julianday(coalesce({row}.published_at, {row}.first_seen_at))",
    "documents": "julianday(coalesce({row}.issued_on, {row}.first_seen_at))",
}
WATCHED = {"articles": "published_at, first_seen_at", "documents": "issued_on, first_seen_at"}


BY_DAY = {
    "articles": "coalesce(published_at, first_seen_at)",
    "documents": "coalesce(issued_on, first_seen_at)",
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, expression in BY_DAY.items():
        if not (postgres and table == "documents"):
            op.execute(f"CREATE INDEX ix_{table}_by_day ON {table} ({expression})")
    if postgres:
        for table in DAY:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE MAIN")
            op.execute(f"UPDATE {table} SET search_title = search_title")
        return
    for table, day in DAY.items():
        side = f"{table}_fts_day"
        new_day = day.format(row="new")
        op.execute(f"CREATE TABLE {side} (id INTEGER PRIMARY KEY, day REAL)")
        op.execute(f"INSERT INTO {side} (id, day) SELECT id, {day.format(row=table)} FROM {table}")
        op.execute(f"CREATE TRIGGER {side}_ai AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {side} (id, day) VALUES (new.id, {new_day}); END")
        op.execute(f"CREATE TRIGGER {side}_au AFTER UPDATE OF {WATCHED[table]} ON {table} BEGIN "
                   f"UPDATE {side} SET day = {new_day} WHERE id = new.id; END")
        op.execute(f"CREATE TRIGGER {side}_ad AFTER DELETE ON {table} BEGIN "
                   f"DELETE FROM {side} WHERE id = old.id; END")


def downgrade() -> None:
    for table in BY_DAY:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_by_day")
    if op.get_bind().dialect.name == "postgresql":
        for table in DAY:  # new rows only: the ones written since keep their layout
            op.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE EXTENDED")
        return
    for table in DAY:
        side = f"{table}_fts_day"
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {side}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {side}")
