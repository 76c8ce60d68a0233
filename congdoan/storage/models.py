"""SQLAlchemy ORM models: the tables records are stored in.

The schema itself is created by the Alembic migrations in ``migrations/``;
these classes must stay in step with them (a test compares the two).
The search index (FTS5 on SQLite, a tsvector column on PostgreSQL) lives only
in the migrations because it differs per backend; see ``search.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from congdoan.storage.coltypes import JSONType, UTCDateTime

# "locked": a scheduled or queued crawl the site lock refused (migration 0006).
RUN_STATUSES = ("running", "ok", "partial", "failed", "interrupted", "aborted", "timeout",
                "locked")
RUN_VERDICTS = ("healthy", "degraded")  # spider health (congdoan/runtime/health.py)


class Base(DeclarativeBase):
    """Declarative base for every congdoan table."""

    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


class Site(Base):
    """A portal from the registry; ``id`` is the registry id (``dienbien``)."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    base_url: Mapped[str | None] = mapped_column(Text)


class RawPage(Base):
    """A fetched body, compressed, stored once per distinct content (sha256 of the raw bytes)."""

    __tablename__ = "raw_pages"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    compression: Mapped[str] = mapped_column(String(8))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str | None] = mapped_column(Text)
    stored_at: Mapped[datetime]


class Article(Base):
    """A news article, one row per (site, canonical_url)."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("site", "canonical_url", name="uq_articles_site_canonical_url"),
        Index("ix_articles_published_at", "published_at"),
        # An incremental crawl's lookups (storage/known.py, migration 0015).
        Index("ix_articles_site_url", "site", "url"),
        Index("ix_articles_site_source_id", "site", "source_id"),
        Index("ix_articles_site_last_seen", "site", "last_seen_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    category_path: Mapped[list[Any]]
    tags: Mapped[list[Any]]
    published_at: Mapped[datetime | None]
    published_text: Mapped[str | None] = mapped_column(Text)
    published_precision: Mapped[str | None] = mapped_column(String(16))
    # The CMS's last change as it gave it (WordPress: ISO 8601 with the site's offset);
    # outside the content hash, refreshed on every visit (migration 0006).
    modified_text: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[Any]]
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # When the current content was first seen: the valid-from of this version.
    changed_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None]
    http_status: Mapped[int | None] = mapped_column(Integer)
    search_title: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    references: Mapped[list[ArticleReference]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleReference.id"
    )


class Document(Base):
    """A legal document: the merged view over its postings on one or more portals."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What makes two postings the same document: normalised code, folded issuer and
    # year; or ``posting:<site>:<canonical_url>`` when the code is missing or unparsed.
    identity_key: Mapped[str] = mapped_column(Text, unique=True)
    code: Mapped[str | None] = mapped_column(Text)
    code_normalized: Mapped[str | None] = mapped_column(Text, index=True)
    code_number: Mapped[int | None] = mapped_column(Integer)
    code_year: Mapped[int | None] = mapped_column(Integer)
    type_abbr: Mapped[str | None] = mapped_column(String(32))
    type_name: Mapped[str | None] = mapped_column(Text)
    issuer_abbr: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    intro: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[date | None] = mapped_column(Date, index=True)
    effective_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    signer: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    field: Mapped[list[Any]]
    views: Mapped[int | None] = mapped_column(BigInteger)
    downloads: Mapped[int | None] = mapped_column(BigInteger)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    search_title: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)

    postings: Mapped[list[DocumentPosting]] = relationship(
        back_populates="document", order_by="DocumentPosting.id"
    )


class DocumentPosting(Base):
    """One portal's page for a document, with the fields exactly as that portal showed them."""

    __tablename__ = "document_postings"
    __table_args__ = (
        UniqueConstraint("site", "canonical_url", name="uq_document_postings_site_canonical_url"),
        Index("ix_document_postings_site_url", "site", "url"),
        Index("ix_document_postings_site_source_id", "site", "source_id"),
        Index("ix_document_postings_site_last_seen", "site", "last_seen_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    site: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(Text)
    # The posting's meaningful fields as displayed; the document merges these.
    data: Mapped[dict[str, Any]]
    # Counters are per portal and move on every visit, so they live outside ``data``
    # (and outside the content hash) to keep a re-crawl from reading as a change.
    views: Mapped[int | None] = mapped_column(BigInteger)
    downloads: Mapped[int | None] = mapped_column(BigInteger)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    changed_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None]
    http_status: Mapped[int | None] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="postings")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="posting", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class Attachment(Base):
    """A file attached to an article or to a document posting (exactly one of them)."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(
            "(article_id IS NULL) <> (posting_id IS NULL)", name="ck_attachments_one_owner"
        ),
        Index("ix_attachments_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    posting_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_postings.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    stored_path: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)

    article: Mapped[Article | None] = relationship(back_populates="attachments")
    posting: Mapped[DocumentPosting | None] = relationship(back_populates="attachments")


class ArticleReference(Base):
    """A document code an article cites; ``document_id`` once the code resolves to one document."""

    __tablename__ = "article_references"
    __table_args__ = (UniqueConstraint("article_id", "code", name="uq_article_references"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(Text, index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )

    article: Mapped[Article] = relationship(back_populates="references")


class ItemVersion(Base):
    """A superseded article or posting version, valid from ``valid_from`` to ``valid_to``."""

    __tablename__ = "item_versions"
    __table_args__ = (Index("ix_item_versions_item", "kind", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "article" | "posting"
    item_id: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime]


class CrawlRun(Base):
    """One crawl of one site: when, how it ended, and what it found."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in RUN_STATUSES) + ")",
            name="ck_crawl_runs_status",
        ),
        CheckConstraint(
            "verdict IS NULL OR verdict IN (" + ", ".join(f"'{v}'" for v in RUN_VERDICTS) + ")",
            name="ck_crawl_runs_verdict",
        ),
        Index("ix_crawl_runs_site_started", "site", "started_at"),
        # The runs still running (migration 0015): ``runs.mark_stale_runs_aborted``.
        Index("ix_crawl_runs_status_site", "status", "site"),
        # The latest completed run (``history.last_completed_run``, migration 0015).
        Index("ix_crawl_runs_site_finished", "site", "finished_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict[str, Any] | None]
    # Spider health: per-kind counts (``RunHealth.to_json``), the verdict (``None``:
    # not judged, e.g. a crawl without health counts) and its reasons.
    health: Mapped[dict[str, Any] | None]
    verdict: Mapped[str | None] = mapped_column(String(16))
    health_reasons: Mapped[list[Any] | None]
    # Where it ran (migration 0013): the machine's host name, and what started the
    # crawl ("worker 4242", "scheduler 4242", "by hand"); NULL for older runs.
    host: Mapped[str | None] = mapped_column(String(255))
    worker: Mapped[str | None] = mapped_column(String(64))


class Failure(Base):
    """A URL that keeps failing for a site; reopened when it fails again after being resolved."""

    __tablename__ = "failures"
    __table_args__ = (UniqueConstraint("site", "url", name="uq_failures_site_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer, default=1)
    resolved_at: Mapped[datetime | None]


# --- watchlists and their outbox (migration 0003) --------------------------------------

DELIVERY_STATUSES = ("pending", "sent", "failed")


class Watch(Base):
    """A saved search whose new and changed items are sent by e-mail and/or webhook."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    query: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str | None] = mapped_column(String(16))
    site: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    # HMAC-SHA256 key of the webhook signature; per watch, shown once when created.
    secret: Mapped[str | None] = mapped_column(String(128))
    # None: send after every crawl; "daily": at most one message a day per channel.
    digest: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]


class Delivery(Base):
    """The outbox: one message to send for one watch, channel and item version.

    Written in the transaction that stores the item, so a match is never lost;
    the unique key makes a re-crawl of the same version add nothing.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("watch_id", "channel", "kind", "item_id", "content_hash",
                         name="uq_deliveries_item_version"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in DELIVERY_STATUSES) + ")",
            name="ck_deliveries_status",
        ),
        Index("ix_deliveries_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"),
                                          index=True)
    channel: Mapped[str] = mapped_column(String(16))  # "email" | "webhook"
    kind: Mapped[str] = mapped_column(String(16))  # "article" | "document"
    item_id: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(String(16))  # "new" | "changed"
    site: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    item_date: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]


# --- what reading attached files gave (migration 0004) -------------------------------

class FileText(Base):
    """What reading one attached file gave, once per content (sha256), whichever portals serve it.

    ``status`` is ok, partial (truncated or some pages unread: see ``reason``),
    failed (unreadable: see ``reason``) or unsupported (a type with no reader).
    """

    __tablename__ = "file_texts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int | None] = mapped_column(Integer)
    ocr_pages: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    read_at: Mapped[datetime]

    pages: Mapped[list[FilePage]] = relationship(
        back_populates="file", cascade="all, delete-orphan", order_by="FilePage.seq"
    )


class FilePage(Base):
    """One page of a read file: its text, how it was read (text layer or OCR), by what engine."""

    __tablename__ = "file_pages"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("file_texts.sha256", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # order within the file
    number: Mapped[int] = mapped_column(Integer)  # page number as printed: 1-based
    member: Mapped[str | None] = mapped_column(Text)  # inside an archive: the member's name
    method: Mapped[str] = mapped_column(String(8))  # text | ocr
    engine: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)

    file: Mapped[FileText] = relationship(back_populates="pages")


# --- stories: one piece of news across portals (migration 0010) ---------------------


class Story(Base):
    """One piece of news as several portals posted it; its postings are ``StoryMember`` rows.

    Who posted first and how it spread are read from the members' articles when
    asked (``storage/stories.py``), so a changed or merged story never holds a
    stale summary.
    """

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]


class StoryMember(Base):
    """An article's place in a story, with the MinHash signature it was matched by."""

    __tablename__ = "story_members"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"),
                                          index=True)
    # ``NUM_PERM`` little-endian uint64 (stories/signature.py); NULL: too little text to match.
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    shingles: Mapped[int] = mapped_column(Integer)
    # How similar to the member it joined by (estimated overlap); NULL for a story's founder.
    similarity: Mapped[float | None] = mapped_column(Float)


class StoryBucket(Base):
    """One LSH band key of an article: articles sharing a key are candidates for one story.

    Plain BIGINT keys with the primary key's index, so SQLite and PostgreSQL answer
    a lookup the same way (``bucket IN (…)``, one index probe per band).
    """

    __tablename__ = "story_buckets"

    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True)
# --- relations between documents and their status (migration 0011) ----------------------

RELATION_TYPES = ("replaces", "repeals", "amends", "based_on")
DOCUMENT_STATUSES = ("in_force", "replaced", "repealed", "amended")


class DocumentRelation(Base):
    """What one document's text says it does to another (``normalize/relations.py``).

    ``target_document_id`` is the stored document the target code resolves to,
    on any portal; None while no such document is stored (or the code is ambiguous).
    ``source`` says where it was read: ``title``, ``intro``, ``body`` or ``file:NAME``.
    """

    __tablename__ = "document_relations"
    __table_args__ = (
        CheckConstraint(
            "type IN (" + ", ".join(f"'{t}'" for t in RELATION_TYPES) + ")",
            name="ck_document_relations_type",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(16))
    target_code: Mapped[str] = mapped_column(Text, index=True)
    target_kind: Mapped[str | None] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    target_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )


class DocumentStatus(Base):
    """A document's status as the others state it, and its own effective statement."""

    __tablename__ = "document_status"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in DOCUMENT_STATUSES) + ")",
            name="ck_document_status_status",
        ),
    )

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), index=True)
    by_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL")
    )
    by_code: Mapped[str | None] = mapped_column(Text)
    sentence: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    effective_kind: Mapped[str | None] = mapped_column(String(16))
    effective_date: Mapped[date | None] = mapped_column(Date)
    effective_days: Mapped[int | None] = mapped_column(Integer)
    effective_sentence: Mapped[str | None] = mapped_column(Text)
    # sha256 of the texts (and rules) the document's own relations were read from.
    input_hash: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime]
# --- export marks (migration 0012) ------------------------------------------------------


class ExportMark(Base):
    """A named moment kept with the database: ``last-export``, when the previous complete
    export started. In the database, so that it moves with it (a copied file, a server)
    and no directory is written beside an export."""

    __tablename__ = "export_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    moment: Mapped[datetime]
