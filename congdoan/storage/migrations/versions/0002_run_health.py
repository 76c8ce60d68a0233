"""Spider health with the run: per-kind fill rates, listed items, parse errors, and the verdict.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copies of the column types: a migration must not change when models.py does.
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
VERDICTS = ("healthy", "degraded")


def upgrade() -> None:
    # batch mode: SQLite cannot add a CHECK constraint to an existing table otherwise.
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("health", JSON))
        batch.add_column(sa.Column("verdict", sa.String(16)))
        batch.add_column(sa.Column("health_reasons", JSON))
        batch.create_check_constraint(
            "ck_crawl_runs_verdict",
            "verdict IS NULL OR verdict IN (" + ", ".join(f"'{v}'" for v in VERDICTS) + ")",
        )


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint("ck_crawl_runs_verdict", type_="check")
        batch.drop_column("health_reasons")
        batch.drop_column("verdict")
        batch.drop_column("health")
