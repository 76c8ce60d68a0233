"""Storage fixtures: every test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL tests use one fresh schema per session (dropped at the end) and
empty its tables before each test. Without a server they skip, except in CI
(``CI=true``) where a missing server is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from congdoan.storage.db import make_engine, session_factory, upgrade
from congdoan.storage.models import Base
from tests.conftest import PgSchemas


@pytest.fixture(scope="session")
def pg_url(pg_schemas: PgSchemas) -> str:
    """A migrated PostgreSQL schema shared by the session's tests."""
    url = pg_schemas.new_url()
    upgrade(url)
    return url


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A database with nothing in it, not even migrations."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("pg_schemas").new_url()


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A migrated database with empty tables."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'congdoan.sqlite3'}"
    url = request.getfixturevalue("pg_url")
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


# --- records as the pipelines hand them over ------------------------------------------


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def article_record(**overrides: Any) -> dict[str, Any]:
    """A complete article record for site ``dienbien``; override any key."""
    record: dict[str, Any] = {
        "site": "dienbien",
        "url": "https://ldld.dienbien.gov.vn/index.php/vi/news/hoat-dong/tap-huan-12.html",
        "canonical_url": "https://ldld.dienbien.gov.vn/vi/news/hoat-dong/tap-huan-12.html",
        "source_id": 12,
        "fetched_at": "2024-05-01T03:00:00+00:00",
        "http_status": 200,
        "title": "Triển khai Chỉ thị 17-CT/TW về công tác công đoàn",
        "published_text": "Thứ tư - 01/05/2024 09:15",
        "published_at": "2024-05-01T09:15:00+07:00",
        "published_precision": "minute",
        "author": "Nguyễn Văn A",
        "source": "LĐLĐ tỉnh",
        "category": "Hoạt động",
        "category_path": ["Tin tức", "Hoạt động"],
        "summary": "Hội nghị quán triệt Chỉ thị số 17-CT/TW của Ban Bí thư.",
        "body_html": "<p>Sáng 01/5, Liên đoàn Lao động tỉnh tổ chức hội nghị.</p>",
        "body_text": "Sáng 01/5, Liên đoàn Lao động tỉnh tổ chức hội nghị.",
        "images": [{"url": "https://ldld.dienbien.gov.vn/uploads/a.jpg", "alt": "Hội nghị"}],
        "attachments": [
            {"url": "https://ldld.dienbien.gov.vn/uploads/ct17.pdf", "name": "ct17.pdf"}
        ],
        "tags": ["chỉ thị", "công đoàn"],
        "references": ["17-CT/TW"],
    }
    record.update(overrides)
    return record


def document_record(**overrides: Any) -> dict[str, Any]:
    """A complete document record (Chỉ thị 17-CT/TW) as posted on ``dienbien``."""
    record: dict[str, Any] = {
        "site": "dienbien",
        "url": "https://ldld.dienbien.gov.vn/vi/laws/detail/chi-thi-17-ct-tw-55/",
        "canonical_url": "https://ldld.dienbien.gov.vn/vi/laws/detail/chi-thi-17-ct-tw-55/",
        "source_id": 55,
        "fetched_at": "2024-05-02T03:00:00+00:00",
        "http_status": 200,
        "code": "17-CT/TW",
        "code_parsed": {
            "number": 17,
            "year": None,
            "type_abbr": "CT",
            "type_name": "Chỉ thị",
            "issuer_abbr": "TW",
            "normalized": "17-CT/TW",
        },
        "title": "Chỉ thị về tăng cường công tác công đoàn",
        "intro": "Về tăng cường sự lãnh đạo của Đảng đối với công đoàn",
        "body_text": None,
        "issued_text": "20/07/2023",
        "issued_on": "2023-07-20",
        "effective_text": None,
        "effective_on": None,
        "expires_text": None,
        "expires_on": None,
        "signer": "Trương Thị Mai",
        "issuer": "Ban Bí thư",
        "category": "Chỉ thị",
        "field": ["Công đoàn"],
        "views": 10,
        "downloads": 2,
        "attachments": [
            {"url": "https://ldld.dienbien.gov.vn/uploads/17ct.pdf", "name": "17ct.pdf"}
        ],
    }
    record.update(overrides)
    return record
