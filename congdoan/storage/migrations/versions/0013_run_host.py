"""The run history says where each crawl ran: the machine and the process that started it.

``crawl_runs.host``: the host name of the machine the crawl ran on.
``crawl_runs.worker``: what started it: ``worker 4242`` (a crawl worker's pid),
``scheduler 4242`` or ``by hand``. Runs recorded before this revision have
``NULL`` in both (shown as ``-``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns without default: a plain ADD COLUMN on SQLite and PostgreSQL alike.
    op.add_column("crawl_runs", sa.Column("host", sa.String(255)))
    op.add_column("crawl_runs", sa.Column("worker", sa.String(64)))


def downgrade() -> None:
    # Not batch mode: no index or trigger names these columns (SQLite 3.35+ drops in place).
    op.drop_column("crawl_runs", "worker")
    op.drop_column("crawl_runs", "host")
