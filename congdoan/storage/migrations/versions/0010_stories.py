"""Stories: articles of several portals that carry the same news (issue #23).

``stories`` numbers each story; ``story_members`` puts an article in one, with
the MinHash signature it was compared by; ``story_buckets`` holds each
article's LSH band keys (signed 64-bit integers) under the primary key's index,
so a new article finds its candidates with one ``bucket IN (…)`` lookup on
SQLite and PostgreSQL alike. Members and keys go with their article (the
foreign keys cascade). Articles stored before this revision get their story
when they are next stored or by ``congdoan reparse``.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "story_members",
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("story_id", sa.Integer(), sa.ForeignKey("stories.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("signature", sa.LargeBinary()),
        sa.Column("shingles", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float()),
    )
    op.create_index("ix_story_members_story_id", "story_members", ["story_id"])
    op.create_table(
        "story_buckets",
        sa.Column("bucket", sa.BigInteger(), primary_key=True),
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_story_buckets_article_id", "story_buckets", ["article_id"])


def downgrade() -> None:
    op.drop_table("story_buckets")
    op.drop_table("story_members")
    op.drop_table("stories")
