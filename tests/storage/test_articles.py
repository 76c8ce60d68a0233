"""Articles: idempotent upserts keyed by (site, canonical_url), versions kept on change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.storage.documents import upsert_document
from congdoan.storage.models import Article, ArticleReference, Attachment, ItemVersion, RawPage
from congdoan.storage.records import ARTICLE_CONTENT_FIELDS, content_fields, content_hash
from congdoan.storage.repository import article_content, upsert_article

from .conftest import article_record, document_record, utc


def _snapshot(session: Session) -> list[dict[str, object]]:
    """Every stored row of every article-related table, minus last_seen_at."""
    session.expire_all()
    rows = []
    for model in (Article, Attachment, ArticleReference, ItemVersion, RawPage):
        for obj in session.scalars(select(model)):
            data = {c.key: getattr(obj, c.key) for c in model.__mapper__.column_attrs}
            data.pop("last_seen_at", None)
            rows.append({"table": model.__tablename__, **data})
    return rows


def test_a_new_article_is_stored_with_all_its_fields(session: Session) -> None:
    assert upsert_article(session, article_record(raw_body=b"<html>12</html>")) == "new"
    session.commit()

    article = session.scalars(select(Article)).one()
    assert article.site == "dienbien"
    assert article.title == "Triển khai Chỉ thị 17-CT/TW về công tác công đoàn"
    assert article.category_path == ["Tin tức", "Hoạt động"]
    assert article.tags == ["chỉ thị", "công đoàn"]
    # Stored in UTC, handed back timezone-aware on every backend.
    assert article.published_at == datetime(2024, 5, 1, 9, 15, tzinfo=timezone(timedelta(hours=7)))
    assert article.published_at.tzinfo is not None
    assert article.first_seen_at == article.last_seen_at == article.changed_at == utc(2024, 5, 1, 3)
    assert article.http_status == 200
    assert article.search_title == "trien khai chi thi 17 ct tw ve cong tac cong doan"
    assert [(a.url, a.name) for a in article.attachments] == [
        ("https://ldld.dienbien.gov.vn/uploads/ct17.pdf", "ct17.pdf")
    ]
    assert [r.code for r in article.references] == ["17-CT/TW"]
    assert article.raw_sha256 == session.scalars(select(RawPage.sha256)).one()


def test_storing_the_same_content_again_only_moves_last_seen(session: Session) -> None:
    upsert_article(session, article_record())
    session.commit()
    before = _snapshot(session)

    later = article_record(fetched_at="2024-05-08T03:00:00Z", raw_body=b"same page, new chrome")
    assert upsert_article(session, later) == "unchanged"
    session.commit()

    assert _snapshot(session) == before
    assert session.scalars(select(Article.last_seen_at)).one() == utc(2024, 5, 8, 3)


def test_storing_the_same_record_twice_changes_nothing(session: Session) -> None:
    upsert_article(session, article_record())
    session.commit()
    before = _snapshot(session)
    assert upsert_article(session, article_record()) == "unchanged"
    session.commit()
    assert _snapshot(session) == before


def test_changed_content_keeps_the_previous_version(session: Session) -> None:
    upsert_article(session, article_record())
    session.commit()
    old_hash = session.scalars(select(Article.content_hash)).one()

    edited = article_record(
        title="Triển khai Chỉ thị 17-CT/TW (cập nhật)",
        references=["17-CT/TW", "92/CT-UBND"],
        fetched_at="2024-05-03T00:00:00+00:00",
    )
    assert upsert_article(session, edited) == "changed"
    session.commit()

    article = session.scalars(select(Article)).one()
    assert article.title == "Triển khai Chỉ thị 17-CT/TW (cập nhật)"
    assert [r.code for r in article.references] == ["17-CT/TW", "92/CT-UBND"]
    assert article.first_seen_at == utc(2024, 5, 1, 3)
    assert article.changed_at == article.last_seen_at == utc(2024, 5, 3)

    version = session.scalars(select(ItemVersion)).one()
    assert (version.kind, version.item_id, version.content_hash) == (
        "article",
        article.id,
        old_hash,
    )
    assert version.data["title"] == "Triển khai Chỉ thị 17-CT/TW về công tác công đoàn"
    assert version.data["references"] == ["17-CT/TW"]
    assert (version.valid_from, version.valid_to) == (utc(2024, 5, 1, 3), utc(2024, 5, 3))
    # The kept version is exactly the content its hash was computed over.
    assert content_hash(version.data) == old_hash


def test_stored_content_hashes_back_to_its_hash(session: Session) -> None:
    record = article_record()
    upsert_article(session, record)
    session.commit()
    article = session.scalars(select(Article)).one()
    assert article_content(article) == content_fields(record, ARTICLE_CONTENT_FIELDS)
    assert content_hash(article_content(article)) == article.content_hash


def test_provenance_alone_is_not_a_change(session: Session) -> None:
    upsert_article(session, article_record())
    other_fetch = article_record(
        url="https://ldld.dienbien.gov.vn/index.php?nv=news&op=hoat-dong/tap-huan-12",
        http_status=203,
        body_sha256="f" * 64,
        fetched_at="2024-05-02T00:00:00Z",
        # Attachment download results are facts about the file, not the page.
        attachments=[
            {
                "url": "https://ldld.dienbien.gov.vn/uploads/ct17.pdf",
                "name": "ct17.pdf",
                "sha256": "a" * 64,
                "size": 1234,
                "stored_path": "aa/aaaa.pdf",
                "media_type": "application/pdf",
                "text": "Chỉ thị",
            }
        ],
    )
    assert upsert_article(session, other_fetch) == "unchanged"
    session.commit()
    attachment = session.scalars(select(Attachment)).one()
    assert (attachment.size, attachment.stored_path, attachment.text) == (
        1234,
        "aa/aaaa.pdf",
        "Chỉ thị",
    )


def test_the_cms_modified_time_is_stored_and_kept_current_without_a_new_version(
        session: Session) -> None:
    first = article_record(modified_text="2024-05-01T09:15:00+07:00")
    assert upsert_article(session, first) == "new"
    session.commit()
    assert session.scalars(select(Article.modified_text)).one() == "2024-05-01T09:15:00+07:00"

    # WordPress saved the post again with nothing else changed: the same version,
    # the latest modified time.
    resaved = article_record(modified_text="2024-05-03T11:32:00+07:00",
                             fetched_at="2024-05-04T00:00:00Z")
    assert upsert_article(session, resaved) == "unchanged"
    session.commit()
    session.expire_all()
    assert session.scalars(select(Article.modified_text)).one() == "2024-05-03T11:32:00+07:00"
    assert session.scalar(select(func.count()).select_from(ItemVersion)) == 0

    # A real edit: a new version, and the row carries the edit's modified time.
    edited = article_record(modified_text="2024-05-06T08:00:00+07:00", title="Tiêu đề mới",
                            fetched_at="2024-05-06T02:00:00Z")
    assert upsert_article(session, edited) == "changed"
    session.commit()
    session.expire_all()
    assert session.scalars(select(Article.modified_text)).one() == "2024-05-06T08:00:00+07:00"
    assert session.scalar(select(func.count()).select_from(ItemVersion)) == 1


def test_same_url_on_two_sites_is_two_articles(session: Session) -> None:
    upsert_article(session, article_record())
    assert upsert_article(session, article_record(site="lamdong")) == "new"
    session.commit()
    assert session.scalar(select(func.count()).select_from(Article)) == 2


def test_naive_and_string_timestamps_are_utc(session: Session) -> None:
    upsert_article(session, article_record(published_at=datetime(2024, 5, 1, 2, 15)))
    session.commit()
    assert session.scalars(select(Article.published_at)).one() == datetime(
        2024, 5, 1, 2, 15, tzinfo=UTC
    )


def test_references_resolve_to_a_unique_document(session: Session) -> None:
    upsert_article(session, article_record())
    session.commit()
    assert session.scalars(select(ArticleReference.document_id)).one() is None

    upsert_document(session, document_record())
    session.commit()
    reference = session.scalars(select(ArticleReference)).one()
    assert reference.document_id is not None

    # A second article citing the code resolves straight away.
    upsert_article(
        session, article_record(canonical_url="https://ldld.dienbien.gov.vn/vi/x-13.html")
    )
    session.commit()
    ids = set(session.scalars(select(ArticleReference.document_id)))
    assert ids == {reference.document_id}
