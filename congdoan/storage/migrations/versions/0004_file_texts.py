"""Text of attached files, per content hash and per page (OCR cache).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "file_texts",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("page_count", sa.Integer()),
        sa.Column("ocr_pages", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("read_at", TS, nullable=False),
    )
    op.create_table(
        "file_pages",
        sa.Column("sha256", sa.String(64),
                  sa.ForeignKey("file_texts.sha256", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("member", sa.Text()),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("engine", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float()),
        sa.Column("text", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("file_pages")
    op.drop_table("file_texts")
