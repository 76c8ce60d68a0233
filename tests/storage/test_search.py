"""Search: diacritics and case do not matter, user input is never query syntax."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from congdoan.storage.documents import upsert_document
from congdoan.storage.models import Article
from congdoan.storage.repository import upsert_article
from congdoan.storage.search import query_phrases, search

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
