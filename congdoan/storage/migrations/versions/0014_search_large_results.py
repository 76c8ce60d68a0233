"""PostgreSQL: the ranking tables get a day index and a sample index, for searches with
very many matches.

A query matching hundreds of thousands of items (``phuc loi``, ``công`` in ten years
of a nation's portals) cannot be counted, ranked and faceted exactly in a tenth of a
second: every match's row (its ~2 kB vector) would be read. Above
``ranking.EXACT_LIMIT`` matches (``storage/ranking.py`` says how):

* ``ix_{table}_search_day`` (``day``): search finds the day from which about
  ``ranking.POOL`` matches are newer and ranks those; PostgreSQL combines the range
  with the vector's GIN index, so only those matches' rows are read;
* ``ix_{table}_search_bucket`` (``hashint4(id) & 1023``): the count and the facets
  are estimated from the matches whose id hashes into the first few of 1024 buckets,
  a sample of every portal and year, again read through both indexes together.

SQLite ranks every match as before (FTS5's index holds what it needs); nothing
changes there.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLES = ("articles", "documents")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        side = f"{table}_search"
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_{side}_day ON {side} (day)")
        # The expression must stay what ranking.sample_bucket writes, or it is not used.
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_{side}_bucket ON {side} ((hashint4(id) & 1023))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_day")
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_bucket")
