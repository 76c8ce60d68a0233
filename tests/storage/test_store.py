"""Batched writes: one transaction per batch, every item all-or-nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from congdoan.storage.models import Article, Attachment, DocumentPosting
from congdoan.storage.store import Store
from tests.statements import recorded

from .conftest import article_record, document_record


def _article(n: int, **overrides: object) -> dict:
    return article_record(
        canonical_url=f"https://ldld.dienbien.gov.vn/vi/news/a-{n}.html", **overrides
    )


def _articles(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Article)) or 0


def test_records_are_written_a_batch_at_a_time(sessions: sessionmaker[Session]) -> None:
    store = Store(sessions, batch_size=3)
    assert store.add("article", _article(1)) == []
    assert store.add("article", _article(2)) == []
    assert store.pending == 2
    assert _articles(sessions) == 0  # nothing visible before the batch commits

    outcomes = store.add("document", document_record())
    assert [o.status for o in outcomes] == ["new", "new", "new"]
    assert store.pending == 0
    assert _articles(sessions) == 2

    store.add("article", _article(1))
    store.close()
    assert dict(store.counts) == {"new": 3, "unchanged": 1}


def test_a_bad_record_fails_alone_and_leaves_nothing_behind(
    sessions: sessionmaker[Session],
) -> None:
    store = Store(sessions, batch_size=10)
    store.add("article", _article(1))
    # Fails after the article row is added: its attachment has no URL.
    store.add("article", _article(2, attachments=[{"name": "no-url.pdf"}]))
    store.add("article", _article(3, title=None))  # NOT NULL violation in the database
    store.add("document", document_record())
    outcomes = store.flush()

    assert [o.status for o in outcomes] == ["new", None, None, "new"]
    assert isinstance(outcomes[1].error, KeyError)
    assert outcomes[2].error is not None
    assert dict(store.counts) == {"new": 2, "failed": 2}
    with sessions() as session:
        urls = set(session.scalars(select(Article.canonical_url)))
        assert urls == {"https://ldld.dienbien.gov.vn/vi/news/a-1.html"}
        assert session.scalar(select(func.count()).select_from(Attachment)) == 2
        assert session.scalar(select(func.count()).select_from(DocumentPosting)) == 1


def test_a_batch_of_good_records_takes_one_savepoint_not_one_each(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    """A savepoint a record (two statements and the ORM's nested transaction) was 15 % of
    the store's CPU; a batch is tried whole first, record by record only if one fails."""
    store = Store(sessions, batch_size=6)
    with recorded(engine) as savepoints:
        for n in range(5):
            store.add("article", _article(n))
        outcomes = store.add("document", document_record())
    assert [o.status for o in outcomes] == ["new"] * 6
    assert sum(s.startswith("SAVEPOINT") for s in savepoints) == 1
    # One bad record: the batch is written again a record at a time, the others kept.
    with recorded(engine) as savepoints:
        store.add("article", _article(10))
        store.add("article", _article(11, title=None))
        outcomes = store.flush()
    assert [o.status for o in outcomes] == ["new", None]
    # The batch's, then one each: twice for the bad one (an IntegrityError is retried once,
    # for a concurrent writer's insert).
    assert sum(s.startswith("SAVEPOINT") for s in savepoints) == 1 + 1 + 2
    assert _articles(sessions) == 6


def test_a_crash_loses_only_the_open_batch(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), Store(sessions, batch_size=2) as store:
        store.add("article", _article(1))
        store.add("article", _article(2))  # completes and commits the first batch
        store.add("article", _article(3))
        raise RuntimeError("crawler killed")
    assert _articles(sessions) == 2


def test_a_clean_exit_flushes_the_rest(sessions: sessionmaker[Session]) -> None:
    with Store(sessions, batch_size=100) as store:
        for n in range(5):
            store.add("article", _article(n))
    assert _articles(sessions) == 5


def test_unknown_kinds_and_batch_sizes_are_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError):
        Store(sessions, batch_size=0)
    with pytest.raises(ValueError):
        Store(sessions).add("video", {})  # type: ignore[arg-type]
