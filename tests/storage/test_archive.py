"""Raw page archive: exact round trip, one row per distinct body."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.storage.archive import archive_raw, load_raw
from congdoan.storage.models import Article, RawPage
from congdoan.storage.repository import upsert_article

from .conftest import article_record

BODY = "<html><body>Liên đoàn Lao động tỉnh Điện Biên</body></html>".encode() * 50


def test_round_trip_returns_the_exact_bytes(session: Session) -> None:
    sha = archive_raw(session, BODY, "text/html; charset=utf-8")
    session.commit()
    assert sha == hashlib.sha256(BODY).hexdigest()
    assert load_raw(session, sha) == BODY
    page = session.get(RawPage, sha)
    assert page is not None
    assert (page.size, page.content_type) == (len(BODY), "text/html; charset=utf-8")
    assert len(page.data) < len(BODY)  # stored compressed


def test_the_same_body_is_stored_once(session: Session) -> None:
    first = archive_raw(session, BODY, "text/html")
    session.commit()
    second = archive_raw(session, BODY, "text/html")
    session.commit()
    other = archive_raw(session, b"another page", "text/html")
    session.commit()
    assert first == second != other
    assert session.scalar(select(func.count()).select_from(RawPage)) == 2


def test_empty_and_binary_bodies_round_trip(session: Session) -> None:
    for body in (b"", bytes(range(256))):
        assert load_raw(session, archive_raw(session, body, None)) == body


def test_unknown_hash_is_a_key_error(session: Session) -> None:
    with pytest.raises(KeyError):
        load_raw(session, "0" * 64)


def test_stored_items_link_to_their_raw_page(session: Session) -> None:
    upsert_article(session, article_record(raw_body=BODY))
    upsert_article(session, article_record(site="lamdong", raw_body=BODY))
    session.commit()
    shas = set(session.scalars(select(Article.raw_sha256)))
    assert shas == {hashlib.sha256(BODY).hexdigest()}
    assert session.scalar(select(func.count()).select_from(RawPage)) == 1
    assert load_raw(session, shas.pop()) == BODY


def test_a_crawled_page_is_archived_under_the_spiders_digest(session: Session) -> None:
    """The spider hashes each page once (``body_sha256``); the archive takes that digest
    as the page's address instead of hashing the bytes again, and the round trip
    still checks the bytes against it. The store pipeline hands the raw page to its
    packing thread and keeps only the packed body in the waiting record."""
    from concurrent.futures import ThreadPoolExecutor

    from congdoan.pipelines.store import packing
    from congdoan.storage.archive import PACKED_KEY

    digest = hashlib.sha256(BODY).hexdigest()
    with ThreadPoolExecutor(max_workers=1) as packer:
        record = packing(article_record(raw_body=BODY, body_sha256=digest), packer)
        assert "raw_body" not in record
        assert record[PACKED_KEY].result().sha256 == digest
    upsert_article(session, record)
    session.commit()
    assert session.scalars(select(Article.raw_sha256)).one() == digest
    assert load_raw(session, digest) == BODY
