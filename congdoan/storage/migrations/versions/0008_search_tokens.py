"""Search indexes the exact spelling beside the folded one, and the document type in the title.

Until now only folded text was indexed (``chi thi``), so ``thị`` and ``thi`` were
one word. Search (``storage/search.py``) still *matches* on folded text, so a
query typed without diacritics finds every spelling, but it now *ranks* the
spelling the user typed above the others, and it needs the exact words for that:

SQLite: ``{table}_fts`` is rebuilt as a contentless FTS5 table of four columns:
the folded title and text (as before), and the exact title and text, lower-cased
by the tokenizer with diacritics kept (``remove_diacritics 0``; the folded
columns are already folded in Python). A document's title columns carry its type
name (``Chỉ thị``) and code too, so "chỉ thị ..." finds directives by their
type. Triggers keep it in sync as before; every stored item is indexed again.

PostgreSQL: the narrow ranking tables ``{table}_search`` (0007) hold a vector
with four weights: A folded title, B exact title, C exact text, D folded text.
The item rows keep their folded ``search_vector`` (A title, D text), which the
facets match with the same folded query. Every stored item's vector is rebuilt.

The folded spelling of a document's type in its folded title (``chi thi``) is
written in SQL from the type names of ``normalize/doccodes.py`` at the time of
this migration (triggers cannot call Python).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("articles", "documents")
# Columns whose change re-indexes the item.
WATCHED = {
    "articles": "search_title, search_text, title, summary, body_text",
    "documents": "search_title, search_text, title, type_name, code, intro, body_text",
}
EXACT_TITLE = {
    "articles": "{row}.title",
    "documents": "coalesce({row}.type_name, '') || ' ' || coalesce({row}.code, '') || ' ' "
                 "|| {row}.title",
}
EXACT_TEXT = {
    "articles": "coalesce({row}.summary, '') || ' ' || coalesce({row}.body_text, '')",
    "documents": "coalesce({row}.intro, '') || ' ' || coalesce({row}.body_text, '')",
}
# 0005's date of an item (SQLite: a Julian day; PostgreSQL: a timestamp, 0007).
PG_DAY = {
    "articles": "coalesce({row}.published_at, {row}.first_seen_at)",
    "documents": "coalesce({row}.issued_on::timestamptz, {row}.first_seen_at)",
}


def _type_fold(row: str) -> str:
    """SQL: the folded name of the document's type (``chi thi``), '' for none."""
    from congdoan.normalize.doccodes import type_words

    cases = " ".join(f"WHEN '{name}' THEN '{folded}'"
                     for folded, (_, name) in sorted(type_words().items()))
    return f"(CASE {row}.type_name {cases} ELSE '' END)"


def folded_title(table: str, row: str) -> str:
    """SQL: the folded title column of the index."""
    if table == "documents":
        return f"{row}.search_title || ' ' || {_type_fold(row)}"
    return f"{row}.search_title"


def _columns(table: str, row: str) -> str:
    return ", ".join((folded_title(table, row), f"{row}.search_text",
                      EXACT_TITLE[table].format(row=row), EXACT_TEXT[table].format(row=row)))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            _pg_upgrade(table)
        return
    for table in TABLES:
        _sqlite_upgrade(table)


# --- SQLite ------------------------------------------------------------------------------


def _drop_sqlite_index(table: str) -> None:
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {table}_fts")


def _sqlite_upgrade(table: str) -> None:
    _drop_sqlite_index(table)
    fts = f"{table}_fts"
    names = "search_title, search_text, exact_title, exact_text"
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='', "
               "tokenize='unicode61 remove_diacritics 0')")
    op.execute(f"INSERT INTO {fts}(rowid, {names}) SELECT id, {_columns(table, table)} "
               f"FROM {table}")
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {_columns(table, 'new')});"
    delete = (f"INSERT INTO {fts}({fts}, rowid, {names}) "
              f"VALUES ('delete', old.id, {_columns(table, 'old')});")
    op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END")
    op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {WATCHED[table]} ON {table} "
               f"BEGIN {delete} {insert} END")


# --- PostgreSQL --------------------------------------------------------------------------


def pg_vector(table: str, row: str) -> str:
    """SQL: the ranking vector of an item (A folded title, B exact title, C exact text,
    D folded text); 'simple' lower-cases and keeps diacritics."""
    return (f"setweight(to_tsvector('simple', {folded_title(table, row)}), 'A') || "
            f"setweight(to_tsvector('simple', {EXACT_TITLE[table].format(row=row)}), 'B') || "
            f"setweight(to_tsvector('simple', {EXACT_TEXT[table].format(row=row)}), 'C') || "
            f"setweight(to_tsvector('simple', {row}.search_text), 'D')")


def _pg_sync(table: str, vector: str, watched: str) -> None:
    """(Re)create the trigger keeping ``{table}_search`` (0007) with ``vector`` (SQL on NEW)."""
    side = f"{table}_search"
    op.execute(f"DROP TRIGGER IF EXISTS {side}_sync ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {side}_sync()")
    op.execute(
        f"CREATE FUNCTION {side}_sync() RETURNS trigger LANGUAGE plpgsql "
        "SET search_path FROM CURRENT AS $$ BEGIN "
        f"INSERT INTO {side} (id, day, search_vector) "
        f"VALUES (NEW.id, {PG_DAY[table].format(row='NEW')}, {vector}) "
        "ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, "
        "search_vector = EXCLUDED.search_vector; "
        "RETURN NULL; END $$")
    dates = "published_at, first_seen_at" if table == "articles" else "issued_on, first_seen_at"
    op.execute(f"CREATE TRIGGER {side}_sync AFTER INSERT OR UPDATE OF {watched}, {dates} "
               f"ON {table} FOR EACH ROW EXECUTE FUNCTION {side}_sync()")


def _pg_upgrade(table: str) -> None:
    side = f"{table}_search"
    _pg_sync(table, pg_vector(table, "NEW"), WATCHED[table])
    op.execute(f"UPDATE {side} SET search_vector = {pg_vector(table, table)} "
               f"FROM {table} WHERE {table}.id = {side}.id")
    # Search reads its idf estimates from the planner's statistics of this vector.
    op.execute(f"ANALYZE {side}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:  # back to 0007: a copy of the item's folded vector
            _pg_sync(table, "NEW.search_vector", "search_title, search_text")
            op.execute(f"UPDATE {table}_search SET search_vector = {table}.search_vector "
                       f"FROM {table} WHERE {table}.id = {table}_search.id")
        return
    for table in TABLES:
        _drop_sqlite_index(table)
        fts = f"{table}_fts"
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(search_title, search_text, "
                   f"content='{table}', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 2')")
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        insert = (f"INSERT INTO {fts}(rowid, search_title, search_text) "
                  "VALUES (new.id, new.search_title, new.search_text);")
        delete = (f"INSERT INTO {fts}({fts}, rowid, search_title, search_text) "
                  "VALUES ('delete', old.id, old.search_title, old.search_text);")
        op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_title, search_text "
                   f"ON {table} BEGIN {delete} {insert} END")
