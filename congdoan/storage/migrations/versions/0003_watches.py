"""Watchlists and the alert outbox: watches, deliveries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
STATUSES = ("pending", "sent", "failed")


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16)),
        sa.Column("site", sa.String(64)),
        sa.Column("code", sa.Text()),
        sa.Column("issuer", sa.Text()),
        sa.Column("email", sa.Text()),
        sa.Column("webhook_url", sa.Text()),
        sa.Column("secret", sa.String(128)),
        sa.Column("digest", sa.String(16)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("watch_id", sa.Integer(),
                  sa.ForeignKey("watches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("item_date", sa.String(32)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("sent_at", TS),
        sa.UniqueConstraint("watch_id", "channel", "kind", "item_id", "content_hash",
                            name="uq_deliveries_item_version"),
        sa.CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")",
                           name="ck_deliveries_status"),
    )
    op.create_index("ix_deliveries_watch_id", "deliveries", ["watch_id"])
    op.create_index("ix_deliveries_status", "deliveries", ["status"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("watches")
