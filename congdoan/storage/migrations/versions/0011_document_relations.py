"""Relations between documents and each document's status: document_relations, document_status.

``document_relations`` holds what a document's text says it does to another
(replaces, repeals, amends, based_on), with the target as written (its code,
kind, date, scope), the sentence and where it was read (title, intro, body, an
attached file), and the stored document the code resolves to, across portals.
``document_status`` holds, per document, what the others say of it (in force,
replaced, repealed, amended, by which document, in which sentence), its own
effective statement, and a fingerprint of the texts the relations were read
from (so a refresh re-reads only what changed).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
TYPES = ("replaces", "repeals", "amends", "based_on")
STATUSES = ("in_force", "replaced", "repealed", "amended")


def upgrade() -> None:
    op.create_table(
        "document_relations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(),
                  sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("target_code", sa.Text(), nullable=False),
        sa.Column("target_kind", sa.Text()),
        sa.Column("target_date", sa.Date()),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("target_document_id", sa.Integer(),
                  sa.ForeignKey("documents.id", ondelete="SET NULL")),
        sa.CheckConstraint("type IN (" + ", ".join(f"'{t}'" for t in TYPES) + ")",
                           name="ck_document_relations_type"),
    )
    op.create_index("ix_document_relations_document_id", "document_relations", ["document_id"])
    op.create_index("ix_document_relations_target_code", "document_relations", ["target_code"])
    op.create_index("ix_document_relations_target_document_id", "document_relations",
                    ["target_document_id"])
    op.create_table(
        "document_status",
        sa.Column("document_id", sa.Integer(),
                  sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("by_document_id", sa.Integer(),
                  sa.ForeignKey("documents.id", ondelete="SET NULL")),
        sa.Column("by_code", sa.Text()),
        sa.Column("sentence", sa.Text()),
        sa.Column("source", sa.Text()),
        sa.Column("effective_kind", sa.String(16)),
        sa.Column("effective_date", sa.Date()),
        sa.Column("effective_days", sa.Integer()),
        sa.Column("effective_sentence", sa.Text()),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")",
                           name="ck_document_status_status"),
    )
    op.create_index("ix_document_status_status", "document_status", ["status"])


def downgrade() -> None:
    op.drop_table("document_status")
    op.drop_table("document_relations")
