"""The stored rows of one batch, looked up together: one SELECT per kind, not one per item.

``write_batch`` asks once which of the batch's (site, canonical URL) pairs are
stored, loading those articles and postings with the children an upsert reads
(attachments, references, the posting's document). Each upsert then *takes*
its row: a pair is answered once, so a URL that occurs twice in a batch, or an
item retried after a rolled-back savepoint, falls back to its own SELECT and
sees what the batch wrote before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from congdoan.storage.file_texts import StoredTexts, learn_texts
from congdoan.storage.models import Article, DocumentPosting

NOT_LOOKED_UP: Any = object()  # ``take`` found no answer: look the row up yourself
_CHUNK = 500  # bound parameters per IN list (SQLite's limit is far above; keep queries small)
_MODELS: dict[str, Any] = {"article": Article, "document": DocumentPosting}
_CHILDREN: dict[str, tuple[Any, ...]] = {
    "article": (selectinload(Article.attachments), selectinload(Article.references)),
    "document": (selectinload(DocumentPosting.attachments),
                 selectinload(DocumentPosting.document)),
}


class BatchRows:
    """Stored rows of a batch's records by (kind, site, canonical URL); ``None`` = not stored."""

    def __init__(self, rows: dict[tuple[str, str, str], Any] | None = None,
                 *, texts: StoredTexts | None = None) -> None:
        self._rows: dict[tuple[str, str, str], Any] = rows or {}
        # The stored texts of every file of the batch (``learn_texts`` once per
        # batch): the upserts need not ask again. ``None``: not looked up.
        self.texts = texts

    @classmethod
    def load(cls, session: Session,
             records: Iterable[tuple[str, Mapping[str, Any]]]) -> BatchRows:
        """Look up every record's row, one query per kind and site (per 500 URLs).

        Also records the crawl's readings of the batch's files and looks up their
        stored texts, in one query (``file_texts.learn_texts``).
        """
        records = list(records)
        attachments = [a for _, record in records for a in record.get("attachments") or []]
        texts = learn_texts(session, attachments)
        wanted: dict[tuple[str, str], set[str]] = {}
        for kind, record in records:
            site, url = record.get("site"), record.get("canonical_url")
            if kind in _MODELS and site and url:
                wanted.setdefault((kind, site), set()).add(url)
        rows: dict[tuple[str, str, str], Any] = {}
        for (kind, site), urls in wanted.items():
            model = _MODELS[kind]
            ordered = sorted(urls)
            for start in range(0, len(ordered), _CHUNK):
                chunk = ordered[start:start + _CHUNK]
                rows.update({(kind, site, url): None for url in chunk})
                found = session.scalars(
                    select(model)
                    .where(model.site == site, model.canonical_url.in_(chunk))
                    .options(*_CHILDREN[kind])
                )
                rows.update({(kind, site, row.canonical_url): row for row in found})
        return cls(rows, texts=texts)

    def take(self, kind: str, site: str, url: str) -> Any:
        """The stored row (or ``None``) once; ``NOT_LOOKED_UP`` after that or if never asked."""
        return self._rows.pop((kind, site, url), NOT_LOOKED_UP)
