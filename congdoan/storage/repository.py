"""Storing records: idempotent upserts of articles, with versions kept on change.

A record is the item dict after the pipelines (see docs/contracts.md). Upserts
are keyed by (site, canonical_url). Storing the same content again only moves
``last_seen_at``; new content keeps the previous version in ``item_versions``.
Documents live in ``documents.py``; both share the helpers here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from congdoan.storage.archive import archive_raw, packed_body
from congdoan.storage.dialect import insert_ignore
from congdoan.storage.file_texts import StoredTexts, learn_texts, reindex_owners, settle_text
from congdoan.storage.models import (
    Article,
    ArticleReference,
    Attachment,
    Document,
    ItemVersion,
    Site,
)
from congdoan.storage.prefetch import NOT_LOOKED_UP, BatchRows
from congdoan.storage.records import (
    ARTICLE_CONTENT_FIELDS,
    as_datetime,
    as_int,
    content_fields,
    content_hash,
    search_fold,
)
from congdoan.storage.search_text import article_search_text
from congdoan.storage.stories import assign_story, ensure_story, record_signature

Status = Literal["new", "changed", "unchanged"]
# What a download tells of an attachment, copied to its row as given. Not its text:
# ``file_texts.settle_text`` writes that, by its one rule (the stored reading first).
ATTACHMENT_FILE_FIELDS = ("stored_path", "media_type", "size", "sha256")


def upsert_site(
    session: Session, site_id: str, name: str | None = None, base_url: str | None = None
) -> Site:
    """Make sure the site row exists; fill in name and base URL when given."""
    insert_ignore(session, Site.__table__, {"id": site_id})  # type: ignore[arg-type]
    site = session.get(Site, site_id)
    assert site is not None  # just inserted or already there
    if name is not None:
        site.name = name
    if base_url is not None:
        site.base_url = base_url
    return site


def ensure_site(session: Session, site_id: str) -> None:
    """Make sure the site row exists, once per session (a batch stores many items of one site)."""
    ensured: set[str] = session.info.setdefault("congdoan_sites", set())
    if site_id not in ensured:
        insert_ignore(session, Site.__table__, {"id": site_id})  # type: ignore[arg-type]
        # Inside a savepoint the insert may still be rolled back: remember it only
        # when it is part of the session's own transaction.
        if not session.in_nested_transaction():
            ensured.add(site_id)


def upsert_article(session: Session, record: Mapping[str, Any],
                   rows: BatchRows | None = None) -> Status:
    """Insert or update the article in ``record``; return ``new``, ``changed`` or ``unchanged``.

    ``rows``: the batch's stored rows, looked up together (``prefetch``); without
    them, or when they do not answer for this record, the article is looked up here.
    """
    seen = seen_at(record)
    texts = batch_texts(session, record, rows)
    content = content_fields(record, ARTICLE_CONTENT_FIELDS)
    digest = content_hash(content)
    article = (rows.take("article", record["site"], record["canonical_url"])
               if rows is not None else NOT_LOOKED_UP)
    if article is NOT_LOOKED_UP:
        article = session.scalars(
            select(Article).where(
                Article.site == record["site"], Article.canonical_url == record["canonical_url"]
            )
        ).one_or_none()

    if article is not None and article.content_hash == digest:
        article.last_seen_at = max(article.last_seen_at, seen)
        # Outside the content hash: the latest reading is kept without a new version.
        article.modified_text = record.get("modified_text")
        if refresh_attachment_files(article.attachments, record.get("attachments") or [], texts):
            reindex_owners(session, article.attachments)  # a file's text arrived: searchable
        ensure_story(session, article)  # stored before stories existed (migration 0010)
        return "unchanged"

    if article is None:
        ensure_site(session, record["site"])
        article_id = _insert_article(session, record, content, digest, seen, texts)
        assign_story(session, article_id, record["title"], record.get("body_text"), new=True,
                     sig=record_signature(record))
        return "new"

    keep_version(
        session,
        "article",
        article.id,
        article.content_hash,
        article_content(article),
        article.changed_at,
        seen,
    )
    article.last_seen_at = max(article.last_seen_at, seen)
    # The unit of work inserts before it deletes: drop the old children first
    # so the new references cannot collide with them on (article_id, code).
    article.attachments.clear()
    article.references.clear()
    session.flush()
    files = attachment_rows(record.get("attachments") or [], texts)
    for name, value in _article_columns(session, record, digest, seen, files).items():
        setattr(article, name, value)
    article.attachments = [Attachment(**row) for row in files]
    article.references = [
        ArticleReference(code=code, document_id=document_for_code(session, code))
        for code in content["references"]
    ]
    session.flush()
    assign_story(session, article.id, record["title"], record.get("body_text"),
                 sig=record_signature(record))
    return "changed"


# Built once, values passed as parameters (a statement built per row cost as much as
# the insert itself).
_INSERT_ARTICLE = insert(Article.__table__)  # type: ignore[arg-type]
_INSERT_ATTACHMENT = insert(Attachment.__table__)  # type: ignore[arg-type]
_INSERT_REFERENCE = insert(ArticleReference.__table__)  # type: ignore[arg-type]


def _insert_article(session: Session, record: Mapping[str, Any], content: Mapping[str, Any],
                    digest: str, seen: datetime, texts: StoredTexts) -> int:
    """A new article and its children as three Core INSERTs; returns the article's id.

    Most items of a crawl are new: the ORM's unit of work (state tracking,
    dependency sort, a flush) adds nothing to rows written once and never read
    back in this session. The statements and values are those the ORM would send.
    """
    attachments = attachment_rows(record.get("attachments") or [], texts)
    columns = _article_columns(session, record, digest, seen, attachments)
    references = [{"code": code, "document_id": document_for_code(session, code)}
                  for code in content["references"]]
    connection = session.connection()
    result = connection.execute(_INSERT_ARTICLE, {"first_seen_at": seen, "last_seen_at": seen,
                                                   **columns})
    article_id = result.inserted_primary_key[0]  # type: ignore[index]
    for row in attachments:
        row["article_id"] = article_id
    if attachments:
        connection.execute(_INSERT_ATTACHMENT, attachments)
    if references:
        connection.execute(_INSERT_REFERENCE,
                           [{"article_id": article_id, **ref} for ref in references])
    return int(article_id)


def _article_columns(session: Session, record: Mapping[str, Any], digest: str,
                     seen: datetime, files: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every article column a new or changed ``record`` sets (not first/last seen, not id).

    ``files``: its attachment rows (``attachment_rows``), whose texts are searched.
    Archives the raw body (``provenance``) on the way.
    """
    raw_sha256, fetched_at, http_status = provenance(session, record)
    columns: dict[str, Any] = {
        "changed_at": seen,
        "content_hash": digest,
        "site": record["site"],
        "canonical_url": record["canonical_url"],
        "url": record.get("url") or record["canonical_url"],
        "source_id": as_int(record.get("source_id")),
        "title": record["title"],
    }
    for name in (
        "summary",
        "body_html",
        "body_text",
        "author",
        "source",
        "category",
        "published_text",
        "published_precision",
        "modified_text",
    ):
        columns[name] = record.get(name)
    columns.update(
        category_path=list(record.get("category_path") or []),
        tags=list(record.get("tags") or []),
        images=[dict(i) for i in record.get("images") or []],
        published_at=as_datetime(record.get("published_at")),
        search_title=search_fold(record["title"]),
        search_text=article_search_text(
            record["title"], record.get("summary"), record.get("body_text"),
            record.get("references") or [], files),
        raw_sha256=raw_sha256,
        fetched_at=fetched_at,
        http_status=http_status,
    )
    return columns


def article_content(article: Article) -> dict[str, Any]:
    """The stored article as the content dict its hash was computed over."""
    fields = {
        name: getattr(article, name)
        for name in ARTICLE_CONTENT_FIELDS
        if name not in ("attachments", "references")
    }
    fields["attachments"] = [{"url": a.url, "name": a.name} for a in article.attachments]
    fields["references"] = [r.code for r in article.references]
    return content_fields(fields, ARTICLE_CONTENT_FIELDS)


# --- shared by articles and documents -------------------------------------------------


def seen_at(record: Mapping[str, Any]) -> datetime:
    """When the record was observed: its fetch time, or now for records without one."""
    return as_datetime(record.get("fetched_at")) or datetime.now(UTC)


def provenance(
    session: Session, record: Mapping[str, Any]
) -> tuple[str | None, datetime | None, int | None]:
    """Archive the raw body if the record carries it; return (raw sha256, fetched_at, status).

    Called only for new or changed content, so identical re-fetches add no archive rows.
    """
    packed = packed_body(record)
    if packed is not None:
        sha = archive_raw(session, packed, record.get("content_type"))
    else:
        sha = record.get("body_sha256")
    return sha, as_datetime(record.get("fetched_at")), as_int(record.get("http_status"))


def keep_version(
    session: Session,
    kind: str,
    item_id: int,
    old_hash: str,
    old_content: dict[str, Any],
    valid_from: datetime,
    valid_to: datetime,
) -> None:
    """Keep the content being replaced, valid from when it appeared until now."""
    session.add(
        ItemVersion(
            kind=kind,
            item_id=item_id,
            content_hash=old_hash,
            data=old_content,
            valid_from=valid_from,
            valid_to=max(valid_to, valid_from),
        )
    )


def batch_texts(session: Session, record: Mapping[str, Any],
                rows: BatchRows | None) -> StoredTexts:
    """The stored texts of ``record``'s files: the batch's, else looked up for it alone."""
    if rows is not None and rows.texts is not None:
        return rows.texts
    return learn_texts(session, record.get("attachments") or [])


def attachment_rows(items: Sequence[Mapping[str, Any]],
                    texts: StoredTexts) -> list[dict[str, Any]]:
    """The column values of the record's attachment dicts, in order, without their owner
    (the caller adds it), their text by the rule (``StoredTexts.settle``)."""
    rows = []
    for item in items:
        row = {"url": item["url"], "name": item.get("name"),
               **{k: item.get(k) for k in ATTACHMENT_FILE_FIELDS}}
        texts.settle(row, item)
        rows.append(row)
    return rows


def refresh_attachment_files(
    rows: Sequence[Attachment], items: Sequence[Mapping[str, Any]], texts: StoredTexts
) -> bool:
    """Add download results (path, size…) learnt since, never erasing known ones, and
    settle each row's text; True when a text changed (the owner's search text must follow).

    Only called when the content is unchanged, so rows and items list the same
    files in the same order.
    """
    texts_changed = False
    for row, item in zip(rows, items, strict=False):
        for name in ATTACHMENT_FILE_FIELDS:
            value = item.get(name)
            if value is not None and getattr(row, name) != value:
                setattr(row, name, value)
        # The row's file, as now known (a download that failed before may have succeeded).
        texts_changed |= settle_text(row, item.get("text"), texts.of(row.sha256))
    return texts_changed


def document_for_code(session: Session, code: str) -> int | None:
    """The id of the one document with normalised ``code``; ``None`` if none or ambiguous."""
    return _the_one(_document_ids(session, code))


# Built once, the code passed as a parameter: asked for every reference and document stored.
_DOCUMENT_IDS = select(Document.id).where(Document.code_normalized == bindparam("code")).limit(2)


def _document_ids(session: Session, code: str) -> Sequence[int]:
    """Ids of at most two documents with normalised ``code`` (none, the one, or ambiguous)."""
    return session.scalars(_DOCUMENT_IDS, {"code": code}).all()


def _the_one(ids: Sequence[int]) -> int | None:
    return ids[0] if len(ids) == 1 else None


def resolve_references(session: Session, code: str) -> None:
    """Point every article reference to ``code`` at its document, now that documents changed."""
    ids = _document_ids(session, code)
    if not ids:
        return
    session.execute(
        update(ArticleReference)
        .where(ArticleReference.code == code)
        .values(document_id=_the_one(ids))
        # The criterion is a plain equality: loaded references are updated in Python,
        # without the SELECT that "fetch" sends first.
        .execution_options(synchronize_session="evaluate")
    )
