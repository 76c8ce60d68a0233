"""Initial schema: sites, raw archive, articles, documents and postings, runs, search index.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the column types: a migration must not change when models.py does.
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)
STATUSES = ("running", "ok", "partial", "failed", "interrupted", "aborted", "timeout")
SEARCHABLE = ("articles", "documents")


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text()),
        sa.Column("base_url", sa.Text()),
    )
    op.create_table(
        "raw_pages",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("compression", sa.String(8), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.Text()),
        sa.Column("stored_at", TS, nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(64), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.BigInteger()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text()),
        sa.Column("body_html", sa.Text()),
        sa.Column("body_text", sa.Text()),
        sa.Column("author", sa.Text()),
        sa.Column("source", sa.Text()),
        sa.Column("category", sa.Text()),
        sa.Column("category_path", JSON, nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("published_at", TS),
        sa.Column("published_text", sa.Text()),
        sa.Column("published_precision", sa.String(16)),
        sa.Column("images", JSON, nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("raw_sha256", sa.String(64)),
        sa.Column("fetched_at", TS),
        sa.Column("http_status", sa.Integer()),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.UniqueConstraint("site", "canonical_url", name="uq_articles_site_canonical_url"),
    )
    op.create_index("ix_articles_site", "articles", ["site"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("identity_key", sa.Text(), nullable=False, unique=True),
        sa.Column("code", sa.Text()),
        sa.Column("code_normalized", sa.Text()),
        sa.Column("code_number", sa.Integer()),
        sa.Column("code_year", sa.Integer()),
        sa.Column("type_abbr", sa.String(32)),
        sa.Column("type_name", sa.Text()),
        sa.Column("issuer_abbr", sa.Text()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("intro", sa.Text()),
        sa.Column("body_text", sa.Text()),
        sa.Column("issued_on", sa.Date()),
        sa.Column("effective_on", sa.Date()),
        sa.Column("expires_on", sa.Date()),
        sa.Column("signer", sa.Text()),
        sa.Column("issuer", sa.Text()),
        sa.Column("category", sa.Text()),
        sa.Column("field", JSON, nullable=False),
        sa.Column("views", sa.BigInteger()),
        sa.Column("downloads", sa.BigInteger()),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
    )
    op.create_index("ix_documents_code_normalized", "documents", ["code_normalized"])
    op.create_index("ix_documents_issued_on", "documents", ["issued_on"])

    op.create_table(
        "document_postings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("site", sa.String(64), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.BigInteger()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("views", sa.BigInteger()),
        sa.Column("downloads", sa.BigInteger()),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("raw_sha256", sa.String(64)),
        sa.Column("fetched_at", TS),
        sa.Column("http_status", sa.Integer()),
        sa.UniqueConstraint(
            "site", "canonical_url", name="uq_document_postings_site_canonical_url"
        ),
    )
    op.create_index("ix_document_postings_document_id", "document_postings", ["document_id"])
    op.create_index("ix_document_postings_site", "document_postings", ["site"])

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE")),
        sa.Column(
            "posting_id",
            sa.Integer(),
            sa.ForeignKey("document_postings.id", ondelete="CASCADE"),
        ),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("stored_path", sa.Text()),
        sa.Column("media_type", sa.Text()),
        sa.Column("size", sa.BigInteger()),
        sa.Column("sha256", sa.String(64)),
        sa.Column("text", sa.Text()),
        sa.CheckConstraint(
            "(article_id IS NULL) <> (posting_id IS NULL)", name="ck_attachments_one_owner"
        ),
    )
    op.create_index("ix_attachments_article_id", "attachments", ["article_id"])
    op.create_index("ix_attachments_posting_id", "attachments", ["posting_id"])
    op.create_index("ix_attachments_sha256", "attachments", ["sha256"])

    op.create_table(
        "article_references",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="SET NULL")),
        sa.UniqueConstraint("article_id", "code", name="uq_article_references"),
    )
    op.create_index("ix_article_references_code", "article_references", ["code"])
    op.create_index("ix_article_references_document_id", "article_references", ["document_id"])

    op.create_table(
        "item_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("valid_from", TS, nullable=False),
        sa.Column("valid_to", TS, nullable=False),
    )
    op.create_index("ix_item_versions_item", "item_versions", ["kind", "item_id"])

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("dropped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("stats", JSON),
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")",
            name="ck_crawl_runs_status",
        ),
    )
    op.create_index("ix_crawl_runs_site_started", "crawl_runs", ["site", "started_at"])

    op.create_table(
        "failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("resolved_at", TS),
        sa.UniqueConstraint("site", "url", name="uq_failures_site_url"),
    )

    if op.get_bind().dialect.name == "postgresql":
        _create_pg_search()
    else:
        _create_sqlite_search()


def _create_pg_search() -> None:
    # 'simple' config: the text is already folded, and Vietnamese has no stemmer.
    for table in SEARCHABLE:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', search_title), 'A') || "
            "setweight(to_tsvector('simple', search_text), 'D')) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING GIN (search_vector)")


def _create_sqlite_search() -> None:
    # External-content FTS5 tables over the folded columns, kept in sync by triggers
    # so that any writer (repository, a manual fix in the sqlite3 shell) updates them.
    for table in SEARCHABLE:
        fts = f"{table}_fts"
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5(search_title, search_text, "
            f"content='{table}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        insert = (
            f"INSERT INTO {fts}(rowid, search_title, search_text) "
            "VALUES (new.id, new.search_title, new.search_text);"
        )
        delete = (
            f"INSERT INTO {fts}({fts}, rowid, search_title, search_text) "
            "VALUES ('delete', old.id, old.search_title, old.search_text);"
        )
        op.execute(f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN {delete} END")
        # Only a change of the searchable text touches the index, not last_seen_at bumps.
        op.execute(
            f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF search_title, search_text "
            f"ON {table} BEGIN {delete} {insert} END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for table in SEARCHABLE:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    for table in (
        "failures",
        "crawl_runs",
        "item_versions",
        "article_references",
        "attachments",
        "document_postings",
        "documents",
        "articles",
        "raw_pages",
        "sites",
    ):
        op.drop_table(table)
