"""Search: diacritics and case do not matter, user input is never query syntax."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.storage.documents import upsert_document
from congdoan.storage.models import Article
from congdoan.storage.repository import upsert_article
from congdoan.storage.search import query_phrases, search, search_page

from .conftest import article_record, document_record

HOSTILE = [
    '"; DROP TABLE articles; --',
    "AND OR (",
    "NEAR(",
    '"unbalanced',
    "title:chi*",
    "' OR 1=1 --",
    "!!! ???",
    "^-:*",
    "",
    "   ",
]


@pytest.fixture
def corpus(session: Session) -> Session:
    upsert_article(session, article_record())
    upsert_article(
        session,
        article_record(
            site="lamdong",
            canonical_url="https://ldld.lamdong.gov.vn/vi/news/tin/dai-hoi-7.html",
            title="Đại hội Công đoàn cơ sở nhiệm kỳ 2023-2028",
            summary="Đại hội đại biểu công đoàn cơ sở.",
            body_text="Đồng chí Chủ tịch phát biểu chỉ đạo đại hội.",
            published_at="2023-04-10T08:00:00+07:00",
            references=[],
        ),
    )
    upsert_document(session, document_record())
    session.commit()
    return session


def _keys(hits: list) -> list[tuple[str, int]]:
    return [(h.kind, h.id) for h in hits]


def test_with_and_without_diacritics_give_the_same_hits(corpus: Session) -> None:
    expected = _keys(search(corpus, "chỉ thị 17"))
    assert len(expected) == 2  # the article citing it and the document
    assert {k for k, _ in expected} == {"article", "document"}
    for query in ("chi thi 17", "CHỈ THỊ 17", "Chi Thi 17", "chỉ   thị\t17"):
        assert _keys(search(corpus, query)) == expected


def test_d_with_stroke_folds_to_d(corpus: Session) -> None:
    assert _keys(search(corpus, "đại hội")) == _keys(search(corpus, "dai hoi"))
    assert [h.site for h in search(corpus, "dai hoi")] == ["lamdong"]


def test_codes_match_as_phrases(corpus: Session) -> None:
    hits = search(corpus, "17-CT/TW")
    assert {h.kind for h in hits} == {"article", "document"}
    assert search(corpus, "17-CT/UBND") == []


def test_all_words_must_match(corpus: Session) -> None:
    assert search(corpus, "chỉ thị nonexistentword") == []


def test_title_matches_rank_first(corpus: Session) -> None:
    hits = search(corpus, "công đoàn")
    assert len(hits) == 3
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_filters_by_kind_site_and_date(corpus: Session) -> None:
    assert {h.kind for h in search(corpus, "chi thi", kind="document")} == {"document"}
    assert {h.kind for h in search(corpus, "chi thi", kind="article")} == {"article"}
    assert search(corpus, "dai hoi", site="dienbien") == []
    assert [h.site for h in search(corpus, "chi thi 17", site="dienbien", kind="document")] == [
        "dienbien"
    ]
    assert search(corpus, "dai hoi", since=date(2024, 1, 1)) == []
    assert len(search(corpus, "cong doan", since=date(2023, 1, 1))) == 3
    assert len(search(corpus, "cong doan", limit=1)) == 1


def test_document_hits_carry_code_and_issue_date(corpus: Session) -> None:
    (hit,) = search(corpus, "tang cuong", kind="document")
    assert (hit.code, hit.when, hit.site) == ("17-CT/TW", date(2023, 7, 20), "dienbien")


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_just_searches(corpus: Session, query: str) -> None:
    assert isinstance(search(corpus, query), list)
    assert corpus.scalar(select(func.count()).select_from(Article)) == 2


def test_sql_words_are_searched_as_words(corpus: Session) -> None:
    upsert_article(
        corpus,
        article_record(
            canonical_url="https://ldld.dienbien.gov.vn/vi/news/sql-9.html",
            title="Bài viết về DROP TABLE",
            references=[],
        ),
    )
    corpus.commit()
    hits = search(corpus, '"; DROP TABLE')
    assert [h.title for h in hits] == ["Bài viết về DROP TABLE"]


def test_query_phrases_keep_only_letters_and_digits() -> None:
    assert query_phrases('Chỉ thị "17-CT/TW" AND (') == ["chi", "thi", "17 ct tw", "and"]
    assert query_phrases("!!! ???") == []


def test_a_leading_document_type_before_a_topic_ranks_only() -> None:
    from congdoan.storage.search_query import read_query

    plan = read_query("Kế hoạch tháng công nhân")
    assert (plan.kind_words, plan.phrases) == (["ke hoach"], ["thang", "cong", "nhan"])
    assert plan.highlighted == ["ke hoach", "thang", "cong", "nhan"]
    assert query_phrases("thong bao nghi tet") == ["nghi", "tet"]  # what watches require
    # A type alone, with a number (a reference), or quoted must match as typed.
    for query in ("chỉ thị", "chỉ thị 17", "quyết định 5440 2021", '"kế hoạch" tháng'):
        assert read_query(query).kind_words == [], query


# --- issue #10 item 8: totals, pages, phrases, ranking, snippets -------------------------


def _article(n: int, title: str, body: str, published: str = "2024-05-01T09:15:00+07:00",
             site: str = "dienbien") -> dict:
    return article_record(
        site=site, source_id=n, title=title, summary=None, body_text=body,
        canonical_url=f"https://ldld.dienbien.gov.vn/vi/news/hoat-dong/bai-{n}.html",
        url=f"https://ldld.dienbien.gov.vn/vi/news/hoat-dong/bai-{n}.html",
        published_at=published, references=[], tags=[], attachments=[],
    )


@pytest.fixture
def many(session: Session) -> Session:
    """27 articles that mention "an toàn lao động", and 3 that only use the words apart."""
    for n in range(27):
        upsert_article(session, _article(n, f"Tin hoạt động số {n}",
                                         f"Bài {n}: tuyên truyền an toàn lao động tại cơ sở."))
    for n in range(27, 30):
        upsert_article(session, _article(n, f"Tin số {n}",
                                         "Người lao động được an toàn khi làm việc."))
    session.commit()
    return session


def test_total_counts_every_hit_not_just_the_page(many: Session) -> None:
    page = search_page(many, "an toàn lao động", limit=20)
    assert (len(page.hits), page.total) == (20, 30)


def test_offset_pages_through_every_hit_once(many: Session) -> None:
    seen = []
    for offset in range(0, 30, 7):
        page = search_page(many, "an toan lao dong", limit=7, offset=offset)
        assert page.total == 30
        seen += [h.id for h in page.hits]
    assert len(seen) == 30 and len(set(seen)) == 30
    assert search_page(many, "an toan lao dong", limit=7, offset=30).hits == []


def test_quoted_text_is_one_phrase(many: Session) -> None:
    assert search_page(many, '"an toàn lao động"').total == 27
    assert search_page(many, 'an toàn lao động').total == 30
    assert query_phrases('"An toàn  lao động" 17-CT/TW') == ["an toan lao dong", "17 ct tw"]
    assert query_phrases('"unbalanced phrase') == ["unbalanced", "phrase"]


def test_a_title_match_ranks_above_a_body_match(session: Session) -> None:
    upsert_article(session, _article(1, "Tin hoạt động", "Hướng dẫn về thỏa ước lao động tập thể."))
    upsert_article(session, _article(2, "Thỏa ước lao động tập thể năm 2024", "Nội dung hội nghị."))
    session.commit()
    assert [h.title for h in search(session, "thoa uoc")] == [
        "Thỏa ước lao động tập thể năm 2024", "Tin hoạt động"]


def test_at_equal_relevance_the_recent_item_ranks_first(session: Session) -> None:
    body = "Hội nghị tổng kết phong trào thi đua lao động giỏi."
    upsert_article(session, _article(1, "Tổng kết thi đua", body, "2016-03-01T08:00:00+07:00"))
    upsert_article(session, _article(2, "Tổng kết thi đua", body, "2026-03-01T08:00:00+07:00"))
    upsert_article(session, _article(3, "Tổng kết thi đua", body, "2021-03-01T08:00:00+07:00"))
    session.commit()
    hits = search(session, "thi dua")
    assert [h.when.year for h in hits] == [2026, 2021, 2016]  # type: ignore[union-attr]


def test_the_snippet_marks_the_match_in_the_original_text(session: Session) -> None:
    body = ("Sáng 01/5, Liên đoàn Lao động tỉnh tổ chức hội nghị. " * 4
            + "Đồng chí Chủ tịch quán triệt CHỈ THỊ số 17-CT/TW của Ban Bí thư. "
            + "Hội nghị kết thúc lúc 11 giờ. " * 6)
    upsert_article(session, _article(1, "Hội nghị quán triệt chỉ thị", body))
    session.commit()
    (hit,) = search(session, '"chi thi" 17-ct/tw')
    marked = [hit.snippet[a:b] for a, b in hit.snippet_spans]
    assert marked == ["CHỈ THỊ", "17-CT/TW"]
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 182 and "\n" not in hit.snippet
    assert [hit.title[a:b] for a, b in hit.title_spans] == ["chỉ thị"]


def test_an_edited_redated_or_deleted_item_is_searched_as_it_now_is(session: Session) -> None:
    """The search index (FTS5 on SQLite, the narrow ``*_search`` table on PostgreSQL)
    follows every write: new text, a new date, a deleted row."""
    body = "Hội nghị tổng kết phong trào thi đua lao động giỏi."
    upsert_article(session, _article(1, "Tổng kết thi đua", body, "2016-03-01T08:00:00+07:00"))
    upsert_article(session, _article(2, "Tổng kết thi đua", body, "2021-03-01T08:00:00+07:00"))
    session.commit()
    assert [h.when.year for h in search(session, "thi dua")] == [2021, 2016]  # type: ignore[union-attr]

    # Article 1 is seen again, re-dated and with new words: it now ranks first.
    upsert_article(session, _article(1, "Tổng kết thi đua", body + " Khen thưởng công nhân.",
                                     "2026-03-01T08:00:00+07:00"))
    session.commit()
    assert [h.when.year for h in search(session, "thi dua")] == [2026, 2021]  # type: ignore[union-attr]
    assert [h.id for h in search(session, "khen thuong")] == [
        session.scalar(select(Article.id).where(Article.source_id == 1))]

    session.delete(session.scalars(select(Article).where(Article.source_id == 1)).one())
    session.commit()
    assert search(session, "khen thuong") == []
    assert search_page(session, "thi dua").total == 1
