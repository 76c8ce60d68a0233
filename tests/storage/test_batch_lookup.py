"""A batch looks up its stored rows together, and still sees what it wrote itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from congdoan.storage.models import Article, Attachment, DocumentPosting, ItemVersion
from congdoan.storage.store import Store
from tests.statements import recorded
from tests.storage.conftest import article_record, document_record

# A lookup by key: a SELECT from articles or postings whose WHERE names the canonical URL.
_LOOKUP = re.compile(
    r"^SELECT\b.*\bFROM (articles|document_postings)\s+WHERE\b.*\.canonical_url\b", re.S)


@contextmanager
def lookups(sessions: sessionmaker[Session]) -> Iterator[list[str]]:
    """The lookups of articles or postings by canonical URL run while the block runs
    (the list is filled when the block ends)."""
    found: list[str] = []
    with recorded(sessions.kw["bind"]) as statements:
        yield found
    found.extend(s for s in statements if _LOOKUP.match(s.strip()))


def _articles(n: int, title: str = "Tin số") -> list[dict[str, Any]]:
    return [article_record(url=f"https://ldld.dienbien.gov.vn/a{i}.html",
                           canonical_url=f"https://ldld.dienbien.gov.vn/a{i}.html",
                           source_id=i, title=f"{title} {i}") for i in range(n)]


def _documents(n: int) -> list[dict[str, Any]]:
    return [document_record(url=f"https://ldld.dienbien.gov.vn/d{i}.html",
                            canonical_url=f"https://ldld.dienbien.gov.vn/d{i}.html",
                            source_id=i) for i in range(n)]


def test_a_batch_of_stored_items_is_looked_up_in_one_query_per_kind(
        sessions: sessionmaker[Session]) -> None:
    with Store(sessions, batch_size=100) as store:
        for record in _articles(20):
            store.add("article", record)
        for record in _documents(5):
            store.add("document", record)
    again = _articles(20)
    again[3]["title"] = "Tin số 3, đã sửa"
    with lookups(sessions) as seen, Store(sessions, batch_size=100) as store:
        for record in again:
            store.add("article", record)
        for record in _documents(5):
            store.add("document", record)
    # One query per kind for the whole batch (the old code ran one per item: 25).
    assert len(seen) == 2, seen
    assert store.counts == {"unchanged": 24, "changed": 1}


def test_an_item_twice_in_one_batch_sees_its_first_write(
        sessions: sessionmaker[Session]) -> None:
    first = article_record()
    edited = article_record(title="Triển khai Chỉ thị 17-CT/TW, bản sửa")
    with Store(sessions, batch_size=100) as store:
        store.add("article", first)
        store.add("article", dict(first))
        store.add("article", edited)
    assert store.counts == {"new": 1, "unchanged": 1, "changed": 1}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        assert session.scalar(select(func.count()).select_from(ItemVersion)) == 1
        article = session.scalars(select(Article)).one()
        assert article.title == edited["title"]
        assert [a.url for a in article.attachments] == [a["url"] for a in edited["attachments"]]
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_a_new_article_written_with_core_inserts_reads_back_whole(
        sessions: sessionmaker[Session]) -> None:
    record = article_record(attachments=[
        {"url": "https://ldld.dienbien.gov.vn/uploads/a.pdf", "name": "a.pdf", "size": 10,
         "sha256": "ab" * 32, "stored_path": "ab/x.pdf", "media_type": "application/pdf",
         "text": "Nội dung"},
        {"url": "https://ldld.dienbien.gov.vn/uploads/b.doc", "name": "b.doc"},
    ], references=["17-CT/TW", "12/2024/NĐ-CP"])
    with Store(sessions) as store:
        store.add("article", record)
        store.add("document", document_record())
    with sessions() as session:
        article = session.scalars(select(Article)).one()
        assert [(a.url, a.name, a.size, a.sha256, a.stored_path, a.media_type, a.text)
                for a in article.attachments] == [
            (a["url"], a["name"], a.get("size"), a.get("sha256"), a.get("stored_path"),
             a.get("media_type"), a.get("text")) for a in record["attachments"]]
        assert [r.code for r in article.references] == record["references"]
        assert article.first_seen_at == article.last_seen_at == article.changed_at
        assert article.category_path == record["category_path"]
        assert article.images == record["images"]
        assert article.raw_sha256 is None and article.http_status == 200
        posting = session.scalars(select(DocumentPosting)).one()
        assert posting.document.title
