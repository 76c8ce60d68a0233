"""A new article stored under the id of one deleted behind the store's back (SQLite rowid reuse).

An admin's ``DELETE`` without foreign keys on (the sqlite3 shell's default, or a plain
SQLAlchemy engine) removes the article but keeps its story rows; SQLite then gives
the next article the same id. Storing it must still work, without a lookup or a
delete on the path of every new article.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from congdoan.storage.db import make_engine, session_factory
from congdoan.storage.models import Article, StoryBucket, StoryMember
from congdoan.storage.store import write_batch
from congdoan.stories.signature import signature
from tests.statements import recorded
from tests.storage.conftest import article_record

FIRST = article_record(
    title="Liên đoàn Lao động tỉnh tổ chức hội nghị tổng kết phong trào thi đua",
    body_text=" ".join(f"Đoạn {n}: hội nghị tổng kết phong trào thi đua lao động giỏi "
                       f"của công nhân viên chức năm nay tại tỉnh" for n in range(12)))
SECOND = article_record(
    url="https://ldld.dienbien.gov.vn/vi/news/hoat-dong/mai-am-13.html",
    canonical_url="https://ldld.dienbien.gov.vn/vi/news/hoat-dong/mai-am-13.html",
    source_id=13, title="Trao Mái ấm Công đoàn cho đoàn viên có hoàn cảnh khó khăn",
    body_text=" ".join(f"Phần {n}: công đoàn ngành giáo dục trao nhà mái ấm cho gia đình "
                       f"đoàn viên khó khăn ở huyện miền núi" for n in range(12)))


def test_a_new_article_under_a_deleted_ones_id_is_stored_in_its_own_story(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        [outcome] = write_batch(session, [("article", FIRST)])
        assert outcome.status == "new"
        first_id = session.scalar(select(Article.id))
    # Deleted as an admin would: foreign keys off, the story rows stay behind.
    plain = create_engine(url)
    with Session(plain) as session, session.begin():
        session.delete(session.get_one(Article, first_id))
    plain.dispose()
    with sessions() as session:
        assert session.get(StoryMember, first_id) is not None

    with recorded(engine) as statements, sessions.begin() as session:
        [outcome] = write_batch(session, [("article", SECOND)])
    assert outcome.error is None and outcome.status == "new"
    # The new article's path: no delete of story rows, no lookup of its own member row.
    assert not [s for s in statements if s.lstrip().startswith("DELETE")]
    assert not [s for s in statements
                if "FROM story_members" in s and "story_members.article_id = ?" in s]

    with sessions() as session:
        second_id = session.scalar(select(Article.id).where(Article.source_id == 13))
        assert second_id == first_id  # the rowid was reused
        member = session.get_one(StoryMember, second_id)
        sig = signature(SECOND["title"], SECOND["body_text"])
        assert sig is not None and member.signature == sig.to_bytes()
        keys: set[Any] = set(session.scalars(
            select(StoryBucket.bucket).where(StoryBucket.article_id == second_id)))
        assert set(sig.bands()) <= keys
    engine.dispose()
